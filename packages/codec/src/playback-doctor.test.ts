import { describe, expect, it } from "vitest";
import { PlaybackDoctor, doctorRecording, formatRepairs } from "./playback-doctor.js";
import type { CaptureEvent, RrwebEvent } from "./types.js";

const meta = (t: number, href: string): RrwebEvent =>
  ({ type: 4, timestamp: t, data: { href, width: 1280, height: 720 } }) as RrwebEvent;
const full = (t: number): RrwebEvent =>
  ({
    type: 2,
    timestamp: t,
    data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } },
  }) as RrwebEvent;
const move = (t: number, x = 1): RrwebEvent =>
  ({
    type: 3,
    timestamp: t,
    data: { source: 1, positions: [{ x, y: 1, id: 1, timeOffset: 0 }] },
  }) as RrwebEvent;
const pageviewCustom = (t: number, href: string): RrwebEvent =>
  ({ type: 5, timestamp: t, data: { tag: "$pageview", payload: { href } } }) as RrwebEvent;

describe("PlaybackDoctor", () => {
  it("gives a FullSnapshot without a Meta one with the last size and the page's URL", () => {
    const doctor = new PlaybackDoctor();
    const page1 = doctor.repair("w", [meta(1000, "https://a.test/"), full(1000), move(1500)]);
    expect(page1).toHaveLength(3);
    // Page two comes in a later batch, its $pageview custom event just after the snapshot.
    const page2 = doctor.repair("w", [full(5000), pageviewCustom(5003, "https://a.test/two"), move(5100)]);
    expect(page2[0]).toEqual({
      type: 4,
      timestamp: 5000,
      data: { href: "https://a.test/two", width: 1280, height: 720 },
    });
    expect(page2.slice(1)).toEqual([full(5000), pageviewCustom(5003, "https://a.test/two"), move(5100)]);
    expect(doctor.repairs).toEqual([
      expect.objectContaining({ code: "synthesized-meta", windowId: "w", count: 1, timestamp: 5000 }),
    ]);
  });

  it("takes the URL from PostHog $pageview events, and keeps state between batches through toJSON", () => {
    const first = new PlaybackDoctor();
    first.repair("w", [meta(1000, "https://a.test/"), full(1000)]);
    const second = new PlaybackDoctor(JSON.parse(JSON.stringify(first.toJSON())));
    second.noteCaptureEvents([
      {
        event: "$pageview",
        timestamp: new Date(4990).toISOString(),
        properties: { $current_url: "https://a.test/b" },
      } as CaptureEvent,
    ]);
    const [synth] = second.repair("w", [full(5000)]);
    expect(synth).toMatchObject({ type: 4, data: { href: "https://a.test/b", width: 1280 } });
    expect(second.takeFresh().map((r) => r.code)).toEqual(["synthesized-meta"]);
    expect(second.takeFresh()).toEqual([]);
  });

  it("keeps a resent batch whole when duplicates count only within one call (live capture retries)", () => {
    const doctor = new PlaybackDoctor(undefined, { duplicatesAcrossCalls: false });
    const batch = [meta(1000, "https://a.test/"), full(1000), move(1100)];
    expect(doctor.repair("w", batch)).toHaveLength(3);
    expect(doctor.repair("w", [move(1200), move(1200)])).toEqual([move(1200)]);
    // The server failed the first request; posthog-js sends it again and every event must be kept.
    expect(doctor.repair("w", [move(1100)])).toEqual([move(1100)]);
  });

  it("names incrementals before any FullSnapshot, out-of-order and duplicate events, and a Meta it cannot make", () => {
    const { recording, repairs } = doctorRecording({
      sessionId: "s",
      distinctId: null,
      posthogEvents: [],
      windows: [
        { windowId: "w", events: [move(900), full(1000), move(1200, 2), move(1200, 2), move(1100, 3)] },
      ],
    });
    expect(recording.windows[0]?.events).toEqual([move(900), full(1000), move(1200, 2), move(1100, 3)]);
    expect(repairs.map((r) => [r.code, r.count])).toEqual([
      ["incremental-before-snapshot", 1],
      ["missing-meta", 1],
      ["duplicate", 1],
      ["out-of-order", 1],
    ]);
    expect(formatRepairs(repairs)[2]).toMatch(
      /^duplicate x1 in window w \(first at 1970-01-01T00:00:01.200Z\): /,
    );
  });
});
