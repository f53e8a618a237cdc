import type { PlaybackRepair } from "./playback-doctor.js";
import type { eventWithTime } from "@rrweb/types";

export { EventType, IncrementalSource, MouseInteractions } from "@rrweb/types";
export type { eventWithTime } from "@rrweb/types";

/** An rrweb event. In our model always unpacked: no `cv` and no packed string fields. */
export type RrwebEvent = eventWithTime;

/** One analytics event as posthog-js sends it (`$snapshot`, `$pageview`, custom events, ...). */
export interface CaptureEvent {
  event: string;
  properties: Record<string, unknown>;
  uuid?: string;
  /** ISO time. Filled from `offset` by `decodeCaptureBody` when the SDK sent only an offset. */
  timestamp?: string;
  /** Milliseconds before the request was sent (posthog-js up to about 1.425). */
  offset?: number;
  distinct_id?: string;
  $set?: Record<string, unknown>;
  $set_once?: Record<string, unknown>;
}

export type CaptureEncoding = "gzip" | "gzip-js" | "base64" | "lz64" | "form" | "json";
export type CaptureShape = "batch" | "array" | "single";

export interface DecodedCapture {
  events: CaptureEvent[];
  apiKey?: string;
  sentAt?: string;
  encoding: CaptureEncoding;
  shape: CaptureShape;
}

/** The rrweb events of one `$snapshot` capture event, unpacked. */
export interface SnapshotBatch {
  sessionId: string;
  windowId: string;
  distinctId: string | null;
  uuid?: string;
  timestamp?: string;
  events: RrwebEvent[];
  /** What the playback doctor repaired in `events`; the store adds them to the recording's metadata. */
  repairs?: PlaybackRepair[];
}

export interface RecordingWindow {
  windowId: string;
  /** Sorted by timestamp (ties keep capture order). */
  events: RrwebEvent[];
}

export interface Recording {
  sessionId: string;
  distinctId: string | null;
  windows: RecordingWindow[];
  /** Non-`$snapshot` PostHog events linked to the session (`$pageview`, custom events, ...). */
  posthogEvents: CaptureEvent[];
  metadata?: SessionMetadata;
  /** The PostHog person object, when the source (a PostHog export) carried one. */
  person?: Record<string, unknown> | null;
}

/** Session metadata with PostHog's semantics (POSTHOG-PROTOCOL.md §3c). This is the JSON API's recording object. */
export interface SessionMetadata {
  id: string;
  distinctId: string | null;
  startTime: string;
  endTime: string;
  durationMs: number;
  activeMs: number;
  clickCount: number;
  keypressCount: number;
  mouseActivityCount: number;
  consoleLogCount: number;
  consoleWarnCount: number;
  consoleErrorCount: number;
  firstUrl: string | null;
  urls: string[];
  eventCount: number;
  sizeBytes: number;
  windowIds: string[];
  /** What the playback doctor repaired on ingest or import; absent when nothing needed it. */
  repairs?: PlaybackRepair[];
}

export type RecordingFormat = "posthog-export" | "blob-v2" | "rrweb-json" | "bundle" | "fixture";

/** One entry of a redaction log: what a privacy rule changed, where. */
export interface RedactionEntry {
  rule: string;
  location: string;
  field: string;
  action: "removed" | "replaced" | "masked";
  count?: number;
}

export interface ReadResult {
  format: RecordingFormat;
  formatVersion: string | null;
  recordings: Recording[];
  redactions: RedactionEntry[];
  producer?: string;
}

export interface ConsoleEntry {
  windowId: string;
  timestamp: number;
  level: "log" | "info" | "warn" | "error" | "debug" | (string & {});
  payload: string[];
  trace: string[];
}

export interface NetworkEntry {
  windowId: string;
  timestamp: number;
  url: string;
  method: string;
  status: number | null;
  initiatorType: string | null;
  startTime: number | null;
  durationMs: number | null;
  transferSize: number | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody: string | null;
  responseBody: string | null;
  isInitial: boolean;
}
