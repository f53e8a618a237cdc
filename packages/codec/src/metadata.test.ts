import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CodecError } from "./errors.js";
import { computeMetadata, MetadataAccumulator } from "./metadata.js";
import type { Recording, RrwebEvent } from "./types.js";

const T0 = 1_700_000_000_000;
const ev = (type: number, t: number, data: Record<string, unknown> = {}) =>
  ({ type, timestamp: T0 + t, data }) as unknown as RrwebEvent;
const click = (t: number, type = 2) => ev(3, t, { source: 2, type, id: 1 });
const move = (t: number) => ev(3, t, { source: 1, positions: [] });
const mutation = (t: number) => ev(3, t, { source: 0, texts: [], attributes: [], removes: [], adds: [] });
const input = (t: number) => ev(3, t, { source: 5, id: 3, text: "***", isChecked: false });
const consoleEvent = (t: number, level: string) =>
  ev(6, t, { plugin: "rrweb/console@1", payload: { level, payload: ['"x"'], trace: [] } });
const rec = (windows: Record<string, RrwebEvent[]>): Recording => ({
  sessionId: "s1",
  distinctId: null,
  windows: Object.entries(windows).map(([windowId, events]) => ({ windowId, events })),
  posthogEvents: [],
});

/** PostHog's segmentation written the obvious way, used as the oracle. */
function referenceActiveMs(events: RrwebEvent[]): number {
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const active = (e: RrwebEvent) =>
    e.type === 3 && [1, 2, 3, 4, 5, 6, 7, 12].includes((e.data as { source: number }).source);
  type Seg = { start: number; end: number; isActive: boolean; lastActive: number };
  const segments: Seg[] = [];
  let current: Seg | null = null;
  for (const e of sorted) {
    const isActive = active(e);
    if (
      !current ||
      (isActive && !current.isActive) ||
      (current.isActive && current.lastActive + 5000 < e.timestamp)
    ) {
      current = { start: e.timestamp, end: e.timestamp, isActive, lastActive: isActive ? e.timestamp : 0 };
      segments.push(current);
    } else {
      current.end = e.timestamp;
      if (isActive) current.lastActive = e.timestamp;
    }
  }
  return segments.filter((s) => s.isActive).reduce((sum, s) => sum + Math.max(1, s.end - s.start), 0);
}

describe("computeMetadata", () => {
  it("counts with PostHog's definitions", () => {
    const m = computeMetadata(
      rec({
        w1: [
          ev(4, 0, { href: " https://app.test/a ", width: 1, height: 1 }),
          click(100),
          click(200, 4),
          click(300, 3),
          click(400, 9),
          click(450, 1),
          move(500),
          input(600),
          input(700),
          consoleEvent(800, "log"),
          consoleEvent(810, "info"),
          consoleEvent(820, "warn"),
          consoleEvent(830, "countReset"),
          consoleEvent(840, "error"),
          consoleEvent(850, "assert"),
          ev(5, 900, { tag: "$pageview", payload: { href: "https://app.test/b" } }),
        ],
        w2: [ev(4, -50, { href: "https://app.test/zero", width: 1, height: 1 })],
      }),
    );
    expect(m).toMatchObject({
      id: "s1",
      clickCount: 4,
      keypressCount: 2,
      mouseActivityCount: 6,
      consoleLogCount: 2,
      consoleWarnCount: 2,
      consoleErrorCount: 2,
      firstUrl: "https://app.test/zero",
      urls: ["https://app.test/zero", "https://app.test/a", "https://app.test/b"],
      eventCount: 17,
      windowIds: ["w1", "w2"],
      startTime: new Date(T0 - 50).toISOString(),
      endTime: new Date(T0 + 900).toISOString(),
      durationMs: 950,
    });
    expect(m.sizeBytes).toBeGreaterThan(17 * 30);
  });

  it("applies the 5 s inactivity rule", () => {
    // Active 0..3000 plus a trailing mutation at 7000 (within 5 s of the last click), then idle, then 20000..20000.
    const events = [click(0), click(3000), mutation(7000), mutation(12_000), click(20_000)];
    expect(computeMetadata(rec({ w: events })).activeMs).toBe(7000 + 1);
    expect(referenceActiveMs(events)).toBe(7001);
  });

  it("matches the reference segmentation on random sessions, in any input order", () => {
    const eventArb = fc.tuple(
      fc.integer({ min: 0, max: 60_000 }),
      fc.constantFrom("click", "move", "mutation", "input", "meta"),
    );
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 80 }),
        fc.integer({ min: 1, max: 10 }),
        (specs, batches) => {
          const events = specs.map(([t, kind]) =>
            kind === "click"
              ? click(t)
              : kind === "move"
                ? move(t)
                : kind === "input"
                  ? input(t)
                  : kind === "mutation"
                    ? mutation(t)
                    : ev(4, t, { href: "u", width: 1, height: 1 }),
          );
          const expected = referenceActiveMs(events);
          expect(computeMetadata(rec({ w: events })).activeMs).toBe(expected);
          // Incremental: time-ordered batches, state serialised to JSON between each.
          const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
          let acc = new MetadataAccumulator("s1");
          const size = Math.ceil(sorted.length / batches) || 1;
          for (let i = 0; i < Math.max(1, sorted.length); i += size) {
            acc.addEvents("w", sorted.slice(i, i + size));
            acc = new MetadataAccumulator("s1", JSON.parse(JSON.stringify(acc.toJSON())));
          }
          expect(acc.metadata()).toEqual(computeMetadata(rec({ w: sorted })));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("uses PostHog events for distinct id, $pageview URLs and an empty recording's time range", () => {
    const acc = new MetadataAccumulator("s9");
    acc.addPosthogEvent({
      event: "$pageview",
      properties: { $current_url: "https://app.test/p", distinct_id: "d1" },
      timestamp: "2024-01-01T00:00:00.000Z",
    });
    acc.addPosthogEvent({
      event: "$autocapture",
      properties: { $current_url: "https://app.test/ignored" },
      timestamp: "2024-01-01T00:00:05.000Z",
    });
    const m = acc.metadata();
    expect(m).toMatchObject({
      distinctId: "d1",
      firstUrl: "https://app.test/p",
      urls: ["https://app.test/p"],
      durationMs: 5000,
      eventCount: 0,
    });
  });

  it("keeps at most 25 URLs of at most 4 KB", () => {
    const events = Array.from({ length: 40 }, (_, i) =>
      ev(4, i, { href: `https://app.test/${i}/${"x".repeat(5000)}`, width: 1, height: 1 }),
    );
    const m = computeMetadata(rec({ w: events }));
    expect(m.urls).toHaveLength(25);
    expect(m.urls.every((u) => u.length === 4096)).toBe(true);
  });

  it("rejects state from an unknown version", () => {
    const state = { ...new MetadataAccumulator("s").toJSON(), version: 2 };
    try {
      new MetadataAccumulator("s", state as never);
      expect.unreachable();
    } catch (error) {
      expect((error as CodecError).code).toBe("UNKNOWN_VERSION");
    }
  });
});
