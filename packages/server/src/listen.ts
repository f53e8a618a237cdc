import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ServerStartError } from "./start-errors.js";

type Handler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  close?: () => void;
  readonly inFlight?: number;
  readonly store?: { close(): void | Promise<void> };
  allowHost?: (host: string) => void;
  stopWorkers?: () => Promise<void>;
  readonly tokenProtected?: boolean;
};

export interface ListenOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. Any other address exposes recordings to the network and logs a warning. */
  host?: string;
  /** Drain and close on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** How long shutdown waits for in-flight requests before cutting them (default 10000 ms). */
  drainTimeoutMs?: number;
  /** Called after a signal-triggered shutdown finished. Default: re-raise the signal so the process ends. */
  onSignalShutdown?: (signal: NodeJS.Signals) => void;
  log?: (line: string) => void;
}

export interface Listening {
  server: Server;
  host: string;
  port: number;
  /** `http://host:port` (IPv6 hosts in brackets). */
  url: string;
  /** Stops accepting, ends event streams, waits for in-flight requests (bounded), then closes sockets. Idempotent. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Binds a handler to a port: a thin listener that adds graceful shutdown. */
export function listen(handler: Handler, options: ListenOptions): Promise<Listening> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    return Promise.reject(
      new ServerStartError(
        "INVALID_OPTIONS",
        `port must be an integer from 0 to 65535, got ${String(options.port)}.`,
      ),
    );
  }
  if (!LOOPBACK.has(host)) {
    if (handler.tokenProtected !== true) {
      return Promise.reject(
        new ServerStartError(
          "TOKEN_REQUIRED",
          `Refusing to listen on ${host}: beyond loopback anyone who can reach it could read and delete the recordings. Give the server a token (--token or REPLAY_DEVKIT_TOKEN), or listen on 127.0.0.1.`,
        ),
      );
    }
    log(
      `replay-devkit: listening on ${host}, not loopback: every API route and the inspector need the token; the capture routes stay open for posthog-js.`,
    );
  }
  // The name the developer chose to bind is one they will type in the browser.
  handler.allowHost?.(host);
  const server = createServer(handler);
  // Slow or stalled clients must not pin sockets forever.
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new ServerStartError(
            "PORT_IN_USE",
            `Port ${options.port} on ${host} is already in use. Stop the other process (or another replay-devkit: check http://${host}:${options.port}/health), or choose another port.`,
            { cause: error },
          ),
        );
      } else {
        reject(
          new ServerStartError(
            "LISTEN_FAILED",
            `Cannot listen on ${host}:${options.port}: ${error.message}`,
            {
              cause: error,
            },
          ),
        );
      }
    };
    server.once("error", onError);
    server.listen(options.port, host, () => {
      server.off("error", onError);
      const address = server.address() as AddressInfo;
      let closing: Promise<void> | null = null;

      const close = (): Promise<void> => {
        closing ??= (async () => {
          removeSignals();
          const stopped = new Promise<void>((done) => server.close(() => done()));
          handler.close?.();
          server.closeIdleConnections();
          const deadline = Date.now() + drainTimeoutMs;
          while ((handler.inFlight ?? 0) > 0 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 20));
            server.closeIdleConnections();
          }
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
          // Export workers hold their own database connections; they end before the store closes.
          await handler.stopWorkers?.();
          await stopped;
        })();
        return closing;
      };

      const onSignal = (signal: NodeJS.Signals) => {
        log(`replay-devkit: ${signal} received, finishing in-flight requests`);
        void close().then(async () => {
          try {
            // Awaited: a PostgreSQL + S3 store moves its last blocks to the bucket while closing.
            await handler.store?.close();
          } catch (error) {
            log(`replay-devkit: closing the database failed: ${String(error)}`);
          }
          if (options.onSignalShutdown) options.onSignalShutdown(signal);
          else process.kill(process.pid, signal);
        });
      };
      const signals: NodeJS.Signals[] = options.handleSignals === false ? [] : ["SIGINT", "SIGTERM"];
      for (const signal of signals) process.once(signal, onSignal);
      const removeSignals = () => {
        for (const signal of signals) process.off(signal, onSignal);
      };

      const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({
        server,
        host: address.address,
        port: address.port,
        url: `http://${urlHost}:${address.port}`,
        close,
      });
    });
  });
}
