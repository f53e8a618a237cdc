import { readFileSync } from "node:fs";
import { join } from "node:path";
import { capturedBody, capturedRequests, PUBLIC_FIXTURES } from "@replay-devkit/test-utils";
import {
  decodeCaptureBody,
  groupRecordings,
  splitCaptureEvents,
  type CaptureEvent,
  type Recording,
  type SnapshotBatch,
} from "../src/index.js";

/** The recording of one real posthog-js run, decoded from its raw capture bodies. */
export function captureRecording(run: "A" | "B"): Recording {
  const snapshots: SnapshotBatch[] = [];
  const others: CaptureEvent[] = [];
  for (const request of capturedRequests()) {
    if (request.run !== run || request.method !== "POST" || request.kind === "flags" || !request.body_file)
      continue;
    const split = splitCaptureEvents(
      decodeCaptureBody(capturedBody(request)!, { contentType: request.content_type }).events,
    );
    snapshots.push(...split.snapshots);
    others.push(...split.others);
  }
  const [recording] = groupRecordings(snapshots, others);
  if (!recording) throw new Error(`run ${run} has no recording`);
  return recording;
}

export function publicFixture(name: string): Uint8Array {
  return readFileSync(join(PUBLIC_FIXTURES, name));
}

export const utf8 = (text: string) => new TextEncoder().encode(text);
