import {
  decodeCaptureBody,
  groupRecordings,
  type Recording,
  splitCaptureEvents,
  type CaptureEvent,
} from "@replay-devkit/codec";
import { capturedBody, capturedRequests } from "@replay-devkit/test-utils";

/**
 * The real posthog-js 1.449.2 capture (shared/fixtures/posthog-js-capture), decoded by the codec the
 * way the server does it: every `/s/`, `/e/` and `/i/v0/e/` body of one run, grouped into recordings.
 */
export function capturedRecording(run: "A" | "B"): Recording {
  const events: CaptureEvent[] = [];
  for (const request of capturedRequests()) {
    if (request.run !== run || !/^\/(s|e|i\/v0\/e)\/?$/.test(request.path)) continue;
    const body = capturedBody(request);
    if (!body) continue;
    events.push(...decodeCaptureBody(new Uint8Array(body)).events);
  }
  const { snapshots, others } = splitCaptureEvents(events);
  const recordings = groupRecordings(snapshots, others);
  if (recordings.length !== 1)
    throw new Error(`expected one session in run ${run}, got ${recordings.length}`);
  return recordings[0] as Recording;
}
