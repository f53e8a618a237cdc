import type { AssetPinningOptions, AuthOptions, Diagnostic, Listening } from "@replay-devkit/server";
import type { RecordingStore, Store } from "@replay-devkit/store";
import { cliVersion, inspectorDir, posthogJsDir } from "./assets.js";
import {
  usageError,
  type Command,
  type CommandContext,
  type OptionSpecs,
  type StringOption,
} from "./command.js";
import { CliError, toCliError } from "./errors.js";

/** `--port` and `--host`, the same for `dev` and `serve`. */
export const LISTEN_OPTIONS = {
  port: {
    type: "string",
    short: "p",
    valueName: "port",
    description: "Port to listen on",
    default: "8010",
  },
  host: {
    type: "string",
    valueName: "host",
    description: "Address to bind; anything but loopback needs --token",
    default: "127.0.0.1",
  },
} as const satisfies Record<string, StringOption>;

/** `--pin-origins`, the same for `dev` and `serve` (each says what it pins without it). */
export function pinOriginsOption(description: string) {
  return {
    "pin-origins": {
      type: "string",
      valueName: "origins",
      description,
    },
  } as const satisfies Record<string, StringOption>;
}

/** `--pin-origins a,b` → origins; `*` → every origin (only where `star` is allowed). Bad entries are usage errors. */
export function parsePinOrigins(
  command: Command<OptionSpecs>,
  value: string | undefined,
  star: boolean,
): readonly string[] | "*" {
  if (value === undefined || value.trim() === "") return [];
  if (value.trim() === "*") {
    if (!star)
      throw usageError(
        command,
        "--pin-origins '*' would let anyone who can capture make this server fetch any address; name the origins",
      );
    return "*";
  }
  return value.split(",").map((part) => {
    const text = part.trim();
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw usageError(
        command,
        `--pin-origins: ${JSON.stringify(text)} is not an origin like https://cdn.example.com`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw usageError(command, `--pin-origins: ${JSON.stringify(text)} must be http or https`);
    return url.origin;
  });
}

export interface StartServerOptions {
  store: Store | RecordingStore;
  port: number;
  host: string;
  auth?: AuthOptions;
  onDiagnostic?: (diagnostic: Diagnostic) => void;
  /** Asset pinning (createHandler's `assets`); omitted: off. */
  assets?: AssetPinningOptions | false;
  /** listen() takes SIGINT/SIGTERM (drains, then `onSignalShutdown`); false when the caller owns them. */
  handleSignals: boolean;
  onSignalShutdown?: () => void;
}

export interface StartedServer {
  listening: Listening;
  /** `http://host:port` as a client on this machine reaches it. */
  url: string;
  posthogJsServed: boolean;
}

export function urlFor(host: string, port: number): string {
  // A wildcard bind is reached through loopback from this machine.
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * What `dev` and `serve` share: the bundled inspector and posthog-js as static files, the handler
 * over the given store, and a listener whose start-up failures are CLI errors. The store is the
 * caller's to close.
 */
export async function startServer(ctx: CommandContext, options: StartServerOptions): Promise<StartedServer> {
  const staticDirs: { posthogJs?: string; inspector?: string } = {};
  const inspector = inspectorDir();
  if (inspector) staticDirs.inspector = inspector;
  else
    ctx.stderr.write(
      "warning: this install has no built inspector; only the capture endpoints and the JSON API are served.\n",
    );
  const posthogJs = posthogJsDir();
  if (posthogJs) staticDirs.posthogJs = posthogJs;
  else
    ctx.stderr.write(
      "warning: posthog-js is not installed next to replay-devkit; the script-tag snippet will not load.\n",
    );
  // Loaded here, not at the top: `--help` and the offline commands never pay for the server.
  const { createHandler, listen } = await import("@replay-devkit/server");
  const log = (line: string) => ctx.stderr.write(`${line}\n`);
  try {
    const handler = createHandler({
      store: options.store,
      version: cliVersion(),
      staticDirs,
      log,
      ...(options.onDiagnostic ? { onDiagnostic: options.onDiagnostic } : {}),
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.assets ? { assets: options.assets } : {}),
    });
    // listen() itself warns when the host is not loopback, and refuses it without a token.
    const listening = await listen(handler, {
      port: options.port,
      host: options.host,
      log,
      handleSignals: options.handleSignals,
      ...(options.onSignalShutdown ? { onSignalShutdown: options.onSignalShutdown } : {}),
    });
    return { listening, url: urlFor(options.host, listening.port), posthogJsServed: posthogJs !== null };
  } catch (error) {
    const cliError = toCliError(error);
    if (cliError.code === "REPLAY_DEVKIT_PORT_IN_USE") {
      throw new CliError(
        "REPLAY_DEVKIT_PORT_IN_USE",
        `port ${options.port} on ${options.host} is already in use`,
        { hint: "Stop the other program or pick another port with --port.", cause: error },
      );
    }
    throw cliError;
  }
}
