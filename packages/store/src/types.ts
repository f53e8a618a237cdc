import type { CaptureEvent, Recording, RrwebEvent, SnapshotBatch } from "@replay-devkit/codec";
import type { AppendAppLogsResult, AppLogLimits, AppLogLine, AppLogPage, AppLogQuery } from "./app-logs.js";
import type { StoreError } from "./errors.js";
import type { WindowEvent } from "./merge.js";
import type { Migration } from "./schema.js";
import type { SqliteAssetTable } from "./assets.js";

// The store's public types: what callers pass and get back. The SQLite implementation is split by job
// into ingest.ts, queries.ts, streams.ts, compaction.ts and change-feed.ts, wired together in store.ts.

export interface StoreOptions {
  /** How long a write waits for another process holding the lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /** How often `onChange` listeners look for writes made by other processes (default 1000 ms). */
  pollIntervalMs?: number;
  /** Open without writing: no migrations, every write throws. */
  readonly?: boolean;
  /** Bounds on the app log (lines per minute, rows, age, line length); see DEFAULT_APP_LOG_LIMITS. */
  appLogs?: Partial<AppLogLimits>;
  /** Clock, for tests. */
  now?: () => number;
  /** @internal Replaces the migration list (tests of the migration runner). */
  migrations?: readonly Migration[];
}

// The JSON API's recording object and the sort names are the API contract's (@replay-devkit/api);
// the store stores the one and implements the others in SQL.
import {
  RECORDING_SORT_FIELDS,
  type RecordingSort,
  type RecordingSortField,
  type RecordingSummary,
} from "@replay-devkit/api";
export { RECORDING_SORT_FIELDS, type RecordingSort, type RecordingSortField, type RecordingSummary };

export interface RecordingFilter {
  /** Substring of any visited URL. */
  url?: string;
  distinctId?: string;
  /** Only recordings with (true) or without (false) console errors. */
  hasErrors?: boolean;
  minDurationMs?: number;
  /** Started at or after this time. */
  from?: Date;
  /** Started at or before this time. */
  to?: Date;
  limit?: number;
  offset?: number;
  sort?: RecordingSort;
}

export interface IngestResult {
  /** Session ids whose recordings were created or changed. */
  sessionIds: string[];
  /** Snapshot batches stored now. */
  batches: number;
  /** Snapshot batches already stored earlier (retries), ignored. */
  duplicates: number;
  /** rrweb events stored now. */
  events: number;
  /** Non-snapshot PostHog events stored now (retries are ignored). */
  posthogEvents: number;
}

export interface ImportResult {
  id: string;
  created: boolean;
  events: number;
  duplicates: number;
}

export interface ImportOptions {
  source: string;
  /**
   * Called after each stored chunk with the rrweb events handled so far (new or duplicate) and the
   * recording's total, so a caller can show progress while one large recording is written.
   */
  onProgress?: (handled: number, total: number) => void;
}

export interface IterateOptions {
  windowId?: string;
  /** Only events with a timestamp strictly greater than this. */
  afterTimestamp?: number;
  /** Start at this timestamp, skipping the first `skip` events that have it (a paging cursor). */
  startAt?: { timestamp: number; skip: number };
}

export interface CompactResult {
  chunksBefore: number;
  chunksAfter: number;
  bytesBefore: number;
  bytesAfter: number;
}

export type StoreChange =
  | { type: "created" | "updated"; id: string; recording: RecordingSummary }
  | { type: "deleted"; id: string; recording: null };

export type ChangeListener = (change: StoreChange) => void;

/** One capture request's worth of codec splitCaptureEvents output. */
export interface CaptureRequest {
  batches: readonly SnapshotBatch[];
  others?: readonly CaptureEvent[];
}

export interface Store {
  readonly path: string;
  /** Stores the output of codec's splitCaptureEvents in one transaction; returns after commit. */
  ingestSnapshots(batches: readonly SnapshotBatch[], others?: readonly CaptureEvent[]): IngestResult;
  /**
   * Group commit: stores several capture requests in one transaction, so concurrent posthog-js
   * flushes share one commit. Results come back in order, with a StoreError in place of a request
   * that could not be stored; the others are stored (and committed) regardless.
   */
  ingestSnapshotsMany(requests: readonly CaptureRequest[]): (IngestResult | StoreError)[];
  /** Stores plain rrweb events (already unpacked) for one session window. */
  ingestRrweb(
    sessionId: string,
    windowId: string,
    events: readonly RrwebEvent[],
    opts?: { distinctId?: string | null; batchId?: string },
  ): IngestResult;
  /** Stores a whole recording read from a file. Importing the same file again changes nothing. */
  importRecording(rec: Recording, opts: ImportOptions): ImportResult;
  listRecordings(filter?: RecordingFilter): { recordings: RecordingSummary[]; total: number };
  getRecording(id: string): RecordingSummary | null;
  windowIds(id: string): string[];
  /** Events in timestamp order (ties keep arrival order), decoded one stored chunk at a time. */
  iterateEvents(id: string, opts?: IterateOptions): Generator<WindowEvent>;
  posthogEvents(id: string): CaptureEvent[];
  /** The whole recording in memory; use iterateEvents for long recordings. Throws NOT_FOUND. */
  loadRecording(id: string): Recording;
  deleteRecording(id: string): boolean;
  /** Deletes recordings that ended before `date` (and unlinked PostHog events received before it). */
  pruneOlderThan(date: Date): number;
  /** Recompresses a recording's chunks into brotli blobs per window; events stay identical. */
  compact(id: string): CompactResult;
  /** Compacts recordings with no writes for `idleMs` that still have ingest chunks. Returns their ids. */
  compactIdle(idleMs: number): string[];
  /** Announces created/updated/deleted recordings, including writes by other processes. Returns unsubscribe. */
  onChange(listener: ChangeListener): () => void;
  /**
   * Stores lines of the app's output (from `replay-devkit dev -- <command>`) in one transaction.
   * Callers batch: one call per flush, not per line. Lines over the per-minute cap are dropped
   * (with one `devkit` note per minute), long lines cut, and old rows deleted past the retention.
   */
  appendAppLogs(lines: readonly AppLogLine[]): AppendAppLogsResult;
  /** App log lines with `from <= timestamp <= to`, in time order, a page at a time. */
  appLogs(query?: AppLogQuery): AppLogPage;
  /** Pinned asset copies and each recording's asset URLs (assets.ts). */
  readonly assets: SqliteAssetTable;
  close(): void;
}

export type { WindowEvent } from "./merge.js";
