import { describe, expect, it } from "vitest";
import type { Recording, RrwebEvent } from "@replay-devkit/codec";
import { parseTimePoint, trimRecording } from "./trim.js";

const ev = (type: number, timestamp: number): RrwebEvent =>
  ({ type, timestamp, data: {} }) as unknown as RrwebEvent;

describe("parseTimePoint", () => {
  it.each([
    ["90s", 1000 + 90_000],
    ["1m30s", 1000 + 90_000],
    ["01:30", 1000 + 90_000],
    ["1:02:03", 1000 + 3_723_000],
    ["1500ms", 2500],
  ])("%s", (text, at) => expect(parseTimePoint(text, 1000)).toBe(at));
  it("reads ISO times as absolute", () => {
    expect(parseTimePoint("2026-01-01T00:00:00Z", 5)).toBe(Date.parse("2026-01-01T00:00:00Z"));
  });
  it.each(["", "soon", "1x", "m"])("rejects %j", (text) => expect(parseTimePoint(text, 0)).toBeNull());
});

describe("trimRecording", () => {
  const rec: Recording = {
    sessionId: "s",
    distinctId: "d",
    windows: [
      {
        windowId: "w",
        events: [ev(4, 0), ev(2, 1), ev(3, 5), ev(4, 10), ev(2, 11), ev(3, 15), ev(3, 25), ev(3, 40)],
      },
    ],
    posthogEvents: [
      { event: "early", properties: {}, timestamp: new Date(2).toISOString() },
      { event: "inside", properties: {}, timestamp: new Date(20).toISOString() },
      { event: "late", properties: {}, timestamp: new Date(50).toISOString() },
    ],
  };

  it("starts each window at the last full snapshot before --from and stops at --to", () => {
    const out = trimRecording(rec, 20, 30);
    expect(out.windows[0]?.events.map((e) => e.timestamp)).toEqual([10, 11, 15, 25]);
    expect(out.posthogEvents.map((e) => e.event)).toEqual(["inside"]);
    expect(out.metadata).toBeUndefined();
  });

  it("drops windows without a full snapshot", () => {
    const noSnapshot: Recording = { ...rec, windows: [{ windowId: "x", events: [ev(3, 1), ev(3, 2)] }] };
    expect(trimRecording(noSnapshot, 1, 2).windows).toEqual([]);
  });
});
