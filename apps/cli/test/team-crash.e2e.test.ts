// Two `serve` processes on one store while uploads run: a batch retried on the other process is
// stored once, and kill -9 of one process in the middle of the uploads loses no batch it had
// acknowledged with 200 (posthog-js retries the rest, here on the surviving process).
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "@replay-devkit/test-utils";
import { assertBuilt, freePort, startListening, type DevProcess } from "./helpers.js";
import { teamStorage, type StorageKind } from "./team-storage.js";

assertBuilt();

const TOKEN = "crash-token-0123456789abcdef";
const SESSION = "crash-session-1";
const START = 1_700_000_000_000;

/** One posthog-js-shaped /s/ body: a $snapshot batch of `n` events, each naming its batch and index. */
function batchBody(batch: number, n: number): Buffer {
  const events = [];
  if (batch === 0)
    events.push({ type: 4, timestamp: START, data: { href: "https://app.test/", width: 800, height: 600 } });
  for (let i = 0; i < n; i++) {
    events.push({
      type: 3,
      timestamp: START + batch * 1000 + i + 1,
      data: { source: 2, type: 2, id: 1, x: batch, y: i },
    });
  }
  const body = [
    {
      event: "$snapshot",
      uuid: `0190a000-0000-7000-8000-${String(batch).padStart(12, "0")}`,
      distinct_id: "tester",
      properties: { $session_id: SESSION, $window_id: "w1", $snapshot_data: events, token: "phc_x" },
    },
  ];
  return gzipSync(JSON.stringify(body));
}

async function upload(url: string, body: Buffer): Promise<number> {
  try {
    const res = await fetch(`${url}/s/?compression=gzip-js`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function storedClicks(url: string): Promise<{ x: number; y: number }[]> {
  const headers = { authorization: `Bearer ${TOKEN}` };
  const clicks: { x: number; y: number }[] = [];
  let after: string | null = null;
  for (;;) {
    const q: string = after === null ? "" : `&after=${encodeURIComponent(after)}`;
    const res = await fetch(`${url}/api/recordings/${SESSION}/events?limit=10000${q}`, { headers });
    if (res.status === 404) return clicks;
    const page = (await res.json()) as {
      events: { event: { type: number; data: { x: number; y: number } } }[];
      next: string | null;
    };
    for (const { event } of page.events)
      if (event.type === 3) clicks.push({ x: event.data.x, y: event.data.y });
    if (page.next === null) return clicks;
    after = page.next;
  }
}

describe.each<StorageKind>(["sqlite", "postgres+s3"])("two serve processes on %s under failure", (kind) => {
  const dir = tempDir("replay-devkit-crash-");
  const processes: DevProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop();
    for (const cleanup of cleanups) await cleanup();
    dir.cleanup();
  });

  it("dedups a retry across processes and loses no acknowledged batch when one is killed with -9", async () => {
    const storage = await teamStorage(kind, dir.path);
    cleanups.push(() => storage.close());
    const env = { ...storage.env, REPLAY_DEVKIT_TOKEN: TOKEN };
    const start = async () =>
      startListening("serve", ["--port", String(await freePort()), ...storage.args], { env });
    const a = await start();
    processes.push(a);
    const b = await start();
    processes.push(b);

    // A recording created through A is announced on B's live stream (what the inspector listens to).
    const stream = await fetch(`${b.url}/api/stream`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const announced = (async () => {
      let text = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += new TextDecoder().decode(value);
        if (text.includes(`"id":"${SESSION}"`)) return text;
      }
    })();

    // The same batch to both processes (a retry after a lost answer) is stored once.
    const first = batchBody(0, 20);
    expect(await upload(a.url, first)).toBe(200);
    expect(await upload(b.url, first)).toBe(200);
    expect(await storedClicks(b.url)).toHaveLength(20);
    expect(await announced).toMatch(/event: created/);
    await reader.cancel();

    const BATCHES = 120;
    const PER_BATCH = 20;
    const acknowledged = new Set<number>([0]);
    const ackedByA = new Set<number>();
    let nextBatch = 1;
    let killed = false;
    // Four uploaders at once, like four tabs; A dies while some of their requests are in flight.
    const uploader = async () => {
      for (let batch = nextBatch++; batch < BATCHES; batch = nextBatch++) {
        if (batch >= 40 && !killed) {
          killed = true;
          a.child.kill("SIGKILL");
        }
        const body = batchBody(batch, PER_BATCH);
        const viaA = batch % 2 === 0;
        let status = await upload(viaA ? a.url : b.url, body);
        if (status === 200 && viaA) ackedByA.add(batch);
        if (status !== 200) {
          // What posthog-js does with a failed upload: send the same body again (here, to B).
          status = await upload(b.url, body);
          expect(status, `batch ${batch} retried on B`).toBe(200);
        }
        acknowledged.add(batch);
      }
    };
    await Promise.all([uploader(), uploader(), uploader(), uploader()]);
    expect(ackedByA.size, "A acknowledged batches before it died").toBeGreaterThan(5);
    expect(a.child.signalCode ?? (await new Promise((r) => a.child.once("exit", (_c, s) => r(s))))).toBe(
      "SIGKILL",
    );

    const clicks = await storedClicks(b.url);
    const keys = clicks.map((c) => `${c.x}:${c.y}`);
    // Every acknowledged batch is there whole, and nothing is there twice.
    expect(new Set(keys).size, "duplicate events").toBe(keys.length);
    for (const batch of acknowledged)
      for (let i = 0; i < PER_BATCH; i++)
        expect(keys, `batch ${batch} event ${i}`).toContain(`${batch}:${i}`);
    expect(keys).toHaveLength(acknowledged.size * PER_BATCH);
    expect(acknowledged.size).toBe(BATCHES);
  });
});
