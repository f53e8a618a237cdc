import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { DEFAULT_APP_LOG_LIMITS, StoreError, openStore, type AppLogLine, type Store } from "../src/index.js";

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function lines(
  count: number,
  start: number,
  stepMs = 1,
  stream: AppLogLine["stream"] = "stdout",
): AppLogLine[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: start + i * stepMs,
    stream,
    text: `line ${i}`,
  }));
}

let dir: TempDir;
let file: string;
const open: Store[] = [];
function track(store: Store): Store {
  open.push(store);
  return store;
}

beforeEach(() => {
  dir = tempDir("store-app-logs-");
  file = join(dir.path, "logs.db");
});
afterEach(() => {
  for (const store of open.splice(0)) store.close();
  dir.cleanup();
});

describe("app logs", () => {
  it("stores a batch in one transaction: one bad line stores nothing", () => {
    const store = track(openStore(file, { now: () => T0 }));
    const bad = [...lines(10, T0), { timestamp: T0, stream: "stdin", text: "x" }] as unknown as AppLogLine[];
    expect(() => store.appendAppLogs(bad)).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT", message: expect.stringContaining("line 10") }),
    );
    expect(store.appLogs().lines).toEqual([]);
    expect(store.appendAppLogs(lines(10, T0))).toEqual({ stored: 10, dropped: 0, truncated: 0 });
    expect(store.appLogs().lines.map((l) => l.text)).toEqual(lines(10, T0).map((l) => l.text));
  });

  it("refuses timestamps in seconds or microseconds and non-string text", () => {
    const store = track(openStore(file, { now: () => T0 }));
    for (const line of [
      { timestamp: 1e16, stream: "stdout", text: "µs" },
      { timestamp: Number.NaN, stream: "stdout", text: "nan" },
      { timestamp: T0, stream: "stdout", text: 42 },
      null,
    ]) {
      expect(() => store.appendAppLogs([line] as unknown as AppLogLine[])).toThrow(StoreError);
    }
    expect(() => store.appendAppLogs("nope" as unknown as AppLogLine[])).toThrow(StoreError);
  });

  it("persists lines with timestamp and stream in the same SQLite file, readable from another connection", () => {
    const store = track(openStore(file, { now: () => T0 }));
    store.appendAppLogs([
      { timestamp: T0 + 5, stream: "stderr", text: "Error: boom\n    at handler" },
      { timestamp: T0 + 1, stream: "stdout", text: "GET /api 500" },
    ]);
    store.close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare("SELECT ts_ms, stream, text FROM app_logs ORDER BY ts_ms").all();
    db.close();
    expect(rows).toEqual([
      { ts_ms: T0 + 1, stream: "stdout", text: "GET /api 500" },
      { ts_ms: T0 + 5, stream: "stderr", text: "Error: boom\n    at handler" },
    ]);
    const reader = track(openStore(file, { readonly: true }));
    expect(reader.appLogs().lines.map((l) => [l.timestamp, l.stream])).toEqual([
      [T0 + 1, "stdout"],
      [T0 + 5, "stderr"],
    ]);
    expect(() => reader.appendAppLogs(lines(1, T0))).toThrow(expect.objectContaining({ code: "READ_ONLY" }));
  });

  it("answers a time range inclusively, in time order, and pages without repeats or gaps", () => {
    const store = track(openStore(file, { now: () => T0 }));
    // Two streams interleaved, with equal timestamps, so the cursor has to use seq.
    const all = [...lines(50, T0, 10, "stdout"), ...lines(50, T0, 10, "stderr")];
    store.appendAppLogs(all);
    const range = store.appLogs({ from: T0 + 100, to: T0 + 200, limit: 5000 });
    expect(range.next).toBeNull();
    expect(range.lines).toHaveLength(22);
    expect(range.lines.every((l) => l.timestamp >= T0 + 100 && l.timestamp <= T0 + 200)).toBe(true);

    const seen: number[] = [];
    let page = store.appLogs({ from: T0 + 100, to: T0 + 200, limit: 3 });
    for (;;) {
      seen.push(...page.lines.map((l) => l.seq));
      if (!page.next) break;
      page = store.appLogs({ from: T0 + 100, to: T0 + 200, limit: 3, after: page.next });
    }
    expect(seen).toEqual(range.lines.map((l) => l.seq));
    expect(new Set(seen).size).toBe(22);
    const times = range.lines.map((l) => l.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("validates query bounds", () => {
    const store = track(openStore(file, { now: () => T0 }));
    expect(() => store.appLogs({ limit: 0 })).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
    expect(() => store.appLogs({ limit: 5001 })).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
    expect(() => store.appLogs({ from: Number.NaN })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });

  it("caps lines per minute and leaves one note where lines were dropped", () => {
    const store = track(openStore(file, { now: () => T0, appLogs: { maxLinesPerMinute: 100 } }));
    // 150 lines within one minute, sent in three flushes: the cap spans calls.
    const minute = lines(150, T0, 100);
    expect(store.appendAppLogs(minute.slice(0, 60))).toMatchObject({ stored: 60, dropped: 0 });
    expect(store.appendAppLogs(minute.slice(60, 120))).toMatchObject({ stored: 40, dropped: 20 });
    expect(store.appendAppLogs(minute.slice(120))).toMatchObject({ stored: 0, dropped: 30 });
    // The next minute starts a fresh count.
    expect(store.appendAppLogs(lines(5, T0 + 60_000))).toMatchObject({ stored: 5, dropped: 0 });
    const stored = store.appLogs({ limit: 5000 }).lines;
    const notes = stored.filter((l) => l.stream === "devkit");
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).toContain("more than 100 app log lines");
    expect(notes[0]?.timestamp).toBe(minute[100]?.timestamp);
    expect(stored.filter((l) => l.stream === "stdout")).toHaveLength(105);
  });

  it("cuts oversized lines and says how much was cut", () => {
    const store = track(openStore(file, { now: () => T0, appLogs: { maxLineChars: 64 } }));
    const result = store.appendAppLogs([
      { timestamp: T0, stream: "stderr", text: "x".repeat(10_000) },
      { timestamp: T0, stream: "stderr", text: "short" },
    ]);
    expect(result).toEqual({ stored: 2, dropped: 0, truncated: 1 });
    const [long, short] = store.appLogs().lines;
    expect(long?.text.startsWith("x".repeat(64))).toBe(true);
    expect(long?.text).toContain("9936 more characters");
    expect(long?.text.length).toBeLessThan(200);
    expect(short?.text).toBe("short");
  });

  it("keeps at most maxRows lines, dropping the oldest", () => {
    const store = track(openStore(file, { now: () => T0, appLogs: { maxRows: 500 } }));
    for (let i = 0; i < 12; i++) store.appendAppLogs(lines(100, T0 + i * 1000));
    const kept = store.appLogs({ limit: 5000 }).lines;
    expect(kept).toHaveLength(500);
    // The newest flushes survive whole.
    expect(kept[0]?.timestamp).toBe(T0 + 7000);
    expect(kept.at(-1)?.timestamp).toBe(T0 + 11_000 + 99);
  });

  it("deletes lines older than maxAgeMs on the next write, and with pruneOlderThan", () => {
    let now = T0;
    const store = track(openStore(file, { now: () => now, appLogs: { maxAgeMs: 3_600_000 } }));
    store.appendAppLogs(lines(10, T0));
    now = T0 + 2 * 3_600_000;
    store.appendAppLogs(lines(3, now));
    expect(store.appLogs().lines.map((l) => l.timestamp)).toEqual([now, now + 1, now + 2]);
    store.pruneOlderThan(new Date(now + 2));
    expect(store.appLogs().lines.map((l) => l.timestamp)).toEqual([now + 2]);
  });

  it("rejects nonsense limits at open", () => {
    expect(() => openStore(file, { appLogs: { maxRows: 0 } })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
    expect(DEFAULT_APP_LOG_LIMITS.maxRows).toBeGreaterThan(0);
  });
});
