import type { ExportFormat } from "./formats.js";
import type { RecordingSort } from "./sort.js";

// Query parameters of the JSON API, as a client sets them. Numbers and booleans travel as text
// (`hasErrors=true`, `limit=50`); times as ISO strings or epoch milliseconds.

/** `GET /api/recordings`. */
export interface ListRecordingsQuery {
  /** Substring of any visited URL. */
  url?: string;
  distinctId?: string;
  hasErrors?: boolean;
  minDurationMs?: number;
  /** Started at or after (ISO time or epoch ms). */
  from?: string | number;
  /** Started at or before (ISO time or epoch ms). */
  to?: string | number;
  /** 1 to 1000, default 100. */
  limit?: number;
  offset?: number;
  sort?: RecordingSort;
}

/** `GET /api/recordings/:id/events` and `/events.ndjson`. */
export interface EventsQuery {
  /** Only this window's events. */
  window?: string;
  /** The previous page's `next` cursor. */
  after?: string;
  /** 1 to 10000, default 1000 (`/events` only). */
  limit?: number;
}

/** `GET /api/recordings/:id/logs`. */
export interface LogsQuery {
  /** Milliseconds either side of the recording (default 5000, at most 600000). */
  margin?: number;
  /** 1 to 5000, default 1000. */
  limit?: number;
  after?: string;
}

/** `GET /api/recordings/:id/export`. */
export interface ExportQuery {
  /** Default `posthog`. */
  format?: ExportFormat;
  /** `false` exports raw values; scrubbed otherwise. */
  scrub?: boolean;
  /** rrweb: the window to export (default the first). */
  window?: string;
}

/** `POST /api/import`. */
export interface ImportQuery {
  /** Names a recording whose format carries no id (bare rrweb arrays). */
  sessionId?: string;
}

/** `POST /api/rrweb/:sessionId`. */
export interface RrwebIngestQuery {
  window?: string;
  distinctId?: string;
}
