import type { CaptureEvent, RrwebEvent, SessionMetadata } from "@replay-devkit/codec";
import type { ScanReport } from "@replay-devkit/privacy";

// What the JSON API answers, route by route. Types only: they describe the bytes on the wire, so a
// client that reads them still checks them at run time.

/** `GET /health`. */
export interface HealthResponse {
  ok: true;
  name: "replay-devkit";
  version: string;
  /** Unreadable `$snapshot` events dropped since the server started. */
  rejectedEvents: number;
}

/** A recording as the API lists and returns it (`GET /api/recordings/:id`): metadata plus storage facts. */
export interface RecordingSummary extends SessionMetadata {
  /** `capture` (posthog-js), `rrweb` (plain rrweb ingest) or the imported file's format. */
  source: string;
  createdAt: string;
  updatedAt: string;
}

/** `GET /api/recordings`. */
export interface RecordingListResponse {
  recordings: RecordingSummary[];
  /** Matching recordings over all pages. */
  total: number;
  limit: number;
  offset: number;
}

/** One rrweb event (always unpacked) and the window it belongs to. */
export interface WindowEvent {
  windowId: string;
  event: RrwebEvent;
}

/** `GET /api/recordings/:id/events`; each line of `/events.ndjson` is one {@link WindowEvent}. */
export interface EventsPageResponse {
  events: WindowEvent[];
  /** Cursor for `after=`, null on the last page. */
  next: string | null;
}

/** One asset URL of a recording: `pinned` to a copy, `missing` with a reason code, or still `pending`. */
export interface RecordingAssetJson {
  url: string;
  status: "pending" | "pinned" | "missing";
  sha256: string | null;
  contentType: string | null;
  bytes: number | null;
  /** A reason code (`other-origin`, `too-large`, `wrong-type`, …), then `: ` and details. */
  reason: string | null;
  /** Epoch ms when the URL first appeared. */
  firstSeen: number;
}

/** `GET /api/recordings/:id/assets`. */
export interface RecordingAssetsResponse {
  assets: RecordingAssetJson[];
  counts: { pinned: number; missing: number; pending: number };
  /** Bytes of the distinct pinned copies. */
  pinnedBytes: number;
}

/** `GET /api/recordings/:id/posthog-events`, in time order. */
export interface PosthogEventsResponse {
  events: CaptureEvent[];
}

export interface AppLogLineJson {
  seq: number;
  timestamp: number;
  /** Milliseconds since the recording's first event; negative in the leading margin. */
  offsetMs: number | null;
  stream: "stdout" | "stderr" | "devkit";
  text: string;
}

/** `GET /api/recordings/:id/logs`. */
export interface LogsResponse {
  lines: AppLogLineJson[];
  next: string | null;
  /** The time range read (epoch ms), margin included. */
  from: number;
  to: number;
}

/** `GET /api/recordings/:id/findings`: the privacy scan of the stored recording. */
export type FindingsResponse = ScanReport;

/** `POST /api/import`. */
export interface ImportResponse {
  imported: string[];
  format: string;
  formatVersion: string | null;
}

/** `POST /api/rrweb[/:sessionId]`. */
export interface RrwebIngestResponse {
  status: 1;
  sessionId: string;
  windowId: string;
  stored: number;
  duplicate: boolean;
}

/** `DELETE /api/recordings/:id`. */
export interface DeleteResponse {
  deleted: string;
}

/** `GET /api/stream`: server-sent events named by `type`, data `{id, recording}`. */
export type StreamMessage =
  | { type: "created" | "updated"; id: string; recording: RecordingSummary }
  | { type: "deleted"; id: string; recording: null };

export const STREAM_EVENTS = ["created", "updated", "deleted"] as const;
