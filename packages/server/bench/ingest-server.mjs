// The server side of ingest.bench.mjs, run in its own process so the load generator and the
// server never share an event loop. Usage: node ingest-server.mjs <mode> <dir>; the PostgreSQL modes
// (pg, devkit-pg) read the database URL from BENCH_PG_URL.
// Prints one JSON line {"port":N} on stdout when listening; exits on SIGTERM or when stdin closes.
import { createServer } from "node:http";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

const [mode, dir] = process.argv.slice(2);
if (!mode || !dir) {
  console.error("usage: node ingest-server.mjs <bare|sqlite|parse|devkit|pg|devkit-pg> <dir>");
  process.exit(2);
}

// What posthog-js needs to see to consider a batch delivered: 200, {"status":1}, and CORS.
const OK_BODY = '{"status":1}';
const okHeaders = (origin) => ({
  "content-type": "application/json",
  "content-length": String(OK_BODY.length),
  "access-control-allow-origin": origin ?? "*",
  "access-control-allow-credentials": "true",
});

/** Baseline handler: read the whole body, then answer; `store` persists it (or not). */
function baselineHandler(store) {
  return (req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      store(req.url ?? "/", Buffer.concat(chunks));
      res.writeHead(200, okHeaders(req.headers.origin));
      res.end(OK_BODY);
    });
  };
}

async function start() {
  if (mode === "bare") {
    return listenPlain(baselineHandler(() => {}));
  }
  if (mode === "sqlite" || mode === "parse") {
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(join(dir, "baseline.sqlite"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(
      "CREATE TABLE IF NOT EXISTS bodies (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, path TEXT NOT NULL, body BLOB NOT NULL)",
    );
    const insert = db.prepare("INSERT INTO bodies (received_at, path, body) VALUES (?, ?, ?)");
    const parse = mode === "parse";
    const server = await listenPlain(
      baselineHandler((path, body) => {
        // c1: look at the events (what any decoding server pays), store the compressed body as sent.
        if (parse && !Array.isArray(JSON.parse(gunzipSync(body).toString("utf8"))))
          throw new Error("expected a JSON array body");
        insert.run(Date.now(), path, body);
      }),
    );
    return { ...server, close: async () => (await server.close(), db.close()) };
  }
  if (mode === "devkit") {
    return startDevkit({ driver: "sqlite", path: join(dir, "devkit.sqlite") });
  }
  if (mode === "pg") {
    // The PostgreSQL baseline: one INSERT of the body as sent, on a pool of connections.
    const { default: pg } = await import("pg");
    const db = new pg.Pool({ connectionString: pgUrl(), max: 10 });
    await db.query(
      "CREATE TABLE IF NOT EXISTS bodies (id bigserial PRIMARY KEY, received_at bigint NOT NULL, path text NOT NULL, body bytea NOT NULL)",
    );
    const server = await listenPlain((req, res) => {
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => {
        db.query("INSERT INTO bodies (received_at, path, body) VALUES ($1, $2, $3)", [
          Date.now(),
          req.url ?? "/",
          Buffer.concat(chunks),
        ]).then(
          () => {
            res.writeHead(200, okHeaders(req.headers.origin));
            res.end(OK_BODY);
          },
          () => {
            res.writeHead(503);
            res.end();
          },
        );
      });
    });
    return { ...server, close: async () => (await server.close(), await db.end()) };
  }
  if (mode === "devkit-pg") {
    return startDevkit({ driver: "postgres", url: pgUrl() });
  }
  throw new Error(`unknown mode ${mode}`);
}

function listenPlain(handler) {
  const server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: server.address().port,
        close: () => new Promise((done) => (server.closeAllConnections(), server.close(() => done()))),
      }),
    );
  });
}

function pgUrl() {
  const url = process.env.BENCH_PG_URL;
  if (!url) throw new Error(`${mode} needs BENCH_PG_URL`);
  return url;
}

/** The real thing, from the built dist: the same handler and store the CLI (SQLite) or a team server uses. */
async function startDevkit(descriptor) {
  const { createHandler, listen } = await import("../dist/index.js");
  const { openRecordingStore, openStore } = await import("@replay-devkit/store");
  // SQLite: the CLI's synchronous store, as `dev` passes it; PostgreSQL: the seam's driver.
  const store =
    descriptor.driver === "sqlite" ? openStore(descriptor.path) : await openRecordingStore(descriptor);
  const handler = createHandler({ store, version: "bench", captureDir: null });
  const listening = await listen(handler, { port: 0, host: "127.0.0.1", handleSignals: false });
  return {
    port: listening.port,
    close: async () => {
      await listening.close();
      await store.close();
    },
  };
}

const server = await start();
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  await server.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.stdin.on("end", shutdown);
process.stdin.resume();
