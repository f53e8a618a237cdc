import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  decodeCaptureBody,
  groupRecordings,
  splitCaptureEvents,
  type Recording,
  type RrwebEvent,
} from "@replay-devkit/codec";
import { capturedBody, capturedRequests, PUBLIC_FIXTURES } from "@replay-devkit/test-utils";

/** A public fixture file's bytes. */
export function publicFixture(name: string): Uint8Array {
  return readFileSync(join(PUBLIC_FIXTURES, name));
}

/** The session posthog-js 1.449.2 recorded in capture run A, decoded from the raw bodies by the codec. */
export function capturedRecording(run: "A" | "B" = "A"): Recording {
  const snapshots = [];
  const others = [];
  for (const request of capturedRequests()) {
    if (request.run !== run || request.method !== "POST") continue;
    if (!["/e/", "/i/v0/e/", "/s/", "/batch/"].includes(request.path)) continue;
    const body = capturedBody(request);
    if (!body) continue;
    const decoded = decodeCaptureBody(new Uint8Array(body), {
      contentType: request.content_type,
      query: request.query,
    });
    const split = splitCaptureEvents(decoded.events);
    snapshots.push(...split.snapshots);
    others.push(...split.others);
  }
  const [recording] = groupRecordings(snapshots, others);
  if (!recording) throw new Error(`capture run ${run} held no recording`);
  return recording;
}

/** Events of a `{"result": [...]}` rrweb-player example. */
export function playerExampleEvents(name: string): RrwebEvent[] {
  const doc = JSON.parse(new TextDecoder().decode(publicFixture(name))) as { result: RrwebEvent[] };
  return doc.result;
}

/** A two-window session: the same page recorded in two tabs, the second starting later. */
export function mergedTwoWindows(a: RrwebEvent[], b: RrwebEvent[], shiftMs: number): Recording {
  return {
    sessionId: "two-windows",
    distinctId: null,
    windows: [
      { windowId: "window-a", events: a },
      { windowId: "window-b", events: b.map((e) => ({ ...e, timestamp: e.timestamp + shiftMs })) },
    ],
    posthogEvents: [],
  };
}
