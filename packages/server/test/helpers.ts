import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { openStore, type Store } from "@replay-devkit/store";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { createHandler, type HandlerOptions, type ReplayDevkitHandler } from "../src/index.js";

export const POSTHOG_JS_DIST = join(
  dirname(createRequire(import.meta.url).resolve("posthog-js/package.json")),
  "dist",
);

export interface TestServer {
  url: string;
  port: number;
  store: Store;
  handler: ReplayDevkitHandler;
  dir: TempDir;
  dbFile: string;
  close(): Promise<void>;
}

/** The handler on a real socket (port 0) over a real SQLite file in a temp dir. */
export async function startServer(options: Partial<HandlerOptions> = {}): Promise<TestServer> {
  const dir = tempDir("server-test-");
  const dbFile = join(dir.path, "recordings.db");
  const store = openStore(dbFile, { pollIntervalMs: 50 });
  const handler = createHandler({
    store,
    version: "0.0.0-test",
    captureDir: null,
    compactIdleMs: null,
    ...options,
  });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    handler,
    dir,
    dbFile,
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      dir.cleanup();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = unknown>(): T;
}

/** A request with the path sent byte for byte (fetch would normalise `..` and encodings away). */
export function raw(
  server: { port: number },
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: Uint8Array | string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: server.port, method, path, headers: opts.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString("utf8"),
            json: <T>() => JSON.parse(body.toString("utf8")) as T,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

export async function getJson<T = unknown>(server: { url: string }, path: string): Promise<T> {
  const res = await fetch(server.url + path);
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}
