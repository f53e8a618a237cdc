import { describe, expect, it } from "vitest";
import { parseDuration, parseTimePoint, recordingSpan } from "./time.js";

describe("parseDuration", () => {
  it.each([
    ["7d", 7 * 86_400_000],
    ["12h", 12 * 3_600_000],
    ["30m", 1_800_000],
    ["45s", 45_000],
    ["500ms", 500],
    ["2w", 14 * 86_400_000],
    ["1.5h", 5_400_000],
  ])("%s", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "7", "d", "-1d", "0d", "7 days", "1e3d"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

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

describe("recordingSpan", () => {
  const ev = (timestamp: number) => ({ type: 3, timestamp, data: {} }) as never;
  it("spans every window", () => {
    expect(
      recordingSpan({
        windows: [
          { windowId: "a", events: [ev(20), ev(50)] },
          { windowId: "b", events: [ev(10), ev(30)] },
        ],
      }),
    ).toEqual({ start: 10, end: 50 });
  });
  it("is null without events", () => {
    expect(recordingSpan({ windows: [{ windowId: "a", events: [] }] })).toBeNull();
  });
});
