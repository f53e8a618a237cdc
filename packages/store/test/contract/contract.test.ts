import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { computeMetadata, type RrwebEvent } from "@replay-devkit/codec";
import { capturedRrwebEvents } from "@replay-devkit/test-utils";
import {
  RECORDING_SORTS,
  sha256Hex,
  StoreError,
  type RecordingStore,
  type StoreChange,
  type StoreDescriptor,
} from "../../src/index.js";
import { batch, click, consoleError, meta, pageview, SESSION, WINDOW, WINDOW_2 } from "../events.js";
import { DRIVERS, sqliteDriver, type Driver } from "./drivers.js";

// The storage contract: every driver behind the seam (SQLite file, PostgreSQL, PostgreSQL + S3)
// must pass these unchanged. Driver-specific facts (where bytes live) are in the files beside this.

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
async function timestamps(store: RecordingStore, id = SESSION, windowId?: string): Promise<number[]> {
  const items = await collect(store.iterateEvents(id, windowId === undefined ? {} : { windowId }));
  return items.map((e) => e.event.timestamp);
}
async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error("expected a StoreError");
}
function until<T>(check: () => T | undefined, ms = 5000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > ms) return reject(new Error("timed out waiting"));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe.each(DRIVERS.map((make) => [make().name, make] as const))("storage contract: %s", (_name, make) => {
  let driver: Driver;
  let descriptor: StoreDescriptor;
  const opened: RecordingStore[] = [];
  const open = async (d = descriptor, opts = {}) => {
    const store = await driver.open(d, opts);
    opened.push(store);
    return store;
  };
  const fresh = async () => {
    descriptor = await driver.fresh();
    return open();
  };

  beforeAll(() => {
    driver = make();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  afterAll(async () => {
    await driver.cleanup();
  });

  it("ingests, deduplicates retried batches by uuid and by content, and keeps metadata exact", async () => {
    const store = await fresh();
    const first = batch([meta(1000, "https://shop.test/"), click(1500)], { uuid: "u-1" });
    const second = batch([consoleError(2500), click(2000)]);
    const r1 = await store.ingestSnapshots([first], [pageview("pv-1", "1970-01-01T00:00:01.200Z")]);
    expect(r1).toMatchObject({
      batches: 1,
      duplicates: 0,
      events: 2,
      posthogEvents: 1,
      sessionIds: [SESSION],
    });
    expect((await store.ingestSnapshots([second])).batches).toBe(1);
    // Retries: same uuid, same content, same PostHog event.
    const retry = await store.ingestSnapshots(
      [{ ...first, events: [click(9999)] }, second],
      [pageview("pv-1", "1970-01-01T00:00:01.200Z")],
    );
    expect(retry).toMatchObject({ batches: 0, duplicates: 2, events: 0, posthogEvents: 0 });
    expect(await timestamps(store)).toEqual([1000, 1500, 2000, 2500]);
    const summary = await store.getRecording(SESSION);
    const loaded = await store.loadRecording(SESSION);
    expect(loaded.windows).toEqual([
      {
        windowId: WINDOW,
        events: [meta(1000, "https://shop.test/"), click(1500), click(2000), consoleError(2500)],
      },
    ]);
    expect(summary).toMatchObject({ ...computeMetadata(loaded), source: "capture" });
    expect(summary?.consoleErrorCount).toBe(1);
    expect(await store.posthogEvents(SESSION)).toEqual([pageview("pv-1", "1970-01-01T00:00:01.200Z")]);
  });

  it("reads real captured events back identical, across windows, with cursors", async () => {
    const store = await fresh();
    const events = capturedRrwebEvents("A").map((e) => e.event as unknown as RrwebEvent);
    for (let i = 0; i < events.length; i += 40) {
      await store.ingestSnapshots([batch(events.slice(i, i + 40), { uuid: `b-${i}` })]);
    }
    const t0 = events[0]?.timestamp ?? 0;
    await store.ingestSnapshots([
      batch([click(t0 + 1), click(t0 + 1, 2)], { uuid: "w2", windowId: WINDOW_2 }),
    ]);
    expect(await store.windowIds(SESSION)).toEqual([WINDOW, WINDOW_2]);
    const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
    expect((await collect(store.iterateEvents(SESSION, { windowId: WINDOW }))).map((e) => e.event)).toEqual(
      sorted,
    );
    const all = await collect(store.iterateEvents(SESSION));
    expect(all).toHaveLength(events.length + 2);
    // A cursor at a tied timestamp resumes exactly after what it skipped.
    const tied = all.findIndex((e) => e.windowId === WINDOW_2);
    const at = all[tied]?.event.timestamp ?? 0;
    const before = all.slice(0, tied).filter((e) => e.event.timestamp === at).length;
    const resumed = await collect(
      store.iterateEvents(SESSION, { startAt: { timestamp: at, skip: before + 1 } }),
    );
    expect(resumed).toEqual(all.slice(tied + 1));
    const after = await collect(store.iterateEvents(SESSION, { afterTimestamp: at }));
    expect(after).toEqual(all.filter((e) => e.event.timestamp > at));
    const loaded = await store.loadRecording(SESSION);
    expect(loaded.windows.map((w) => w.events.length)).toEqual([events.length, 2]);
  });

  it("filters, sorts and pages the list exactly as the SQLite reference does", async () => {
    // A strictly increasing clock in both, so `updated` orders by ingest order, never by a tie.
    const clock = () => {
      let t = 1_700_000_000_000;
      return () => (t += 1000);
    };
    descriptor = await driver.fresh();
    const store = await open(descriptor, { now: clock() });
    const reference = sqliteDriver();
    const ref = await reference.open(await reference.fresh(), { now: clock() });
    const ingest = async (s: RecordingStore) => {
      for (let i = 0; i < 7; i++) {
        const id = `rec-${i}`;
        const events = [
          meta(10_000 * i, i % 2 ? `https://Shop.test/p${i}` : `https://blog.test/${i}`),
          click(10_000 * i + 100 * ((i * 3) % 7)),
        ];
        if (i % 3 === 0) events.push(consoleError(10_000 * i + 50));
        await s.ingestSnapshots([
          batch(events, { sessionId: id, uuid: `u-${i}`, distinctId: i % 4 === 0 ? null : `User-${i % 3}` }),
        ]);
      }
    };
    await ingest(store);
    await ingest(ref);
    try {
      for (const sort of RECORDING_SORTS) {
        const mine = (await store.listRecordings({ sort, limit: 3, offset: 2 })).recordings.map((r) => r.id);
        const theirs = (await ref.listRecordings({ sort, limit: 3, offset: 2 })).recordings.map((r) => r.id);
        expect(mine, sort).toEqual(theirs);
      }
      for (const filter of [
        { url: "shop.TEST" },
        { hasErrors: true },
        { distinctId: "User-1" },
        { minDurationMs: 300 },
        { from: new Date(20_000), to: new Date(50_000) },
      ]) {
        const mine = await store.listRecordings(filter);
        const theirs = await ref.listRecordings(filter);
        expect(mine.total, JSON.stringify(filter)).toBe(theirs.total);
        expect(mine.recordings.map((r) => r.id)).toEqual(theirs.recordings.map((r) => r.id));
      }
      const all = await store.listRecordings();
      expect(all.total).toBe(7);
      expect(all.recordings[0]?.id).toBe("rec-6");
      expect((await store.listRecordings({ url: "shop.test" })).total).toBe(3);
      await expect(store.listRecordings({ sort: "bogus" as never })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
    } finally {
      await ref.close();
      await reference.cleanup();
    }
  });

  it("deletes and prunes recordings with their events and PostHog events", async () => {
    const store = await fresh();
    await store.ingestSnapshots(
      [batch([click(1000)], { uuid: "a" })],
      [pageview("pv", "1970-01-01T00:00:01Z")],
    );
    await store.ingestSnapshots([batch([click(5_000_000)], { sessionId: "later", uuid: "b" })]);
    expect(await store.deleteRecording(SESSION)).toBe(true);
    expect(await store.deleteRecording(SESSION)).toBe(false);
    expect(await store.getRecording(SESSION)).toBeNull();
    expect((await rejection(collect(store.iterateEvents(SESSION)))).code).toBe("NOT_FOUND");
    expect((await rejection(store.posthogEvents(SESSION))).code).toBe("NOT_FOUND");
    // A deleted recording can be recorded again from scratch.
    await store.ingestSnapshots([batch([click(2000)], { uuid: "c" })]);
    expect(await timestamps(store)).toEqual([2000]);
    expect(await store.pruneOlderThan(new Date(1_000_000))).toBe(1);
    expect((await store.listRecordings()).recordings.map((r) => r.id)).toEqual(["later"]);
  });

  it("compacts without changing a single event, and stays a duplicate for retried batches", async () => {
    const store = await fresh();
    const events = capturedRrwebEvents("A").map((e) => e.event as unknown as RrwebEvent);
    for (let i = 0; i < events.length; i += 25) {
      await store.ingestSnapshots([batch(events.slice(i, i + 25), { uuid: `c-${i}` })]);
    }
    await store.ingestSnapshots([
      batch([click((events[3]?.timestamp ?? 0) + 1)], { uuid: "w2", windowId: WINDOW_2 }),
    ]);
    const before = await store.loadRecording(SESSION);
    const beforeAll = await collect(store.iterateEvents(SESSION));
    const result = await store.compact(SESSION);
    expect(result.chunksBefore).toBe(Math.ceil(events.length / 25) + 1);
    expect(result.chunksAfter).toBe(2);
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    expect(await store.loadRecording(SESSION)).toEqual(before);
    expect(await collect(store.iterateEvents(SESSION))).toEqual(beforeAll);
    expect((await store.ingestSnapshots([batch(events.slice(0, 25), { uuid: "c-0" })])).duplicates).toBe(1);
    expect((await rejection(store.compact("missing"))).code).toBe("NOT_FOUND");
  });

  it("keeps a stream correct when compaction runs in the middle of it", async () => {
    const store = await fresh();
    for (let i = 0; i < 30; i++)
      await store.ingestSnapshots([batch([click(1000 + i * 10), click(1000 + i * 10)], { uuid: `s-${i}` })]);
    const stream = store.iterateEvents(SESSION);
    const seen: number[] = [];
    for (let i = 0; i < 15; i++)
      seen.push(((await stream.next()).value as { event: RrwebEvent }).event.timestamp);
    await store.compact(SESSION);
    for await (const item of stream) seen.push(item.event.timestamp);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => 1000 + Math.floor(i / 2) * 10));
  });

  it("compacts only idle recordings", async () => {
    let now = 1_000_000;
    descriptor = await driver.fresh();
    const store = await open(descriptor, { now: () => now });
    await store.ingestSnapshots([batch([click(1)], { uuid: "x1" }), batch([click(2)], { uuid: "x2" })]);
    expect(await store.compactIdle(60_000)).toEqual([]);
    now += 120_000;
    expect(await store.compactIdle(60_000)).toEqual([SESSION]);
    expect(await store.compactIdle(60_000)).toEqual([]);
    expect(await timestamps(store)).toEqual([1, 2]);
  });

  it("accepts every id the pattern allows, hostile-looking ones included, and refuses the rest", async () => {
    const store = await fresh();
    for (const id of ["..", "../../etc", "a:b@c.d", "x".repeat(200)]) {
      await store.ingestSnapshots([
        batch([click(1000)], { sessionId: id.replace(/\//g, "_"), uuid: `h-${id}` }),
      ]);
    }
    const ids = (await store.listRecordings()).recordings.map((r) => r.id).sort();
    expect(ids).toEqual(["..", ".._.._etc", "a:b@c.d", "x".repeat(200)].sort());
    expect(await timestamps(store, "..")).toEqual([1000]);
    await store.compact("..");
    expect(await timestamps(store, "..")).toEqual([1000]);
    for (const bad of ["a/b", "'; DROP TABLE recordings; --", "", "x".repeat(201), "é"]) {
      const error = await rejection(store.ingestSnapshots([batch([click(1)], { sessionId: bad })]));
      expect(error.code).toBe("INVALID_INPUT");
    }
    expect(await store.getRecording("'; DROP TABLE recordings; --")).toBeNull();
    expect((await store.listRecordings()).total).toBe(4);
  });

  it("announces changes from another store instance on the same storage", async () => {
    const writer = await fresh();
    const reader = await open();
    const seen: StoreChange[] = [];
    const stop = reader.onChange((change) => seen.push(change));
    // The listener may need a moment to subscribe (PostgreSQL LISTEN); writes after that are seen.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writer.ingestSnapshots([batch([click(1000)], { uuid: "n1" })]);
    const created = await until(() => seen.find((c) => c.type === "created"));
    expect(created).toMatchObject({ id: SESSION, recording: { id: SESSION, eventCount: 1 } });
    await writer.ingestSnapshots([batch([click(2000)], { uuid: "n2" })]);
    await until(() => seen.find((c) => c.type === "updated" && c.recording?.eventCount === 2));
    await writer.deleteRecording(SESSION);
    await until(() => seen.find((c) => c.type === "deleted"));
    stop();
  });

  it("stores each retried batch once when two instances ingest the same batches at once", async () => {
    const a = await fresh();
    const b = await open();
    const batches = Array.from({ length: 24 }, (_, i) =>
      batch([click(1000 + i), click(1000 + i, 2)], { uuid: `p-${i}` }),
    );
    const results = await Promise.all(
      batches.flatMap((x) => [a.ingestSnapshots([x]), b.ingestSnapshots([x])]),
    );
    expect(results.reduce((n, r) => n + r.batches, 0)).toBe(24);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(24);
    expect(await timestamps(a)).toEqual(batches.flatMap((_, i) => [1000 + i, 1000 + i]));
    expect((await b.getRecording(SESSION))?.eventCount).toBe(48);
    expect(await a.getRecording(SESSION)).toEqual(await b.getRecording(SESSION));
  });

  it("group-ingests several requests, failing only the bad one", async () => {
    const store = await fresh();
    const results = await store.ingestSnapshotsMany([
      { batches: [batch([click(1)], { uuid: "g1" })] },
      { batches: [batch([{ type: 3 } as unknown as RrwebEvent], { uuid: "g2" })] },
      { batches: [batch([click(3)], { uuid: "g3", sessionId: "other" })] },
    ]);
    expect(results[0]).toMatchObject({ batches: 1 });
    expect(results[1]).toBeInstanceOf(StoreError);
    expect(results[2]).toMatchObject({ batches: 1 });
    expect(await timestamps(store)).toEqual([1]);
  });

  it("imports a recording idempotently and opens again from its descriptor, read-only too", async () => {
    const store = await fresh();
    await store.ingestSnapshots([batch([meta(1000, "https://a.test/"), click(1200)], { uuid: "i1" })]);
    const rec = await store.loadRecording(SESSION);
    const other = await driver.fresh();
    const target = await open(other);
    const first = await target.importRecording({ ...rec, sessionId: "copy" }, { source: "bundle" });
    expect(first).toMatchObject({ id: "copy", created: true, events: 2, duplicates: 0 });
    const again = await target.importRecording({ ...rec, sessionId: "copy" }, { source: "bundle" });
    expect(again).toMatchObject({ created: false, events: 0, duplicates: 2 });
    const reader = await open(target.descriptor, { readonly: true });
    expect((await reader.getRecording("copy"))?.source).toBe("bundle");
    expect(await timestamps(reader, "copy")).toEqual([1000, 1200]);
    expect((await rejection(reader.ingestSnapshots([batch([click(1)])]))).code).toBe("READ_ONLY");
    expect(JSON.parse(JSON.stringify(target.descriptor))).toEqual(target.descriptor);
  });

  it("stores and pages app log lines", async () => {
    const store = await fresh();
    const t = Date.now();
    const result = await store.appendAppLogs([
      { timestamp: t, stream: "stdout", text: "ready" },
      { timestamp: t + 1, stream: "stderr", text: "x".repeat(5000) },
      { timestamp: t + 2, stream: "stdout", text: "third" },
    ]);
    expect(result).toEqual({ stored: 3, dropped: 0, truncated: 1 });
    const page = await store.appLogs({ limit: 2 });
    expect(page.lines.map((l) => l.text.slice(0, 5))).toEqual(["ready", "xxxxx"]);
    const rest = await store.appLogs({ limit: 2, after: page.next ?? undefined });
    expect(rest.lines.map((l) => l.text)).toEqual(["third"]);
    expect(rest.next).toBeNull();
    await expect(store.appendAppLogs([{ timestamp: -1, stream: "stdout", text: "" }])).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("pins assets content-addressed, once per sha256, lists every URL's state and frees unshared copies", async () => {
    const store = await fresh();
    await store.ingestSnapshots([batch([meta(1000, "http://app.localhost/")], { uuid: "a1" })]);
    await store.ingestSnapshots([batch([click(5_000_000)], { sessionId: "other", uuid: "o1" })]);
    const png = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const font = new Uint8Array(70_000).map((_, i) => i % 251);
    await store.assets.markSeen(SESSION, ["http://app.localhost/a.png", "http://app.localhost/big.jpg"]);
    await store.assets.markSeen(SESSION, ["http://app.localhost/a.png"]);
    expect(await store.assets.summary(SESSION)).toEqual({
      pinned: 0,
      missing: 0,
      pending: 2,
      pinnedBytes: 0,
    });
    const sha = await store.assets.pin(SESSION, "http://app.localhost/a.png", "image/png", png);
    expect(sha).toBe(sha256Hex(png));
    // The same bytes under another URL and in another recording: one copy.
    expect(await store.assets.pin(SESSION, "http://app.localhost/copy.png", "image/png", png)).toBe(sha);
    expect(await store.assets.pin("other", "http://app.localhost/a.png", "image/png", png)).toBe(sha);
    const fontSha = await store.assets.pin(SESSION, "http://app.localhost/f.woff2", "font/woff2", font);
    await store.assets.miss(SESSION, "http://app.localhost/big.jpg", "too-large", "3 MB over the 2 MB cap");
    const listed = await store.assets.list(SESSION);
    expect(listed.map((a) => [a.url, a.status, a.sha256, a.contentType, a.bytes, a.reason])).toEqual([
      ["http://app.localhost/a.png", "pinned", sha, "image/png", 7, null],
      ["http://app.localhost/big.jpg", "missing", null, null, null, "too-large: 3 MB over the 2 MB cap"],
      ["http://app.localhost/copy.png", "pinned", sha, "image/png", 7, null],
      ["http://app.localhost/f.woff2", "pinned", fontSha, "font/woff2", 70_000, null],
    ]);
    expect(listed[0]?.firstSeen).toBeLessThanOrEqual(listed[2]?.firstSeen ?? 0);
    expect(await store.assets.summary(SESSION)).toEqual({
      pinned: 3,
      missing: 1,
      pending: 0,
      pinnedBytes: 70_007,
    });
    expect((await store.assets.pinned(SESSION)).map((a) => a.url)).toEqual([
      "http://app.localhost/a.png",
      "http://app.localhost/copy.png",
      "http://app.localhost/f.woff2",
    ]);
    const got = await store.assets.get(fontSha);
    expect(got?.contentType).toBe("font/woff2");
    expect(Buffer.from(got?.data ?? []).equals(Buffer.from(font))).toBe(true);
    expect(await store.assets.get("../../etc/passwd")).toBeNull();
    expect(await store.assets.get("0".repeat(64))).toBeNull();
    // Another instance on the same storage (another process) reads the same copies.
    const reader = await open(descriptor, { readonly: true });
    expect([...((await reader.assets.get(sha))?.data ?? [])]).toEqual([...png]);
    expect((await rejection(reader.assets.pin(SESSION, "http://x.localhost/", "image/png", png))).code).toBe(
      "READ_ONLY",
    );
    // Bad input and unknown recordings are refused, nothing stored.
    expect((await rejection(store.assets.pin("nope", "http://app.localhost/", "image/png", png))).code).toBe(
      "NOT_FOUND",
    );
    expect((await rejection(store.assets.markSeen(SESSION, ["x".repeat(5000)]))).code).toBe("INVALID_INPUT");
    expect(
      (await rejection(store.assets.pin(SESSION, "http://app.localhost/b", "text/css; charset=utf-8", png)))
        .code,
    ).toBe("INVALID_INPUT");
    expect(
      (await rejection(store.assets.miss(SESSION, "http://app.localhost/b", "because" as never, ""))).code,
    ).toBe("INVALID_INPUT");
    // Deleting one recording keeps what the other points at; the font only it had is freed.
    expect(await store.deleteRecording(SESSION)).toBe(true);
    expect(await store.assets.list(SESSION)).toEqual([]);
    expect(await store.assets.get(fontSha)).toBeNull();
    expect((await store.assets.get(sha))?.bytes).toBe(7);
    expect(await store.pruneOlderThan(new Date(10_000_000))).toBe(1);
    expect(await store.assets.get(sha)).toBeNull();
  });

  it("refuses every call after close", async () => {
    const store = await fresh();
    await store.close();
    expect((await rejection(store.listRecordings())).code).toBe("CLOSED");
    expect((await rejection(store.assets.list(SESSION))).code).toBe("CLOSED");
    await store.close();
  });
});
