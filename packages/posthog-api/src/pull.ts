import { readRecordingFile, type Recording } from "@replay-devkit/codec";
import type { PosthogClient } from "./client.js";
import { PosthogApiError } from "./errors.js";
import { fetchSessionEvents } from "./events.js";
import { getRecording, type PosthogRecording } from "./recordings.js";
import {
  fetchBlobV2,
  fetchBlobV2Lts,
  listSources,
  type BlockEncoding,
  type BlockProgress,
  type FetchedBody,
} from "./snapshots.js";

export interface PullOptions {
  /** How blocks travel (default `snappy`: `decompress=false`). */
  encoding?: BlockEncoding;
  /** Keep the PostHog person (name, email, properties): personal data, so only when asked. */
  includePerson?: boolean;
  /** Also fetch the session's analytics events (default true; skipped when the key may not query). */
  events?: boolean;
  onStep?: (step: PullStep) => void;
}

export type PullStep =
  | { step: "metadata" }
  | { step: "sources"; blocks: number; lts: boolean }
  | ({ step: "blocks" } & BlockProgress)
  | { step: "events"; count: number | null; skipped?: string }
  | { step: "decode"; bytes: number };

export interface PulledRecording {
  /** Unpacked, ready to store: windows, the session's events, distinct id (and person when asked). */
  recording: Recording;
  /** PostHog's recording object as it came (person removed unless asked for). */
  metadata: PosthogRecording;
  /** The snapshot bytes as PostHog sent them (`cv` events still packed inside). */
  body: FetchedBody;
  /** Why the analytics events are missing, when they are. */
  eventsSkipped: string | null;
}

/**
 * Fetches one recording completely into memory: metadata, snapshot sources, every block, the
 * session's events. Nothing is stored here; a caller stores the result in one transaction only after
 * every step succeeded, so a failure anywhere (a 410 from a block request included) stores nothing.
 */
export async function pullRecording(
  client: PosthogClient,
  sessionId: string,
  opts: PullOptions = {},
): Promise<PulledRecording> {
  const encoding = opts.encoding ?? "snappy";
  opts.onStep?.({ step: "metadata" });
  const metadata = await getRecording(client, sessionId);
  const sources = await listSources(client, sessionId);
  const lts = sources.find((s) => s.source === "blob_v2_lts" && s.blob_key);
  const blocks = sources.filter((s) => s.source === "blob_v2").length;
  opts.onStep?.({ step: "sources", blocks: lts ? 1 : blocks, lts: lts !== undefined });
  let body: FetchedBody;
  if (lts?.blob_key) {
    body = await fetchBlobV2Lts(client, sessionId, lts.blob_key);
    opts.onStep?.({ step: "blocks", done: 1, total: 1, bytes: body.bytes.length });
  } else if (blocks > 0) {
    body = await fetchBlobV2(client, sessionId, blocks, encoding, (p) =>
      opts.onStep?.({ step: "blocks", ...p }),
    );
  } else {
    throw new PosthogApiError("NOT_FOUND", `PostHog lists no snapshot data for recording ${sessionId}`, {
      status: 404,
    });
  }

  let eventsSkipped: string | null = null;
  let posthogEvents: Recording["posthogEvents"] = [];
  if (opts.events !== false) {
    const result = await fetchSessionEvents(client, sessionId);
    if (result.status === "ok") posthogEvents = result.events;
    else eventsSkipped = result.reason;
    opts.onStep?.({
      step: "events",
      count: result.status === "ok" ? result.events.length : null,
      ...(eventsSkipped !== null ? { skipped: eventsSkipped } : {}),
    });
  }

  opts.onStep?.({ step: "decode", bytes: body.bytes.length });
  const read = await readRecordingFile(body.bytes, { sessionId });
  const recording = read.recordings[0];
  if (!recording || read.recordings.length !== 1) {
    throw new PosthogApiError("INVALID_RESPONSE", `the snapshot data of ${sessionId} holds no recording`);
  }
  recording.sessionId = sessionId;
  recording.distinctId =
    typeof metadata.distinct_id === "string" ? metadata.distinct_id : recording.distinctId;
  recording.posthogEvents = posthogEvents;
  const kept: PosthogRecording = { ...metadata };
  if (opts.includePerson && metadata.person) recording.person = metadata.person;
  else delete kept.person;
  return { recording, metadata: kept, body, eventsSkipped };
}
