import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { computeMetadata, type CaptureEvent, type RrwebEvent } from "@replay-devkit/codec";
import { capturedRrwebEvents, tempDir, type TempDir } from "@replay-devkit/test-utils";
import {
  MIGRATIONS,
  RECORDING_SORT_FIELDS,
  RECORDING_SORTS,
  SCHEMA_VERSION,
  StoreError,
  openStore,
  type RecordingSort,
  type Store,
  type StoreChange,
} from "../src/index.js";
import { batch, click, consoleError, meta, pageview, SESSION, WINDOW, WINDOW_2 } from "./events.js";

function timestamps(store: Store, id = SESSION, windowId?: string): number[] {
  return Array.from(
    store.iterateEvents(id, windowId === undefined ? {} : { windowId }),
    (e) => e.event.timestamp,
  );
}

let dir: TempDir;
let file: string;
const open: Store[] = [];
function openTracked(path = file, opts = {}): Store {
  const store = openStore(path, opts);
  open.push(store);
  return store;
}

beforeEach(() => {
  dir = tempDir("store-test-");
  file = join(dir.path, "recordings.db");
});
afterEach(() => {
  for (const store of open.splice(0)) store.close();
  dir.cleanup();
});

describe("schema migrations", () => {
  it("creates a WAL database at the current schema version", () => {
    openTracked().close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("refuses a database written by newer code, naming both versions", () => {
    openTracked().close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    db.close();
    const error = (() => {
      try {
        openStore(file);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("SCHEMA_TOO_NEW");
    expect((error as StoreError).message).toContain(String(SCHEMA_VERSION + 3));
  });

  it("applies later migrations to an existing file in order and keeps its data", () => {
    const v1 = openTracked();
    v1.ingestSnapshots([batch([click(1000), click(2000)])]);
    v1.close();
    const next = [
      ...MIGRATIONS,
      {
        version: SCHEMA_VERSION + 1,
        description: "add tags",
        up: "CREATE TABLE tags (recording_id TEXT, tag TEXT);",
      },
      { version: SCHEMA_VERSION + 2, description: "tag index", up: "CREATE INDEX tags_by_tag ON tags(tag);" },
    ];
    const store = openTracked(file, { migrations: next });
    expect(timestamps(store)).toEqual([1000, 2000]);
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION + 2);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'tags_by_tag'").pluck().get()).toBe(
      "tags_by_tag",
    );
    db.close();
  });

  it("rolls back a failing migration and reports the version left behind", () => {
    openTracked().close();
    const broken = [
      ...MIGRATIONS,
      { version: SCHEMA_VERSION + 1, description: "broken", up: "CREATE TABLE x (a); NOT SQL;" },
    ];
    expect(() => openStore(file, { migrations: broken })).toThrow(
      expect.objectContaining({
        code: "MIGRATION_FAILED",
        message: expect.stringContaining(`left at version ${SCHEMA_VERSION}`),
      }),
    );
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").get()).toBeUndefined();
    db.close();
  });

  it("gives a typed error for a file that is not a database", () => {
    writeFileSync(file, "this is not sqlite, just text that is long enough to fill a header page".repeat(20));
    expect(() => openStore(file)).toThrow(
      expect.objectContaining({ name: "StoreError", code: "NOT_A_DATABASE" }),
    );
  });
});

describe("ingest", () => {
  it("never duplicates a retried batch, keyed by uuid or by content", () => {
    const store = openTracked();
    const withUuid = batch([click(1000), click(1100)], { uuid: "0192-a" });
    const noUuid = batch([click(1200), click(1300)]);
    const first = store.ingestSnapshots([withUuid, noUuid], [pageview("pv-1", "2026-01-01T00:00:00.000Z")]);
    expect(first).toMatchObject({
      batches: 2,
      duplicates: 0,
      events: 4,
      posthogEvents: 1,
      sessionIds: [SESSION],
    });
    const retry = store.ingestSnapshots([withUuid, noUuid], [pageview("pv-1", "2026-01-01T00:00:00.000Z")]);
    expect(retry).toMatchObject({ batches: 0, duplicates: 2, events: 0, posthogEvents: 0, sessionIds: [] });
    expect(timestamps(store)).toEqual([1000, 1100, 1200, 1300]);
    expect(store.posthogEvents(SESSION)).toHaveLength(1);
    expect(store.getRecording(SESSION)?.eventCount).toBe(4);
  });

  it("recognises retries of old-SDK events that carry an offset instead of a uuid", () => {
    const store = openTracked();
    const sent = (receivedAt: number): CaptureEvent => ({
      event: "$autocapture",
      offset: 120,
      timestamp: new Date(receivedAt - 120).toISOString(),
      properties: { $session_id: SESSION, distinct_id: "user-1" },
    });
    const snapshot = (receivedAt: number) =>
      batch([click(1000)], { timestamp: new Date(receivedAt).toISOString() });
    expect(store.ingestSnapshots([snapshot(5000)], [sent(5000)])).toMatchObject({
      batches: 1,
      posthogEvents: 1,
    });
    expect(store.ingestSnapshots([snapshot(9000)], [sent(9000)])).toMatchObject({
      batches: 0,
      duplicates: 1,
      posthogEvents: 0,
    });
    // Two distinct events that only differ in time (no offset) are both kept.
    const at = (t: number): CaptureEvent => ({
      event: "$pageview",
      timestamp: new Date(t).toISOString(),
      properties: { $session_id: SESSION },
    });
    expect(store.ingestSnapshots([], [at(1), at(2)]).posthogEvents).toBe(2);
  });

  it("keeps a uuid-keyed batch a duplicate after compaction", () => {
    const store = openTracked();
    const b = batch([click(1000)], { uuid: "0192-b" });
    store.ingestSnapshots([b, batch([click(2000)], { uuid: "0192-c" })]);
    store.compact(SESSION);
    expect(store.ingestSnapshots([b]).duplicates).toBe(1);
    expect(timestamps(store)).toEqual([1000, 2000]);
  });

  it("streams events in timestamp order across out-of-order and overlapping batches, ties in arrival order", () => {
    const store = openTracked();
    const tieA = { ...click(3000, 11) } as RrwebEvent;
    const tieB = { ...click(3000, 22) } as RrwebEvent;
    store.ingestSnapshots([batch([click(5000), click(6000)], { uuid: "late" })]);
    store.ingestSnapshots([batch([click(1000), tieA, click(5500)], { uuid: "early" })]);
    store.ingestSnapshots([batch([click(2000), tieB, click(4000)], { uuid: "middle" })]);
    // Events inside a batch may be out of order too.
    store.ingestSnapshots([batch([click(8000), click(7000)], { uuid: "reversed" })]);
    const events = Array.from(store.iterateEvents(SESSION), (e) => e.event);
    expect(events.map((e) => e.timestamp)).toEqual([
      1000, 2000, 3000, 3000, 4000, 5000, 5500, 6000, 7000, 8000,
    ]);
    const ties = events.filter((e) => e.timestamp === 3000).map((e) => (e.data as { id: number }).id);
    expect(ties).toEqual([11, 22]);
  });

  it("keeps windows apart and merges them by time when no window is given", () => {
    const store = openTracked();
    store.ingestSnapshots([
      batch([meta(1000, "https://a.test/"), click(3000)]),
      batch([meta(2000, "https://b.test/"), click(4000)], { windowId: WINDOW_2 }),
    ]);
    expect(store.windowIds(SESSION)).toEqual([WINDOW, WINDOW_2]);
    expect(timestamps(store, SESSION, WINDOW)).toEqual([1000, 3000]);
    expect(timestamps(store, SESSION, WINDOW_2)).toEqual([2000, 4000]);
    expect(Array.from(store.iterateEvents(SESSION), (e) => [e.windowId, e.event.timestamp])).toEqual([
      [WINDOW, 1000],
      [WINDOW_2, 2000],
      [WINDOW, 3000],
      [WINDOW_2, 4000],
    ]);
    const rec = store.loadRecording(SESSION);
    expect(rec.windows.map((w) => [w.windowId, w.events.length])).toEqual([
      [WINDOW, 2],
      [WINDOW_2, 2],
    ]);
    expect(store.getRecording(SESSION)?.windowIds).toEqual([WINDOW, WINDOW_2]);
  });

  it("keeps metadata current on every ingest, equal to a from-scratch computation", () => {
    const store = openTracked();
    store.ingestSnapshots([], [pageview("pv-0", new Date(500).toISOString())]);
    expect(store.getRecording(SESSION)).toBeNull();
    store.ingestSnapshots([batch([meta(1000, "https://shop.test/"), click(1500)], { uuid: "1" })]);
    const partial = store.getRecording(SESSION);
    // The $pageview stored before any snapshot is folded in: its URL is the earliest.
    expect(partial).toMatchObject({
      clickCount: 1,
      consoleErrorCount: 0,
      firstUrl: "https://shop.test/cart",
      distinctId: "user-1",
    });
    expect(partial?.urls).toEqual(["https://shop.test/cart", "https://shop.test/"]);
    store.ingestSnapshots(
      [batch([consoleError(9000), click(9500)], { uuid: "2" })],
      [pageview("pv-1", new Date(9600).toISOString())],
    );
    const summary = store.getRecording(SESSION);
    expect(summary).toMatchObject({
      clickCount: 2,
      consoleErrorCount: 1,
      eventCount: 4,
      durationMs: 8500,
      source: "capture",
    });
    const { source: _s, createdAt: _c, updatedAt: _u, ...metadata } = summary!;
    // URLs are listed in the order they arrived, which differs between incremental and one-shot.
    const fresh = computeMetadata(store.loadRecording(SESSION));
    expect({ ...metadata, urls: [...metadata.urls].sort() }).toEqual({
      ...fresh,
      urls: [...fresh.urls].sort(),
    });
    expect(store.posthogEvents(SESSION).map((e) => e.uuid)).toEqual(["pv-0", "pv-1"]);
  });

  it("rejects ids and events it cannot store, without storing part of the batch", () => {
    const store = openTracked();
    expect(() => store.ingestSnapshots([batch([click(1)], { sessionId: "../../etc" })])).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
    const bad = { type: 3, data: {} } as unknown as RrwebEvent;
    expect(() =>
      store.ingestSnapshots([batch([click(1000)], { uuid: "ok" }), batch([bad], { uuid: "bad" })]),
    ).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
    expect(() => store.ingestRrweb("x", "w", "nope" as never)).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
    expect(() => store.ingestRrweb("x", "w", [null] as never)).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
    expect(store.getRecording(SESSION)).toBeNull();
    expect(store.listRecordings().total).toBe(0);
  });

  it("group-commits several capture requests with the same results as one by one", () => {
    const requests = [
      { batches: [batch([meta(1000, "https://shop.test/"), click(1500)], { uuid: "g1" })] },
      {
        batches: [batch([consoleError(3000)], { uuid: "g2", windowId: WINDOW_2 })],
        others: [pageview("pv-g", new Date(3500).toISOString())],
      },
      // A retry of the first request inside the same group is a duplicate, not a second copy.
      { batches: [batch([meta(1000, "https://shop.test/"), click(1500)], { uuid: "g1" })] },
      { batches: [batch([click(2000, 7)], { uuid: "g3", sessionId: "other-session", distinctId: "u2" })] },
    ];
    const grouped = openTracked(join(dir.path, "grouped.db"));
    const single = openTracked(join(dir.path, "single.db"));
    const results = grouped.ingestSnapshotsMany(requests);
    const expected = requests.map((r) => single.ingestSnapshots(r.batches, r.others));
    expect(
      results.map((r) => (r instanceof Error ? r : { ...r, sessionIds: [...r.sessionIds].sort() })),
    ).toEqual(expected.map((r) => ({ ...r, sessionIds: [...r.sessionIds].sort() })));
    expect(results[2]).toMatchObject({ batches: 0, duplicates: 1 });
    for (const id of [SESSION, "other-session"]) {
      expect(Array.from(grouped.iterateEvents(id))).toEqual(Array.from(single.iterateEvents(id)));
      const { updatedAt: _a, createdAt: _b, ...g } = grouped.getRecording(id)!;
      const { updatedAt: _c, createdAt: _d, ...s } = single.getRecording(id)!;
      expect(g).toEqual(s);
    }
    expect(grouped.getRecording(SESSION)).toMatchObject({ eventCount: 3, consoleErrorCount: 1 });
    expect(grouped.getRecording("other-session")?.distinctId).toBe("u2");
  });

  it("fails only the bad request of a group and stores the rest", () => {
    const store = openTracked();
    const bad = { type: 3, data: {} } as unknown as RrwebEvent;
    const results = store.ingestSnapshotsMany([
      { batches: [batch([click(1000)], { uuid: "a" })] },
      { batches: [batch([click(1100)], { uuid: "b" }), batch([bad], { uuid: "c" })] },
      { batches: [batch([click(1200)], { uuid: "d", sessionId: "../../etc" })] },
      { batches: [batch([click(1300)], { uuid: "e" })] },
    ]);
    expect(results[0]).toMatchObject({ batches: 1, events: 1 });
    expect(results[1]).toBeInstanceOf(StoreError);
    expect((results[1] as StoreError).code).toBe("INVALID_INPUT");
    expect((results[2] as StoreError).code).toBe("INVALID_INPUT");
    expect(results[3]).toMatchObject({ batches: 1, events: 1 });
    // Nothing of the failed request is kept, not even its valid first batch.
    expect(timestamps(store)).toEqual([1000, 1300]);
    expect(store.getRecording(SESSION)?.eventCount).toBe(2);
  });

  it("fails every request of a group alike when the database is locked", () => {
    const store = openTracked(file, { busyTimeoutMs: 50 });
    store.ingestSnapshots([batch([click(1)], { uuid: "first" })]);
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");
    try {
      const results = store.ingestSnapshotsMany([
        { batches: [batch([click(2)], { uuid: "x" })] },
        { batches: [batch([click(3)], { uuid: "y" })] },
      ]);
      expect(results.map((r) => (r instanceof StoreError ? r.code : "stored"))).toEqual(["BUSY", "BUSY"]);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(timestamps(store)).toEqual([1]);
  });

  it("keeps the start-time and distinct-id indexes right when later batches move them", () => {
    const store = openTracked();
    store.ingestSnapshots([batch([click(5000)], { uuid: "1", distinctId: null })]);
    store.ingestSnapshots([batch([click(6000)], { uuid: "2", distinctId: null })]);
    // An earlier event and a distinct id arrive late: both indexed columns must follow.
    store.ingestSnapshots([batch([click(1000)], { uuid: "3", distinctId: "late-user" })]);
    expect(store.listRecordings({ from: new Date(500), to: new Date(1500) }).total).toBe(1);
    expect(store.listRecordings({ distinctId: "late-user" }).recordings.map((r) => r.id)).toEqual([SESSION]);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const row = db.prepare("SELECT start_ms, distinct_id FROM recordings").get();
      expect(row).toEqual({ start_ms: 1000, distinct_id: "late-user" });
    } finally {
      db.close();
    }
  });

  it("stores plain rrweb events and imports recordings idempotently", () => {
    const store = openTracked();
    store.ingestRrweb("plain-1", "w", [click(10), click(20)], { distinctId: "dev" });
    expect(store.ingestRrweb("plain-1", "w", [click(10), click(20)]).duplicates).toBe(1);
    expect(store.getRecording("plain-1")).toMatchObject({
      source: "rrweb",
      eventCount: 2,
      distinctId: "dev",
    });

    const rec = store.loadRecording("plain-1");
    const imported = store.importRecording(
      { ...rec, sessionId: "copy-1", posthogEvents: [pageview("pv-x", new Date(15).toISOString(), "other")] },
      { source: "posthog-export" },
    );
    expect(imported).toMatchObject({ id: "copy-1", created: true, events: 2 });
    const again = store.importRecording({ ...rec, sessionId: "copy-1" }, { source: "posthog-export" });
    expect(again).toMatchObject({ created: false, events: 0, duplicates: 2 });
    expect(store.loadRecording("copy-1").windows).toEqual(rec.windows);
    expect(store.posthogEvents("copy-1").map((e) => e.uuid)).toEqual(["pv-x"]);
    expect(store.getRecording("copy-1")?.source).toBe("posthog-export");
    expect(() => store.importRecording({ ...rec, sessionId: "empty", windows: [] }, { source: "x" })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });
});

describe("reading", () => {
  it("pages with afterTimestamp and startAt cursors without losing tied events", () => {
    const store = openTracked();
    store.ingestSnapshots([
      batch([click(1000, 1), click(2000, 2), click(2000, 3), click(2000, 4), click(3000, 5)]),
    ]);
    expect(timestamps(store).length).toBe(5);
    expect(
      Array.from(
        store.iterateEvents(SESSION, { afterTimestamp: 1000 }),
        (e) => (e.event.data as { id: number }).id,
      ),
    ).toEqual([2, 3, 4, 5]);
    expect(
      Array.from(
        store.iterateEvents(SESSION, { startAt: { timestamp: 2000, skip: 2 } }),
        (e) => (e.event.data as { id: number }).id,
      ),
    ).toEqual([4, 5]);
  });

  it("filters, sorts and pages the recording list", () => {
    const store = openTracked();
    const day = Date.UTC(2026, 0, 10);
    store.ingestRrweb("s-old", "w", [meta(day, "https://shop.test/cart"), click(day + 60_000)], {
      distinctId: "alice",
    });
    store.ingestRrweb(
      "s-mid",
      "w",
      [meta(day + 86_400_000, "https://shop.test/home"), consoleError(day + 86_400_000 + 5_000)],
      {
        distinctId: "bob",
      },
    );
    store.ingestRrweb(
      "s-new",
      "w",
      [meta(day + 2 * 86_400_000, "https://blog.test/100%_off"), click(day + 2 * 86_400_000 + 1)],
      {
        distinctId: "alice",
      },
    );
    const ids = (f: Parameters<Store["listRecordings"]>[0]) =>
      store.listRecordings(f).recordings.map((r) => r.id);
    expect(ids({})).toEqual(["s-new", "s-mid", "s-old"]);
    expect(ids({ sort: "oldest" })).toEqual(["s-old", "s-mid", "s-new"]);
    expect(ids({ sort: "longest" })[0]).toBe("s-old");
    expect(ids({ url: "shop.test/c" })).toEqual(["s-old"]);
    expect(ids({ url: "100%_" })).toEqual(["s-new"]);
    expect(ids({ url: "%" })).toEqual(["s-new"]);
    expect(ids({ distinctId: "alice" })).toEqual(["s-new", "s-old"]);
    expect(ids({ hasErrors: true })).toEqual(["s-mid"]);
    expect(ids({ hasErrors: false })).toEqual(["s-new", "s-old"]);
    expect(ids({ minDurationMs: 10_000 })).toEqual(["s-old"]);
    expect(ids({ from: new Date(day + 1), to: new Date(day + 86_400_000) })).toEqual(["s-mid"]);
    const page = store.listRecordings({ limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3 });
    expect(page.recordings.map((r) => r.id)).toEqual(["s-mid"]);
    expect(() => store.listRecordings({ sort: "random" as never })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });

  it("orders the whole list by every sortable field, consistently across pages", () => {
    const store = openTracked();
    const base = Date.UTC(2026, 1, 1);
    const hosts = ["https://b.test", "https://A.test", "https://c.test", "https://a.test"];
    const N = 30;
    for (let i = 0; i < N; i++) {
      // Recordings 11 and 12 start together, so only the id orders them.
      const start = base + (i === 12 ? 11 : i) * 60_000;
      const events: RrwebEvent[] = [];
      // A few recordings have no Meta event, so no first URL (NULL in SQL).
      if (i % 7 !== 3) events.push(meta(start, `${hosts[i % 4]}/p${i % 5}`));
      events.push({
        type: 2,
        timestamp: start + 1,
        data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { top: 0, left: 0 } },
      } as RrwebEvent);
      for (let c = 0; c < i % 4; c++) events.push(click(start + 100 + c));
      for (let k = 0; k < (i * 7) % 5; k++)
        events.push({
          type: 3,
          timestamp: start + 200 + k,
          data: { source: 5, id: 2, text: "x".repeat(i) },
        } as RrwebEvent);
      for (let e = 0; e < i % 3; e++) events.push(consoleError(start + 300 + e));
      // Activity up to a recording-specific time, then one idle event that stretches the duration.
      events.push({
        type: 3,
        timestamp: start + 1000 * ((i * 5) % 9),
        data: { source: 1, positions: [] },
      } as RrwebEvent);
      events.push({
        type: 3,
        timestamp: start + 10_000 + 500 * ((i * 3) % 4),
        data: { source: 0, adds: [], removes: [], texts: [], attributes: [] },
      } as RrwebEvent);
      store.ingestRrweb(
        `rec-${String(i).padStart(2, "0")}`,
        "w",
        events,
        i % 5 === 0 ? {} : { distinctId: `User-${(i * 3) % 8}` },
      );
    }
    const all = store.listRecordings({ limit: 1000 }).recordings;
    expect(all).toHaveLength(N);

    type Summary = (typeof all)[number];
    // The documented order, computed independently: value, then newest start, then id. NULLs
    // come first ascending; text compares case-insensitively.
    const value = (r: Summary, field: (typeof RECORDING_SORT_FIELDS)[number]): number | string | null => {
      if (field === "startTime") return Date.parse(r.startTime);
      if (field === "updatedAt") return Date.parse(r.updatedAt);
      if (field === "firstUrl" || field === "distinctId") return r[field]?.toLowerCase() ?? null;
      return r[field];
    };
    const cmp = (a: number | string | null, b: number | string | null) =>
      a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
    const expected = (field: (typeof RECORDING_SORT_FIELDS)[number], dir: "asc" | "desc") =>
      [...all]
        .sort((a, b) => {
          const byValue = cmp(value(a, field), value(b, field)) * (dir === "asc" ? 1 : -1);
          if (byValue !== 0) return byValue;
          if (field !== "startTime" && field !== "updatedAt") {
            const byStart = Date.parse(b.startTime) - Date.parse(a.startTime);
            if (byStart !== 0) return byStart;
          }
          return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
        })
        .map((r) => r.id);
    const paged = (sort: RecordingSort) => {
      const ids: string[] = [];
      for (let offset = 0; offset < N; offset += 7) {
        const page = store.listRecordings({ sort, limit: 7, offset });
        expect(page.total).toBe(N);
        ids.push(...page.recordings.map((r) => r.id));
      }
      return ids;
    };

    for (const field of RECORDING_SORT_FIELDS) {
      // The fixture must make each field's order differ from plain start order, or the test proves nothing.
      if (field !== "startTime") expect(expected(field, "desc")).not.toEqual(expected("startTime", "desc"));
      for (const dir of ["asc", "desc"] as const) {
        const ids = paged(`${field}:${dir}`);
        expect(new Set(ids).size, `${field}:${dir}`).toBe(N);
        expect(ids, `${field}:${dir}`).toEqual(expected(field, dir));
      }
    }
    // The named orders are the same lists.
    expect(paged("newest")).toEqual(expected("startTime", "desc"));
    expect(paged("oldest")).toEqual(expected("startTime", "asc"));
    expect(paged("longest")).toEqual(expected("durationMs", "desc"));
    expect(paged("shortest")).toEqual(expected("durationMs", "asc"));
    expect(paged("updated")).toEqual(expected("updatedAt", "desc"));

    // Spot checks by hand: the first page really is the top of the whole list, not of a page.
    const top = (sort: RecordingSort) => store.listRecordings({ sort, limit: 1 }).recordings[0]!;
    expect(top("clickCount:desc").clickCount).toBe(3);
    expect(top("clickCount:desc").id).toBe("rec-27");
    expect(top("consoleErrorCount:asc").id).toBe("rec-27");
    expect(top("firstUrl:asc").firstUrl).toBeNull();
    expect(top("firstUrl:desc").firstUrl).toMatch(/^https:\/\/c\.test\//);
    expect(top("distinctId:asc").distinctId).toBeNull();
    expect(top("sizeBytes:desc").sizeBytes).toBe(Math.max(...all.map((r) => r.sizeBytes)));
    for (const sort of ["startTime:asc", "startTime:desc"] as const) {
      const ids = paged(sort);
      expect(ids.indexOf("rec-12") - ids.indexOf("rec-11")).toBe(1);
    }
    expect(RECORDING_SORTS).toHaveLength(5 + 2 * RECORDING_SORT_FIELDS.length);
    expect(() => store.listRecordings({ sort: "clickCount:up" as never })).toThrow(/clickCount:desc/);
    expect(() => store.listRecordings({ sort: "__proto__" as never })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });

  it("reports missing recordings as NOT_FOUND or null", () => {
    const store = openTracked();
    expect(store.getRecording("nope")).toBeNull();
    expect(() => store.loadRecording("nope")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => store.iterateEvents("nope").next()).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => store.compact("nope")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });
});

describe("delete, prune and compact", () => {
  it("deletes a recording with its events and PostHog events", () => {
    const store = openTracked();
    store.ingestSnapshots(
      [batch([click(1000)], { uuid: "a" })],
      [pageview("pv-1", new Date(1000).toISOString())],
    );
    expect(store.deleteRecording(SESSION)).toBe(true);
    expect(store.deleteRecording(SESSION)).toBe(false);
    expect(store.getRecording(SESSION)).toBeNull();
    // The same batch again is new data after a delete, not a duplicate of something gone.
    expect(store.ingestSnapshots([batch([click(1000)], { uuid: "a" })]).batches).toBe(1);
    expect(store.getRecording(SESSION)?.eventCount).toBe(1);
    expect(store.loadRecording(SESSION).posthogEvents).toEqual([]);
  });

  it("prunes recordings that ended before a date", () => {
    const store = openTracked();
    store.ingestRrweb("old", "w", [click(Date.UTC(2020, 0, 1))]);
    store.ingestRrweb("new", "w", [click(Date.UTC(2026, 0, 1))]);
    expect(store.pruneOlderThan(new Date(Date.UTC(2025, 0, 1)))).toBe(1);
    expect(store.listRecordings().recordings.map((r) => r.id)).toEqual(["new"]);
  });

  it("compacts real captured events into brotli blobs per window with identical events, and shrinks them", () => {
    const store = openTracked();
    const captured = capturedRrwebEvents("A");
    const byReq = new Map<number, RrwebEvent[]>();
    for (const e of captured)
      byReq.set(e.req_seq, [...(byReq.get(e.req_seq) ?? []), e.event as unknown as RrwebEvent]);
    for (const [seq, events] of byReq) store.ingestSnapshots([batch(events, { uuid: `req-${seq}` })]);
    store.ingestSnapshots([
      batch([click(captured[0]!.event.timestamp + 5)], { uuid: "w2", windowId: WINDOW_2 }),
    ]);
    const before = store.loadRecording(SESSION);
    const metadataBefore = store.getRecording(SESSION);
    const result = store.compact(SESSION);
    expect(result.chunksBefore).toBe(byReq.size + 1);
    expect(result.chunksAfter).toBe(2);
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    expect(store.loadRecording(SESSION)).toEqual(before);
    expect(JSON.stringify(store.loadRecording(SESSION))).toBe(JSON.stringify(before));
    expect(store.getRecording(SESSION)).toEqual(metadataBefore);
    // A second compaction has nothing to do.
    expect(store.compact(SESSION)).toMatchObject({ chunksBefore: 2, chunksAfter: 2 });
    // Late data after compaction still streams in order.
    store.ingestSnapshots([batch([click(captured[0]!.event.timestamp - 1)], { uuid: "late" })]);
    const ts = timestamps(store, SESSION, WINDOW);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(ts.length).toBe(before.windows[0]!.events.length + 1);
  });

  it("keeps a stream correct when compaction runs in the middle of it", () => {
    const store = openTracked();
    for (let i = 0; i < 20; i++)
      store.ingestSnapshots([batch([click(i * 10, i), click(i * 10, 100 + i)], { uuid: `b${i}` })]);
    const expected = Array.from(store.iterateEvents(SESSION), (e) => (e.event.data as { id: number }).id);
    const seen: number[] = [];
    for (const item of store.iterateEvents(SESSION)) {
      seen.push((item.event.data as { id: number }).id);
      if (seen.length === 7) store.compact(SESSION);
    }
    expect(seen).toEqual(expected);
  });

  it("resumes a cursor stream exactly when compaction removes chunks it has not read yet", () => {
    const store = openTracked();
    // Neighbouring batches share a timestamp, so the resume point sits inside a run of ties.
    for (let i = 0; i < 20; i++)
      store.ingestSnapshots([batch([click(i * 10, i), click(i * 10 + 10, 100 + i)], { uuid: `t${i}` })]);
    const from = (cursor?: { timestamp: number; skip: number }) =>
      Array.from(
        store.iterateEvents(SESSION, cursor ? { startAt: cursor } : {}),
        (e) => (e.event.data as { id: number }).id,
      );
    const expected = from({ timestamp: 50, skip: 1 });
    expect(expected.slice(0, 3)).toEqual([5, 105, 6]);
    const seen: number[] = [];
    for (const item of store.iterateEvents(SESSION, { startAt: { timestamp: 50, skip: 1 } })) {
      seen.push((item.event.data as { id: number }).id);
      if (seen.length === 1) expect(store.compact(SESSION).chunksAfter).toBe(1);
    }
    expect(seen).toEqual(expected);
    // New data that arrives mid-stream may be missed by that stream, but never duplicates or reorders it.
    const late: number[] = [];
    for (const item of store.iterateEvents(SESSION)) {
      late.push((item.event.data as { id: number }).id);
      if (late.length === 3) store.ingestSnapshots([batch([click(5, 999)], { uuid: "late" })]);
    }
    expect(late).toEqual(from().filter((id) => id !== 999));
  });

  it("compacts only recordings idle for long enough", () => {
    let now = 1_000_000;
    const store = openTracked(file, { now: () => now });
    store.ingestRrweb("idle", "w", [click(1)]);
    now += 60_000;
    store.ingestRrweb("busy", "w", [click(1)]);
    expect(store.compactIdle(30_000)).toEqual(["idle"]);
    expect(store.compactIdle(30_000)).toEqual([]);
  });
});

describe("two connections on one file", () => {
  it("sees each other's writes, takes turns writing, and announces foreign changes", async () => {
    const a = openTracked(file, { pollIntervalMs: 20 });
    const b = openTracked(file, { pollIntervalMs: 20 });
    const seen: StoreChange[] = [];
    const unsubscribe = a.onChange((change) => seen.push(change));
    b.ingestRrweb("from-b", "w", [click(1000)]);
    expect(a.getRecording("from-b")?.eventCount).toBe(1);
    for (let i = 0; i < 10; i++) {
      (i % 2 ? a : b).ingestRrweb("shared", "w", [click(2000 + i)], { batchId: `batch-${i}` });
    }
    expect(b.getRecording("shared")?.eventCount).toBe(10);
    expect(timestamps(a, "shared")).toEqual(Array.from({ length: 10 }, (_, i) => 2000 + i));
    b.deleteRecording("from-b");
    await expect
      .poll(
        () =>
          seen
            .filter((c) => c.id === "from-b")
            .map((c) => c.type)
            .join(","),
        { timeout: 3000 },
      )
      .toContain("deleted");
    expect(seen.find((c) => c.id === "shared")).toMatchObject({ recording: { id: "shared" } });
    unsubscribe();
  });

  it("announces its own writes synchronously after commit", () => {
    const store = openTracked();
    const seen: string[] = [];
    store.onChange((c) => seen.push(`${c.type}:${c.id}`));
    store.ingestRrweb("x", "w", [click(1)]);
    store.ingestRrweb("x", "w", [click(2)]);
    store.deleteRecording("x");
    expect(seen).toEqual(["created:x", "updated:x", "deleted:x"]);
  });

  it("opens read-only for readers that must never write", () => {
    openTracked().ingestRrweb("ro", "w", [click(1)]);
    const reader = openTracked(file, { readonly: true });
    expect(reader.getRecording("ro")?.eventCount).toBe(1);
    expect(() => reader.ingestRrweb("ro", "w", [click(2)])).toThrow(
      expect.objectContaining({ code: "READ_ONLY" }),
    );
    expect(() => openStore(join(dir.path, "missing.db"), { readonly: true })).toThrow(
      expect.objectContaining({ name: "StoreError" }),
    );
  });

  it("throws CLOSED after close and tolerates closing twice", () => {
    const store = openStore(file);
    store.close();
    store.close();
    expect(() => store.listRecordings()).toThrow(expect.objectContaining({ code: "CLOSED" }));
  });
});
