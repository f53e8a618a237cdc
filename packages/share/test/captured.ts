import {
  decodeCaptureBody,
  groupRecordings,
  splitCaptureEvents,
  type CaptureEvent,
  type Recording,
  type SnapshotBatch,
} from "@replay-devkit/codec";
import { capturedBody, capturedRequests } from "@replay-devkit/test-utils";

/**
 * Run A of the shared captures: what the real posthog-js 1.449.2 sent in Chromium, decoded the
 * way the server decodes it. Holds the scripted session's texts, a console error, two fetches,
 * a masked span, a `ph-no-capture` zone, a page load to /second.html and the custom
 * `harness_note_saved` event (shared/fixtures/posthog-js-capture/README.md).
 */
export function capturedSession(): Recording {
  const snapshots: SnapshotBatch[] = [];
  const others: CaptureEvent[] = [];
  for (const request of capturedRequests()) {
    if (
      request.run !== "A" ||
      request.method !== "POST" ||
      !["/s/", "/e/", "/i/v0/e/"].includes(request.path)
    )
      continue;
    const body = capturedBody(request);
    if (!body) continue;
    const decoded = decodeCaptureBody(new Uint8Array(body), {
      contentType: request.content_type ?? null,
      query: request.query,
    });
    const split = splitCaptureEvents(decoded.events);
    snapshots.push(...split.snapshots);
    others.push(...split.others);
  }
  const [recording] = groupRecordings(snapshots, others);
  if (!recording) throw new Error("the capture fixtures hold no recording");
  return recording;
}
