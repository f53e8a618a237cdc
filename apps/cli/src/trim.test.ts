import { describe, expect, it } from "vitest";
import type { Recording, RrwebEvent } from "@replay-devkit/codec";
import { trimRecording } from "./trim.js";

const ev = (type: number, timestamp: number): RrwebEvent =>
  ({ type, timestamp, data: {} }) as unknown as RrwebEvent;

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
