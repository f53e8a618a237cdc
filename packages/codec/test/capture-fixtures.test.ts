import { capturedBody, capturedRequests, capturedRrwebEvents } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import {
  decodeCaptureBody,
  groupRecordings,
  splitCaptureEvents,
  type CaptureEvent,
  type SnapshotBatch,
} from "../src/index.js";

// Every POST body the real posthog-js 1.449.2 sent in two browser runs (shared/fixtures/posthog-js-capture).
const captureRequests = capturedRequests().filter(
  (r) => r.method === "POST" && r.kind !== "flags" && r.body_file,
);
const expected = capturedRrwebEvents();

function decode(run: "A" | "B") {
  const snapshots: SnapshotBatch[] = [];
  const others: CaptureEvent[] = [];
  for (const request of captureRequests.filter((r) => r.run === run)) {
    const decoded = decodeCaptureBody(capturedBody(request)!, { contentType: request.content_type });
    const split = splitCaptureEvents(decoded.events);
    snapshots.push(...split.snapshots);
    others.push(...split.others);
  }
  return { snapshots, others };
}

describe("real posthog-js 1.449.2 capture bodies", () => {
  it("has the fixture bodies this test relies on", () => {
    expect(captureRequests.length).toBeGreaterThan(30);
    expect(expected.length).toBe(312);
  });

  for (const request of captureRequests) {
    it(`decodes ${request.run} #${request.seq} ${request.path} to exactly the recorded rrweb events`, () => {
      const body = capturedBody(request)!;
      const decoded = decodeCaptureBody(body, { contentType: request.content_type });
      expect(decoded.encoding).toBe("gzip");
      expect(decoded.events.length).toBeGreaterThan(0);
      const { snapshots, others } = splitCaptureEvents(decoded.events);
      const want = expected.filter((e) => e.run === request.run && e.req_seq === request.seq);
      if (request.kind === "recording") {
        expect(decoded.shape).toBe("array");
        expect(others).toEqual([]);
        const got = snapshots.flatMap((batch) =>
          batch.events.map((event, index) => ({
            index,
            event,
            sessionId: batch.sessionId,
            windowId: batch.windowId,
          })),
        );
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => {
          const w = want[i]!;
          expect(g.index).toBe(w.index);
          expect(g.sessionId).toBe(w.session_id);
          expect(g.windowId).toBe(w.window_id);
          // The fixture keeps the `cv` marker next to the expanded fields; our model drops it.
          const { cv: _cv, ...wantEvent } = w.event;
          expect(g.event).toEqual(wantEvent);
          expect("cv" in g.event).toBe(false);
        });
      } else {
        expect(decoded.shape).toBe("batch");
        expect(decoded.apiKey).toBe("phc_test");
        expect(decoded.sentAt).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(snapshots).toEqual([]);
        expect(want).toEqual([]);
        for (const event of others) expect(event.timestamp ?? event.offset).toBeDefined();
      }
    });
  }

  it("groups a run into one recording whose events are the recorded ones, in time order", () => {
    for (const run of ["A", "B"] as const) {
      const { snapshots, others } = decode(run);
      const recordings = groupRecordings(snapshots, others);
      expect(recordings).toHaveLength(1);
      const rec = recordings[0]!;
      const want = expected.filter((e) => e.run === run);
      expect(rec.sessionId).toBe(want[0]!.session_id);
      expect(rec.windows.map((w) => w.windowId)).toEqual([want[0]!.window_id]);
      const events = rec.windows[0]!.events;
      expect(events.length).toBe(want.length);
      for (let i = 1; i < events.length; i++)
        expect(events[i]!.timestamp).toBeGreaterThanOrEqual(events[i - 1]!.timestamp);
      expect(rec.posthogEvents.some((e) => e.event === "$pageview")).toBe(true);
      expect(rec.distinctId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
