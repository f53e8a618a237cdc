import type { CaptureEvent, Recording, RrwebEvent, SnapshotBatch } from "@replay-devkit/codec";
import type { AppendAppLogsResult, AppLogLimits, AppLogLine, AppLogPage, AppLogQuery } from "./app-logs.js";
import type { AssetStore } from "./assets.js";
import type { StoreError } from "./errors.js";
import type { WindowEvent } from "./merge.js";
import type {
  CaptureRequest,
  ChangeListener,
  CompactResult,
  ImportOptions,
  ImportResult,
  IngestResult,
  IterateOptions,
  RecordingFilter,
  RecordingSummary,
} from "./types.js";

// The storage seam: one asynchronous interface over every driver (SQLite file, PostgreSQL,
// PostgreSQL + S3 bucket), so the server is the same code on a laptop and on a team server.
// See packages/store/README.md and docs/decisions/0005-storage-seam.md.

/**
 * How to open a store, as plain JSON: the server hands it to export workers (other threads or
 * processes), which open their own connection from it. Never holds a secret beyond what the URL
 * carries; S3 credentials always come from the standard AWS_* environment variables.
 */
export type StoreDescriptor =
  | { driver: "sqlite"; path: string }
  | {
      driver: "postgres";
      /** `postgres://user[:password]@host:port/database`. */
      url: string;
      /** `s3://BUCKET/PREFIX`: event blocks go to that bucket (the bucket must exist). Omitted: blocks stay in PostgreSQL. */
      blobStore?: string;
    };

export interface OpenOptions {
  /** Open without writing (export workers). SQLite: a read-only connection; PostgreSQL: writes throw READ_ONLY. */
  readonly?: boolean;
  /** How often the SQLite driver looks for other processes' writes (default 1000 ms). */
  pollIntervalMs?: number;
  appLogs?: Partial<AppLogLimits>;
  /** Clock, for tests. */
  now?: () => number;
  /** PostgreSQL connections in the pool (default 10). */
  poolSize?: number;
  /** Environment for S3 settings (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Where event blocks live. Keys are `/`-separated paths; the same bytes wherever they are stored. */
export interface BlockStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Bytes `start` (inclusive) to `end` (exclusive). NOT_FOUND (StoreError) when the key is gone. */
  getRange(key: string, start: number, end: number): Promise<Uint8Array>;
  list(prefix: string): AsyncIterable<string>;
  /** Deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
}

/**
 * Everything the server needs from storage, identical across drivers (one contract suite,
 * packages/store/test/contract/, runs against each). Every method may throw StoreError.
 */
export interface RecordingStore {
  readonly descriptor: StoreDescriptor;
  /** Stores codec's splitCaptureEvents output; resolves once durable. Retries are deduplicated across processes. */
  ingestSnapshots(batches: readonly SnapshotBatch[], others?: readonly CaptureEvent[]): Promise<IngestResult>;
  /** Several capture requests; a StoreError in place of one that failed, the others stored regardless. */
  ingestSnapshotsMany(requests: readonly CaptureRequest[]): Promise<(IngestResult | StoreError)[]>;
  ingestRrweb(
    sessionId: string,
    windowId: string,
    events: readonly RrwebEvent[],
    opts?: { distinctId?: string | null; batchId?: string },
  ): Promise<IngestResult>;
  importRecording(rec: Recording, opts: ImportOptions): Promise<ImportResult>;
  listRecordings(filter?: RecordingFilter): Promise<{ recordings: RecordingSummary[]; total: number }>;
  getRecording(id: string): Promise<RecordingSummary | null>;
  windowIds(id: string): Promise<string[]>;
  /** Events in timestamp order (ties in arrival order), one block in memory at a time. NOT_FOUND on first next(). */
  iterateEvents(id: string, opts?: IterateOptions): AsyncIterableIterator<WindowEvent>;
  posthogEvents(id: string): Promise<CaptureEvent[]>;
  loadRecording(id: string): Promise<Recording>;
  deleteRecording(id: string): Promise<boolean>;
  pruneOlderThan(date: Date): Promise<number>;
  compact(id: string): Promise<CompactResult>;
  /** Compacts idle recordings. With several processes on one database only one runs it at a time; the others return []. */
  compactIdle(idleMs: number): Promise<string[]>;
  /** Created/updated/deleted recordings from every process on the same storage. Returns unsubscribe. */
  onChange(listener: ChangeListener): () => void;
  appendAppLogs(lines: readonly AppLogLine[]): Promise<AppendAppLogsResult>;
  appLogs(query?: AppLogQuery): Promise<AppLogPage>;
  /** Pinned asset copies (bytes in this driver's block store, by sha256) and each recording's asset URLs. */
  readonly assets: AssetStore;
  /** Flushes what is pending (S3: blocks still in PostgreSQL go to the bucket), then closes. */
  close(): Promise<void>;
}
