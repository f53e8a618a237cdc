import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import type { RrwebEvent } from "@replay-devkit/codec";
import { openStore, type Store } from "@replay-devkit/store";
import {
  PUBLIC_FIXTURES,
  capturedBody,
  capturedRequests,
  tempDir,
  type TempDir,
} from "@replay-devkit/test-utils";
import { createHandler, listen, type HandlerOptions, type ReplayDevkitHandler } from "../src/index.js";
import { raw, type RawResponse } from "./helpers.js";

// Exports and scans rendered by worker threads (the built dist/export-worker.js) against the same
// requests rendered inline on the main thread, over one database; plus the pool's failure modes.

const WORKER_ENTRY = fileURLToPath(new URL("../dist/export-worker.js", import.meta.url));

interface Bound {
  port: number;
  handler: ReplayDevkitHandler;
  close(): Promise<void>;
}

async function bind(store: Store, options: Partial<HandlerOptions> = {}): Promise<Bound> {
  const handler = createHandler({
    store,
    version: "0.0.0-test",
    captureDir: null,
    compactIdleMs: null,
    ...options,
  });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    handler,
    async close() {
      handler.close();
      await handler.stopWorkers();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function ev(type: number, timestamp: number, data: Record<string, unknown>): RrwebEvent {
  return { type, timestamp, data } as RrwebEvent;
}
const META = ev(4, 1_700_000_000_000, { href: "https://shop.test/", width: 1280, height: 800 });
const LEAK = ev(6, 1_700_000_000_500, {
  plugin: "rrweb/console@1",
  payload: { level: "log", trace: [], payload: [JSON.stringify("user jane.doe@example.com logged in")] },
});
const CLICK = ev(3, 1_700_000_001_000, { source: 2, type: 2, id: 5, x: 1, y: 2 });

function pathOf(query: Record<string, string>, path: string): string {
  const q = new URLSearchParams(query).toString();
  return q ? `${path}?${q}` : path;
}

/** Real posthog-js run A (network, console, clicks), a two-window leaky recording and a public rrweb file. */
async function seed(target: { port: number }): Promise<string[]> {
  for (const r of capturedRequests().filter((x) => x.run === "A")) {
    const body = capturedBody(r);
    const headers: Record<string, string> = { origin: r.headers.origin ?? "http://app.harness.test" };
    if (r.content_type) headers["content-type"] = r.content_type;
    const res = await raw(target, r.method, pathOf(r.query, r.path), body ? { headers, body } : { headers });
    expect(res.status).toBe(200);
  }
  for (const window of ["tab-1", "tab-2"]) {
    const res = await raw(target, "POST", `/api/rrweb/multi?window=${window}`, {
      body: JSON.stringify([META, LEAK, CLICK]),
    });
    expect(res.status).toBe(200);
  }
  const file = readFileSync(join(PUBLIC_FIXTURES, "rrweb-player-example__homepage.json"));
  expect((await raw(target, "POST", "/api/import?sessionId=public-home", { body: file })).status).toBe(200);
  const list = JSON.parse((await raw(target, "GET", "/api/recordings")).text) as {
    recordings: { id: string }[];
  };
  return list.recordings.map((r) => r.id);
}

const COMPARED_HEADERS = [
  "content-type",
  "content-length",
  "content-disposition",
  "x-replay-devkit-redactions",
  "cache-control",
  "retry-after",
];

function comparable(res: RawResponse) {
  return {
    status: res.status,
    headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, res.headers[name]])),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

beforeAll(() => {
  if (!existsSync(WORKER_ENTRY))
    throw new Error(`${WORKER_ENTRY} is missing: run \`pnpm --filter @replay-devkit/server build\` first.`);
});

describe("export workers render the same bytes as the inline path", () => {
  let dir: TempDir;
  let store: Store;
  let worker: Bound;
  let inline: Bound;
  let ids: string[];

  beforeAll(async () => {
    dir = tempDir("server-export-workers-");
    store = openStore(join(dir.path, "recordings.db"));
    worker = await bind(store, { exportWorkers: { threads: 2, entry: WORKER_ENTRY } });
    inline = await bind(store, { exportWorkers: { threads: 0 } });
    ids = await seed(worker);
  });
  afterAll(async () => {
    await worker.close();
    await inline.close();
    store.close();
    dir.cleanup();
  });

  it("uses worker threads for a file database and none for threads: 0", async () => {
    expect(ids.length).toBe(3);
    await raw(worker, "GET", `/api/recordings/${ids[0]}/findings`);
    expect(worker.handler.exportStats).toMatchObject({ mode: "worker", crashes: 0 });
    expect(worker.handler.exportStats.workers).toBeGreaterThan(0);
    expect(inline.handler.exportStats).toMatchObject({ mode: "inline", workers: 0 });
  });

  const cases = [
    "format=posthog",
    "format=posthog&scrub=false",
    "format=rrweb",
    "format=rrweb&scrub=false",
    "format=har",
    "format=har&scrub=false",
    "format=bundle",
    "format=bundle&scrub=false",
  ];
  it.each(cases)("export?%s is byte-identical for every recording", async (query) => {
    for (const id of ids) {
      const path = `/api/recordings/${encodeURIComponent(id)}/export?${query}`;
      const [fromWorker, fromInline] = await Promise.all([
        raw(worker, "GET", path),
        raw(inline, "GET", path),
      ]);
      expect(fromWorker.status, `${id} ${query}`).toBe(200);
      expect(comparable(fromWorker), `${id} ${query}`).toEqual(comparable(fromInline));
      expect(fromWorker.body.equals(fromInline.body), `${id} ${query} body`).toBe(true);
    }
  });

  it("exports one window of a multi-window recording identically, scrubbed", async () => {
    const path = "/api/recordings/multi/export?format=rrweb&window=tab-2";
    const [fromWorker, fromInline] = await Promise.all([raw(worker, "GET", path), raw(inline, "GET", path)]);
    expect(fromWorker.status).toBe(200);
    expect(fromWorker.headers["content-disposition"]).toContain("multi.tab-2.rrweb.json");
    expect(Number(fromWorker.headers["x-replay-devkit-redactions"])).toBeGreaterThan(0);
    expect(fromWorker.text).not.toContain("jane.doe@example.com");
    expect(comparable(fromWorker)).toEqual(comparable(fromInline));
    expect(fromWorker.body.equals(fromInline.body)).toBe(true);
  });

  it("answers findings identically", async () => {
    for (const id of ids) {
      const path = `/api/recordings/${encodeURIComponent(id)}/findings`;
      const [fromWorker, fromInline] = await Promise.all([
        raw(worker, "GET", path),
        raw(inline, "GET", path),
      ]);
      expect(fromWorker.status).toBe(200);
      expect(comparable(fromWorker)).toEqual(comparable(fromInline));
      expect(fromWorker.body.equals(fromInline.body)).toBe(true);
    }
    const leaky = JSON.parse((await raw(worker, "GET", "/api/recordings/multi/findings")).text) as {
      totals: { findings: number };
    };
    expect(leaky.totals.findings).toBeGreaterThan(0);
  });

  it("gives the same typed errors", async () => {
    for (const path of [
      "/api/recordings/nope/export?format=rrweb",
      "/api/recordings/multi/export?format=rrweb&window=tab-9",
      "/api/recordings/multi/export?format=pdf",
      "/api/recordings/nope/findings",
    ]) {
      const [fromWorker, fromInline] = await Promise.all([
        raw(worker, "GET", path),
        raw(inline, "GET", path),
      ]);
      expect(fromWorker.status, path).toBeGreaterThanOrEqual(400);
      expect(comparable(fromWorker), path).toEqual(comparable(fromInline));
      expect(fromWorker.text, path).toBe(fromInline.text);
    }
  });
});

describe("export worker failures", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setup(): { dir: TempDir; store: Store; dbFile: string } {
    const dir = tempDir("server-export-failures-");
    const dbFile = join(dir.path, "recordings.db");
    const store = openStore(dbFile);
    cleanups.push(
      () => dir.cleanup(),
      () => store.close(),
    );
    return { dir, store, dbFile };
  }

  /**
   * A worker entry that runs the real one, except that a job for session `crash-*` ends the
   * thread and a job for `hold-*` blocks until `<db>.release` exists (so a test can keep a worker
   * busy without timing anything).
   */
  function controllableEntry(dir: TempDir): string {
    const file = join(dir.path, "controllable-worker.mjs");
    writeFileSync(
      file,
      `import { existsSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
const release = workerData.dbPath + ".release";
parentPort.on("message", (message) => {
  const id = message?.job?.id ?? "";
  if (id.startsWith("crash-")) process.exit(3);
  if (id.startsWith("hold-")) {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    while (!existsSync(release)) Atomics.wait(cell, 0, 0, 5);
  }
});
await import(${JSON.stringify(pathToFileURL(WORKER_ENTRY).href)});
`,
    );
    return file;
  }

  async function seedSimple(target: { port: number }, id: string): Promise<void> {
    const res = await raw(target, "POST", `/api/rrweb/${id}`, { body: JSON.stringify([META, LEAK, CLICK]) });
    expect(res.status).toBe(200);
  }

  it("surfaces a store error inside the worker as the same typed HttpError", async () => {
    const { store, dbFile } = setup();
    const logs: string[] = [];
    const worker = await bind(store, {
      exportWorkers: { threads: 1, entry: WORKER_ENTRY },
      log: (line) => logs.push(line),
    });
    const inline = await bind(store, { exportWorkers: { threads: 0 }, log: () => {} });
    cleanups.push(
      () => worker.close(),
      () => inline.close(),
    );
    await seedSimple(worker, "broken");
    const db = new Database(dbFile);
    db.prepare("UPDATE chunks SET data = ? WHERE recording_id = 'broken'").run(Buffer.from("not gzip"));
    db.close();
    const fromWorker = await raw(worker, "GET", "/api/recordings/broken/export?format=posthog");
    const fromInline = await raw(inline, "GET", "/api/recordings/broken/export?format=posthog");
    expect(fromWorker.status).toBe(500);
    expect(fromWorker.json()).toEqual({
      error: { code: "INTERNAL", message: expect.stringContaining("broken") as string },
    });
    expect(fromWorker.text).toBe(fromInline.text);
    expect(worker.handler.exportStats).toMatchObject({ mode: "worker", crashes: 0 });
    // The worker-side stack reaches the server log.
    expect(logs.some((line) => line.includes("CORRUPT") || line.includes("chunk"))).toBe(true);
  });

  it("replaces a worker that crashed and keeps serving", async () => {
    const { dir, store } = setup();
    const logs: string[] = [];
    const worker = await bind(store, {
      exportWorkers: { threads: 1, entry: controllableEntry(dir) },
      log: (line) => logs.push(line),
    });
    cleanups.push(() => worker.close());
    await seedSimple(worker, "crash-me");
    await seedSimple(worker, "fine");
    const crashed = await raw(worker, "GET", "/api/recordings/crash-me/export?format=rrweb");
    expect(crashed.status).toBe(500);
    expect(crashed.json()).toMatchObject({ error: { code: "INTERNAL" } });
    expect(worker.handler.exportStats).toMatchObject({ mode: "worker", crashes: 1 });
    const fine = await raw(worker, "GET", "/api/recordings/fine/export?format=rrweb&scrub=false");
    expect(fine.status).toBe(200);
    expect(JSON.parse(fine.text)).toEqual([META, LEAK, CLICK]);
    expect(worker.handler.exportStats).toMatchObject({ mode: "worker", workers: 1, crashes: 1 });
    expect(logs.some((line) => line.includes("export worker died"))).toBe(true);
  });

  it("fails one export that exceeds the worker heap cap with 500, and keeps serving", async () => {
    const { store } = setup();
    const logs: string[] = [];
    const worker = await bind(store, {
      exportWorkers: { threads: 1, entry: WORKER_ENTRY, maxHeapMb: 16 },
      log: (line) => logs.push(line),
    });
    cleanups.push(() => worker.close());
    // ~40 MB of console payloads: far beyond a 16 MB heap once loaded and serialised.
    const big = "x".repeat(100_000);
    for (let batch = 0; batch < 10; batch++) {
      const events = Array.from({ length: 40 }, (_, i) =>
        ev(6, 1_700_000_000_000 + batch * 1000 + i, {
          plugin: "rrweb/console@1",
          payload: { level: "log", trace: [], payload: [JSON.stringify(`${big}${batch}-${i}`)] },
        }),
      );
      store.ingestRrweb("huge", "w", events, { batchId: `b${batch}` });
    }
    await seedSimple(worker, "small");
    const failed = await raw(worker, "GET", "/api/recordings/huge/export?format=posthog");
    expect(failed.status).toBe(500);
    expect(failed.json()).toEqual({
      error: {
        code: "INTERNAL",
        message: expect.stringMatching(/ran out of memory.*replay-devkit export/) as string,
      },
    });
    expect(worker.handler.exportStats).toMatchObject({ mode: "worker", crashes: 1 });
    expect(logs.some((line) => line.includes("export worker died") && /memory/i.test(line))).toBe(true);
    const fine = await raw(worker, "GET", "/api/recordings/small/export?format=rrweb&scrub=false");
    expect(fine.status).toBe(200);
    expect(JSON.parse(fine.text)).toEqual([META, LEAK, CLICK]);
  });

  it("falls back to inline when the worker file cannot start", async () => {
    const { dir, store } = setup();
    const entry = join(dir.path, "broken-worker.mjs");
    writeFileSync(entry, 'throw new Error("this worker cannot start");\n');
    const logs: string[] = [];
    const worker = await bind(store, {
      exportWorkers: { threads: 1, entry },
      log: (line) => logs.push(line),
    });
    cleanups.push(() => worker.close());
    await seedSimple(worker, "s1");
    const res = await raw(worker, "GET", "/api/recordings/s1/export?format=rrweb&scrub=false");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([META, LEAK, CLICK]);
    expect(worker.handler.exportStats.mode).toBe("inline");
    expect(logs.some((line) => line.includes("this worker cannot start"))).toBe(true);
  });

  it("refuses exports beyond the queue with 503 BUSY and Retry-After, then serves the held ones", async () => {
    const { dir, store, dbFile } = setup();
    const logs: string[] = [];
    const worker = await bind(store, {
      exportWorkers: { threads: 1, queue: 1, entry: controllableEntry(dir) },
      log: (line) => logs.push(line),
    });
    cleanups.push(() => worker.close());
    await seedSimple(worker, "hold-1");
    await seedSimple(worker, "s2");
    const first = raw(worker, "GET", "/api/recordings/hold-1/export?format=rrweb&scrub=false");
    await until(() => worker.handler.exportStats.running === 1, "the held export to start");
    const second = raw(worker, "GET", "/api/recordings/s2/findings");
    await until(() => worker.handler.exportStats.queued === 1, "the second job to queue");
    const refused = await raw(worker, "GET", "/api/recordings/s2/export?format=har");
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("2");
    expect(refused.json()).toMatchObject({ error: { code: "BUSY" } });
    // Back-pressure is logged as one line, not as a crash with a stack trace.
    const busyLines = logs.filter((line) => line.includes("BUSY"));
    expect(busyLines).toEqual([
      expect.stringMatching(/^replay-devkit: GET \/api\/recordings\/s2\/export\?format=har: BUSY: /),
    ]);
    expect(busyLines[0]).not.toContain("\n    at ");
    // Ingest still answers while the only worker is blocked.
    const ingest = await raw(worker, "POST", "/api/rrweb/s3", { body: JSON.stringify([META]) });
    expect(ingest.status).toBe(200);
    writeFileSync(`${dbFile}.release`, "");
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(worker.handler.exportStats).toMatchObject({ running: 0, queued: 0 });
  });

  it("drops a waiting export when its client leaves", async () => {
    const { dir, store, dbFile } = setup();
    const worker = await bind(store, {
      exportWorkers: { threads: 1, queue: 4, entry: controllableEntry(dir) },
      log: () => {},
    });
    cleanups.push(() => worker.close());
    await seedSimple(worker, "hold-3");
    await seedSimple(worker, "s5");
    const first = raw(worker, "GET", "/api/recordings/hold-3/export?format=rrweb");
    await until(() => worker.handler.exportStats.running === 1, "the held export to start");
    const leaving = request({
      host: "127.0.0.1",
      port: worker.port,
      path: "/api/recordings/s5/export?format=bundle",
      agent: false,
    });
    leaving.on("error", () => {});
    leaving.end();
    await until(() => worker.handler.exportStats.queued === 1, "the second export to queue");
    leaving.destroy();
    await until(() => worker.handler.exportStats.queued === 0, "the abandoned export to leave the queue");
    writeFileSync(`${dbFile}.release`, "");
    expect((await first).status).toBe(200);
    expect(worker.handler.exportStats).toMatchObject({ running: 0, queued: 0, crashes: 0 });
  });

  it("stops a job past its time limit with 503, replaces its worker and keeps serving", async () => {
    const { dir, store } = setup();
    const worker = await bind(store, {
      exportWorkers: { threads: 1, entry: controllableEntry(dir), jobTimeoutMs: 200 },
      log: () => {},
    });
    cleanups.push(() => worker.close());
    await seedSimple(worker, "hold-timeout");
    await seedSimple(worker, "s7");
    // The held job never finishes on its own (nothing writes the release file).
    const stuck = await raw(worker, "GET", "/api/recordings/hold-timeout/export?format=rrweb");
    expect(stuck.status).toBe(503);
    expect(stuck.json()).toMatchObject({
      error: { code: "UNAVAILABLE", message: expect.stringMatching(/took longer than/) },
    });
    expect(worker.handler.exportStats).toMatchObject({ running: 0, stopped: 1, crashes: 0 });
    const next = await raw(worker, "GET", "/api/recordings/s7/export?format=rrweb&scrub=false");
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text)).toHaveLength(3);
  });

  it("ends the worker of a running export when its client leaves, and the next export gets a fresh one", async () => {
    const { dir, store } = setup();
    const worker = await bind(store, {
      exportWorkers: { threads: 1, queue: 4, entry: controllableEntry(dir) },
      log: () => {},
    });
    cleanups.push(() => worker.close());
    await seedSimple(worker, "hold-leave");
    await seedSimple(worker, "s8");
    const leaving = request({
      host: "127.0.0.1",
      port: worker.port,
      path: "/api/recordings/hold-leave/export?format=bundle",
      agent: false,
    });
    leaving.on("error", () => {});
    leaving.end();
    await until(() => worker.handler.exportStats.running === 1, "the held export to start");
    leaving.destroy();
    await until(() => worker.handler.exportStats.stopped === 1, "the abandoned export to be stopped");
    expect(worker.handler.exportStats).toMatchObject({ running: 0, workers: 0, crashes: 0 });
    // Without the cancel the only worker would still be blocked and this would wait forever.
    const next = await raw(worker, "GET", "/api/recordings/s8/export?format=rrweb&scrub=false");
    expect(next.status).toBe(200);
  });

  it("answers queued exports 503 on close, lets the running one finish, then ends every worker", async () => {
    const { dir, store, dbFile } = setup();
    const entry = controllableEntry(dir);
    const handler = createHandler({
      store,
      version: "0.0.0-test",
      captureDir: null,
      compactIdleMs: null,
      exportWorkers: { threads: 1, entry },
      log: () => {},
    });
    const listening = await listen(handler, { port: 0, handleSignals: false, drainTimeoutMs: 20_000 });
    cleanups.push(() => listening.close());
    await seedSimple(listening, "hold-2");
    await seedSimple(listening, "s4");
    const first = raw(listening, "GET", "/api/recordings/hold-2/export?format=posthog");
    await until(() => handler.exportStats.running === 1, "the held export to start");
    const queued = raw(listening, "GET", "/api/recordings/s4/export?format=posthog");
    await until(() => handler.exportStats.queued === 1, "the second export to queue");
    const closing = listening.close();
    const refused = await queued;
    expect(refused.status).toBe(503);
    expect(refused.json()).toMatchObject({ error: { code: "UNAVAILABLE" } });
    expect(handler.exportStats.workers).toBe(1);
    writeFileSync(`${dbFile}.release`, "");
    expect((await first).status).toBe(200);
    await closing;
    expect(handler.exportStats).toMatchObject({ workers: 0, running: 0, queued: 0 });
  });

  it("renders inline for an in-memory database", async () => {
    const store = openStore(":memory:");
    const server = await bind(store, { exportWorkers: { threads: 2, entry: WORKER_ENTRY } });
    cleanups.push(
      () => store.close(),
      () => server.close(),
    );
    await seedSimple(server, "mem");
    const res = await raw(server, "GET", "/api/recordings/mem/export?format=rrweb&scrub=false");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([META, LEAK, CLICK]);
    expect(server.handler.exportStats).toMatchObject({ mode: "inline", workers: 0 });
  });

  it("refuses bad pool options", () => {
    const { store } = setup();
    expect(() => createHandler({ store, version: "x", exportWorkers: { threads: -1 } })).toThrow(/threads/);
    expect(() => createHandler({ store, version: "x", exportWorkers: { queue: 1.5 } })).toThrow(/queue/);
    expect(() => createHandler({ store, version: "x", exportWorkers: { maxHeapMb: 1 } })).toThrow(
      /maxHeapMb/,
    );
    expect(() =>
      createHandler({ store, version: "x", exportWorkers: { entry: "/nonexistent/worker.js" } }),
    ).toThrow(/entry/);
  });
});
