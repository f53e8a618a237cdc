import { windowConsoleEntries, windowNetworkEntries } from "@replay-devkit/codec";
import { capturedRrwebEvents } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import type { RrwebEvent } from "./api";
import { WindowDerivation } from "./derive";
import {
  consoleRows,
  formatDuration,
  inactiveGaps,
  lastAtOrBefore,
  markers,
  networkRows,
  renderConsoleArg,
} from "./timeline";

// The real events posthog-js 1.449.2 recorded in run A of the shared capture (one window).
const runA: RrwebEvent[] = capturedRrwebEvents("A")
  .map((e) => e.event as RrwebEvent)
  .sort((a, b) => a.timestamp - b.timestamp);

describe("consoleRows", () => {
  it("reads the recorded console calls with levels, unquoted arguments and traces", () => {
    const entries = consoleRows(runA);
    const error = entries.find((e) => e.level === "error");
    expect(error).toBeDefined();
    expect(error!.args[0]).toBe("harness console error");
    expect(error!.args[1]).toContain("Error: harness boom");
    expect(error!.trace[0]).toMatch(/HTMLButtonElement/);
    const log = entries.find((e) => e.args[0] === "harness console log");
    expect(log?.level).toBe("log");
    expect(log?.args[1]).toBe('{"step":1,"nested":{"ok":true}}');
    expect(entries.find((e) => e.level === "warn")?.args).toEqual(["harness console warn", "42"]);
    // One row per codec entry, in its order: the pane shows the codec's extraction.
    const codec = windowConsoleEntries(runA, "w");
    expect(entries.map((e) => [e.timestamp, e.trace])).toEqual(codec.map((e) => [e.timestamp, e.trace]));
    expect(entries.map((e) => e.index)).toEqual(codec.map((_, i) => i));
  });

  it("folds rarer console methods into the five level filters", () => {
    const call = (timestamp: number, level: string) => ({
      type: 6,
      timestamp,
      data: { plugin: "rrweb/console@1", payload: { level, payload: ['"x"'], trace: [] } },
    });
    const levels = ["assert", "trace", "info", "debug", "table", "warn", "error", "log"];
    expect(consoleRows(levels.map((l, i) => call(i, l))).map((e) => e.level)).toEqual([
      "error",
      "debug",
      "info",
      "debug",
      "log",
      "warn",
      "error",
      "log",
    ]);
  });

  it("keeps malformed plugin payloads out instead of throwing", () => {
    const hostile: RrwebEvent[] = [
      { type: 6, timestamp: 1, data: { plugin: "rrweb/console@1", payload: null } },
      {
        type: 6,
        timestamp: 2,
        data: { plugin: "rrweb/console@1", payload: { level: 7, payload: "x", trace: [1, "a"] } },
      },
      { type: 6, timestamp: 3, data: "nope" },
    ];
    const entries = consoleRows(hostile);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: "log", args: [], trace: ["1", "a"] });
  });

  it("renders non-JSON arguments as they are", () => {
    expect(renderConsoleArg("not json")).toBe("not json");
    expect(renderConsoleArg('"quoted"')).toBe("quoted");
    expect(renderConsoleArg(5)).toBe("5");
  });
});

describe("networkRows", () => {
  it("finds the recorded POST with its headers and both bodies", () => {
    const rows = networkRows(runA);
    const post = rows.find((e) => e.method === "POST" && e.url.endsWith("/api/items"));
    expect(post).toBeDefined();
    expect(post!.status).toBe(201);
    expect(post!.requestHeaders["x-harness"]).toBe("yes");
    expect(JSON.parse(post!.requestBody!)).toEqual({ name: "widget", qty: 3 });
    expect(JSON.parse(post!.responseBody!)).toMatchObject({ ok: true, item: { name: "widget", qty: 3 } });
    expect(post!.failed).toBe(false);
    expect(post!.durationMs).toBeGreaterThan(0);
    expect(post!.initiatorType).toBe("fetch");
    expect(post!.sizeBytes).toBeGreaterThan(0);
    // Every request the codec extracts is a row, in the codec's order.
    expect(rows.map((e) => e.url)).toEqual(windowNetworkEntries(runA, "w").map((e) => e.url));
    expect(new Set(rows.map((e) => e.index)).size).toBe(rows.length);
  });

  it("flags 4xx/5xx and network errors as failed but not opaque timing entries", () => {
    const events: RrwebEvent[] = [
      {
        type: 6,
        timestamp: 10,
        data: {
          plugin: "rrweb/network@1",
          payload: {
            requests: [
              { name: "http://a/x", method: "get", status: 500, timestamp: 10 },
              {
                name: "http://a/y",
                method: "POST",
                status: 0,
                initiatorType: "xmlhttprequest",
                timestamp: 11,
              },
              {
                name: "http://cdn/z.png",
                entryType: "resource",
                initiatorType: "img",
                responseStatus: 0,
                transferSize: 0,
                timestamp: 12,
              },
              { name: "http://a/t", entryType: "serverTiming", duration: 3 },
              // Paint and first-input timings ride in the same plugin; they are not requests.
              { name: "first-contentful-paint", entryType: "paint", startTime: 80, timestamp: 13 },
              { name: "pointerdown", entryType: "first-input", duration: 8, timestamp: 14 },
            ],
          },
        },
      },
    ];
    const entries = networkRows(events);
    expect(entries.map((e) => [e.url, e.method, e.status, e.failed, e.initiatorType, e.sizeBytes])).toEqual([
      ["http://a/x", "GET", 500, true, "other", null],
      ["http://a/y", "POST", 0, true, "xmlhttprequest", null],
      ["http://cdn/z.png", "GET", null, false, "img", null],
    ]);
  });
});

describe("markers", () => {
  it("marks clicks, the second page load, the console error and custom PostHog events", () => {
    const list = markers(runA, [
      {
        uuid: null,
        event: "harness_note_saved",
        timestamp: runA[runA.length - 1]!.timestamp,
        distinctId: null,
        properties: {},
      },
      { uuid: null, event: "$pageview", timestamp: runA[0]!.timestamp, distinctId: null, properties: {} },
    ]);
    const kinds = new Set(list.map((m) => m.kind));
    expect(kinds).toEqual(new Set(["click", "navigation", "console-error", "custom"]));
    expect(list.filter((m) => m.kind === "navigation").map((m) => m.label)).toEqual([
      expect.stringMatching(/\/second\.html$/),
    ]);
    expect(list.find((m) => m.kind === "custom")?.label).toBe("harness_note_saved");
    expect(list.map((m) => m.timestamp)).toEqual([...list.map((m) => m.timestamp)].sort((a, b) => a - b));
  });
});

describe("annotation markers", () => {
  it("marks rrweb 2.x Annotation events with their tag and text, and ignores Asset events", () => {
    const list = markers([
      { type: 4, timestamp: 0, data: { href: "http://a/", width: 10, height: 10 } },
      { type: 7, timestamp: 5, data: { url: "http://a/s.css", payload: {} } },
      { type: 8, timestamp: 10, data: { tag: "checkout", payload: { text: "card declined here" } } },
      { type: 8, timestamp: 20, data: {} },
    ] as RrwebEvent[]);
    expect(list.map((m) => [m.kind, m.timestamp, m.label])).toEqual([
      ["annotation", 10, "checkout: card declined here"],
      ["annotation", 20, "annotation"],
    ]);
  });
});

describe("inactiveGaps and WindowDerivation", () => {
  const synthetic: RrwebEvent[] = [
    { type: 4, timestamp: 0, data: { href: "http://a/", width: 10, height: 10 } },
    { type: 2, timestamp: 1, data: {} },
    { type: 3, timestamp: 1000, data: { source: 1, positions: [] } },
    { type: 3, timestamp: 30_000, data: { source: 0, adds: [] } }, // mutation: not user activity
    { type: 3, timestamp: 61_000, data: { source: 2, type: 2, id: 1 } },
    { type: 3, timestamp: 62_000, data: { source: 5, id: 1, text: "x" } },
    { type: 6, timestamp: 90_000, data: { plugin: "x", payload: {} } },
  ];

  it("finds stretches without user activity above the threshold", () => {
    expect(inactiveGaps(synthetic, 10_000)).toEqual([
      { start: 1000, end: 61_000 },
      { start: 62_000, end: 90_000 },
    ]);
    expect(inactiveGaps(synthetic, 40_000)).toEqual([{ start: 1000, end: 61_000 }]);
    expect(inactiveGaps([], 1000)).toEqual([]);
  });

  it("gives the same answers when events arrive page by page", () => {
    const whole = new WindowDerivation();
    whole.add(runA);
    const paged = new WindowDerivation();
    for (let i = 0; i < runA.length; i += 37) paged.add(runA.slice(i, i + 37));
    expect(paged.events).toHaveLength(runA.length);
    expect(paged.console).toEqual(whole.console);
    // Row indexes count arrivals, so only they may differ when a page's requests interleave.
    const withoutIndex = <T extends { index: number }>(rows: T[]) => rows.map(({ index: _, ...row }) => row);
    expect(withoutIndex(paged.network)).toEqual(withoutIndex(whole.network));
    expect(new Set(paged.network.map((e) => e.index)).size).toBe(paged.network.length);
    expect(paged.markers).toEqual(whole.markers);
    expect(paged.gaps(2000)).toEqual(whole.gaps(2000));
    expect(paged.playable).toBe(true);
    const onlyMeta = new WindowDerivation();
    onlyMeta.add(runA.slice(0, 1));
    expect(onlyMeta.playable).toBe(false);
  });
});

describe("helpers", () => {
  it("formats durations and finds the row at the playhead", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(61_500)).toBe("1:01");
    expect(formatDuration(3_723_000)).toBe("1:02:03");
    expect(formatDuration(Number.NaN)).toBe("–");
    const rows = [{ timestamp: 10 }, { timestamp: 20 }, { timestamp: 20 }, { timestamp: 30 }];
    expect(lastAtOrBefore(rows, 5)).toBe(-1);
    expect(lastAtOrBefore(rows, 20)).toBe(2);
    expect(lastAtOrBefore(rows, 100)).toBe(3);
  });
});
