import { mkdirSync } from "node:fs";
import type { RecordingStore, StoreDescriptor } from "@replay-devkit/store";
import { cliVersion } from "../assets.js";
import { defineCommand, parseIntegerOption, usageError } from "../command.js";
import { databasePath, resolveDataDir } from "../env.js";
import { CliError, toCliError } from "../errors.js";
import { LISTEN_OPTIONS, parsePinOrigins, pinOriginsOption, startServer } from "../server-start.js";
import { DATA_OPTION } from "../shared.js";
import { scheduledExport } from "../batch-export/schedule.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** `--project-token a,b` and `--project-token a --project-token b` read the same. */
export function parseProjectTokens(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((token) => token.trim())
    .filter((token) => token !== "");
}

export const serve = defineCommand({
  name: "serve",
  summary: "Run the team server: capture endpoints, JSON API and inspector, without the dev extras",
  description:
    "The same server as `dev` (posthog-js is answered exactly alike) without the set-up banner and the app runner, for a shared staging or CI machine. Beyond loopback it needs a token: every API route and the inspector then ask for it (`Authorization: Bearer <token>`, or the inspector's sign-in page), while the capture routes stay open for posthog-js. SIGTERM stops accepting, finishes in-flight uploads, then exits.",
  positionals: [],
  options: {
    ...LISTEN_OPTIONS,
    data: DATA_OPTION,
    "database-url": {
      type: "string",
      valueName: "postgres://…",
      description:
        "Keep recordings in PostgreSQL instead of the data directory (default $DATABASE_URL); any number of serve processes may share it",
    },
    "blob-store": {
      type: "string",
      valueName: "s3://bucket/prefix",
      description:
        "With --database-url: keep event blocks in this existing S3-compatible bucket (default $REPLAY_DEVKIT_BLOB_STORE; endpoint and keys from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)",
    },
    token: {
      type: "string",
      valueName: "token",
      description:
        "The server token every API client and the inspector must present (default $REPLAY_DEVKIT_TOKEN; 16+ characters, e.g. `openssl rand -hex 32`)",
    },
    "batch-export": {
      type: "string",
      valueName: "DIR|s3://bucket/prefix",
      description:
        "Export every complete recording there as scrubbed bundles, on a schedule (the same job as `export --all --to`)",
    },
    every: {
      type: "string",
      valueName: "duration",
      description: "With --batch-export: how often (default 1h; at least 1m)",
      default: "1h",
    },
    idle: {
      type: "string",
      valueName: "duration",
      description:
        "With --batch-export: only recordings without an upload for this long (default 30m; 0 for all)",
      default: "30m",
    },
    ...pinOriginsOption(
      "Pin the images, stylesheets and fonts recordings reference from these origins only, comma-separated (default: no pinning; the page's own origin and loopback are never trusted here)",
    ),
    "project-token": {
      type: "string",
      valueName: "phc_…[,phc_…]",
      description:
        "Accept capture only for these PostHog project tokens, comma-separated (default: any project token)",
    },
  },
  examples: [
    "replay-devkit serve --data /var/lib/replay-devkit",
    "DATABASE_URL=postgres://replay@db/replay replay-devkit serve --blob-store s3://recordings/replay",
    "REPLAY_DEVKIT_TOKEN=$(openssl rand -hex 32) replay-devkit serve --host 0.0.0.0 --project-token phc_staging",
  ],
  async run(ctx, { options }) {
    const port = parseIntegerOption(serve, "port", options.port, 0, 65535);
    const host = options.host;
    if (!/^[A-Za-z0-9.:-]+$/.test(host))
      throw usageError(serve, `--host is not a host name or address: ${JSON.stringify(host)}`);
    const token = options.token ?? (ctx.env.REPLAY_DEVKIT_TOKEN || null);
    const projectTokens = parseProjectTokens(options["project-token"]);
    const pinOrigins = parsePinOrigins(serve, options["pin-origins"], false) as readonly string[];
    if (token === null && !LOOPBACK.has(host)) {
      throw new CliError(
        "REPLAY_DEVKIT_TOKEN_REQUIRED",
        `refusing to serve recordings on ${host} without a token`,
        {
          hint: "Set REPLAY_DEVKIT_TOKEN (or --token) to a secret of 16+ characters, e.g. `openssl rand -hex 32`, or bind 127.0.0.1.",
        },
      );
    }

    const databaseUrl = options["database-url"] ?? (ctx.env.DATABASE_URL || null);
    const blobStore = options["blob-store"] ?? (ctx.env.REPLAY_DEVKIT_BLOB_STORE || null);
    if (blobStore !== null && databaseUrl === null)
      throw usageError(
        serve,
        "--blob-store needs --database-url (DATABASE_URL): the bucket holds event blocks, PostgreSQL their index",
      );
    if (databaseUrl !== null && options.data !== undefined)
      throw usageError(serve, "--data and --database-url name two different stores; give one of them");
    const { openRecordingStore, redactDatabaseUrl } = await import("@replay-devkit/store");
    let descriptor: StoreDescriptor;
    let where: string;
    if (databaseUrl === null) {
      const dataDir = resolveDataDir(options.data, ctx.env, ctx.cwd);
      try {
        mkdirSync(dataDir, { recursive: true });
      } catch (error) {
        throw toCliError(error, `cannot create the data directory ${dataDir}`);
      }
      descriptor = { driver: "sqlite", path: databasePath(dataDir) };
      where = descriptor.path;
    } else {
      descriptor = { driver: "postgres", url: databaseUrl, ...(blobStore === null ? {} : { blobStore }) };
      // Never the password: it is a secret like the token.
      where = `${redactDatabaseUrl(databaseUrl)}${blobStore === null ? "" : `, event blocks in ${blobStore}`}`;
    }
    let store: RecordingStore;
    try {
      store = await openRecordingStore(descriptor, { env: ctx.env });
    } catch (error) {
      throw toCliError(error, `cannot open ${where}`);
    }
    const batch =
      options["batch-export"] === undefined
        ? null
        : await scheduledExport(ctx, options["batch-export"], options.every, options.idle);
    let stopped!: () => void;
    const done = new Promise<void>((resolve) => (stopped = resolve));
    let url: string;
    try {
      ({ url } = await startServer(ctx, {
        store,
        port,
        host,
        auth: { token, projectTokens },
        // Anyone holding a project token could name any page origin: a shared server fetches only
        // from the origins its operator listed, never from its own loopback or the claimed page.
        assets:
          pinOrigins.length === 0 ? false : { allowOrigins: pinOrigins, pageOrigins: false, loopback: false },
        handleSignals: true,
        onSignalShutdown: () => stopped(),
      }));
    } catch (error) {
      await store.close();
      throw error;
    }
    ctx.stderr.write(
      `replay-devkit ${cliVersion()} serving on ${url}\n  data       ${where}\n` +
        `  api        ${token === null ? "open (loopback only)" : "token required"}\n` +
        `  capture    ${projectTokens.length === 0 ? "any project token" : `${projectTokens.length} project token(s)`}\n` +
        `  assets     ${pinOrigins.length === 0 ? "not pinned (--pin-origins)" : `pinned from ${pinOrigins.join(", ")}`}\n`,
    );
    ctx.stdout.write(`${url}\n`);
    const stopBatch = batch?.start(store) ?? (() => {});
    // listen() closed the store (awaiting its last blocks' move to the bucket) before `done`.
    await done;
    stopBatch();
    ctx.stderr.write("replay-devkit stopped.\n");
  },
});
