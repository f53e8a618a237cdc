// Hostile and large imports against a real server in a child process, its memory read from
// /proc (Linux): a 1 GiB gzip bomb, a legitimate 300 MB PostHog export, and one that breaks at 90%.
// The bounds asserted are the issue's: RSS grows < 128 MB on the bomb, < 256 MB on the 300 MB
// export. Upload latency during a large import is measured in bench/import-contention.bench.mjs.
import { spawn } from "node:child_process";
import { createReadStream, statSync } from "node:fs";
import { request } from "node:http";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@replay-devkit/store";
import { processMemory, tempDir, writeLargeExport, type TempDir } from "@replay-devkit/test-utils";

const MB = 1024 * 1024;
const SERVER_SCRIPT = fileURLToPath(new URL("../bench/export-contention-server.mjs", import.meta.url));

interface Child {
  port: number;
  pid: number;
  close(): Promise<void>;
}

async function startChild(dbFile: string): Promise<Child> {
  const child = spawn(process.execPath, [SERVER_SCRIPT, "worker", dbFile], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve((JSON.parse(out.split("\n")[0] as string) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`the child server exited with ${String(code)}`)));
  });
  return {
    port,
    pid: child.pid as number,
    async close() {
      child.stdin.end();
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

/** POSTs a body streamed from `source` to /api/import; resolves with status and parsed JSON. */
function postImport(
  port: number,
  source: NodeJS.ReadableStream,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: "/api/import", headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>,
          }),
        );
      },
    );
    // The server may answer (and close) before the whole body is sent: that is the point of a refusal.
    req.on("error", reject);
    source.on("error", reject);
    source.pipe(req);
  });
}

/** Watches a child's peak RSS while `fn` runs; returns how far it rose above the RSS before. */
async function rssGrowth(pid: number, fn: () => Promise<void>): Promise<number> {
  processMemory.resetPeak(pid);
  const before = processMemory.rss(pid);
  await fn();
  const growth = processMemory.peakRss(pid) - before;
  if (process.env.REPORT_RSS) process.stderr.write(`rss growth ${(growth / MB).toFixed(1)} MB\n`);
  return growth;
}

let dir: TempDir;
let server: Child;
let dbFile: string;

beforeAll(async () => {
  dir = tempDir("import-big-");
  dbFile = join(dir.path, "recordings.db");
  server = await startChild(dbFile);
  // Warm the import path (code loaded, caches filled) so the growth measured is the import's own.
  const warm = join(dir.path, "warm.json.gz");
  await writeLargeExport(warm, { targetBytes: 2 * MB, id: "warm-up" });
  expect((await postImport(server.port, createReadStream(warm))).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await server?.close();
  dir?.cleanup();
});

function storedRecording(id: string) {
  const store = openStore(dbFile, { readonly: true });
  try {
    return store.getRecording(id);
  } finally {
    store.close();
  }
}

describe("streamed imports", () => {
  it("refuses a 1 GiB gzip bomb after at most the cap, growing RSS by less than 128 MB", async () => {
    // A JSON text that keeps looking like an rrweb array: a FullSnapshot whose one string inflates forever.
    const bomb = join(dir.path, "bomb.json.gz");
    const gzip = createGzip({ level: 9 });
    const done = once(gzip.pipe((await import("node:fs")).createWriteStream(bomb)), "finish");
    gzip.write('[{"type":4,"timestamp":1,"data":{"href":"http://x/","width":1,"height":1}},');
    gzip.write('{"type":2,"timestamp":2,"data":{"node":{"type":0,"childNodes":[],"id":1},"x":"');
    const block = Buffer.alloc(MB, "a");
    for (let i = 0; i < 1024; i++) if (!gzip.write(block)) await once(gzip, "drain");
    gzip.end('"}}]');
    await done;
    expect(statSync(bomb).size).toBeLessThan(4 * MB);
    let response: Awaited<ReturnType<typeof postImport>> | undefined;
    const growth = await rssGrowth(server.pid, async () => {
      response = await postImport(server.port, createReadStream(bomb));
    });
    expect(response?.status).toBe(413);
    expect(response?.body).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(growth).toBeLessThan(128 * MB);
  }, 120_000);

  it("imports a legitimate 300 MB export, every event kept, growing RSS by less than 256 MB", async () => {
    const file = join(dir.path, "big.json.gz");
    const generated = await writeLargeExport(file, { targetBytes: 300 * MB, id: "big-legit" });
    expect(generated.bytes).toBeGreaterThanOrEqual(300 * MB);
    let response: Awaited<ReturnType<typeof postImport>> | undefined;
    const growth = await rssGrowth(server.pid, async () => {
      response = await postImport(server.port, createReadStream(file));
    });
    expect(response).toMatchObject({
      status: 200,
      body: { imported: ["big-legit"], format: "posthog-export" },
    });
    const stored = storedRecording("big-legit");
    expect(stored?.eventCount).toBe(generated.events);
    expect(stored?.distinctId).toBe("big-user");
    expect(stored?.windowIds.sort()).toEqual(["w0", "w1"]);
    expect(growth).toBeLessThan(256 * MB);
  }, 600_000);

  it("leaves nothing behind when a file breaks at 90%", async () => {
    const file = join(dir.path, "broken.json.gz");
    await writeLargeExport(file, { targetBytes: 20 * MB, id: "broken-at-90", breakAt: 0.9 });
    const response = await postImport(server.port, createReadStream(file));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: "INVALID_BODY" } });
    expect(String((response.body.error as { message: string }).message)).toMatch(/truncated/);
    expect(storedRecording("broken-at-90")).toBeNull();
    const store = openStore(dbFile, { readonly: true });
    try {
      // Not even an invisible staging row or its chunks.
      expect(store.windowIds("broken-at-90")).toEqual([]);
    } finally {
      store.close();
    }
  }, 120_000);
});
