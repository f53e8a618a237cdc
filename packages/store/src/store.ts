import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import {
  MetadataAccumulator,
  type CaptureEvent,
  type MetadataState,
  type Recording,
  type RecordingWindow,
  type RrwebEvent,
  type SessionMetadata,
  type SnapshotBatch,
} from "@replay-devkit/codec";
import { decodeChunk, encodeChunk, sortEvents, type ChunkEncoding } from "./chunks.js";
import { fromSqliteError, StoreError } from "./errors.js";
import { ChunkVanished, mergeChunks, type ChunkRef, type StreamStart, type WindowEvent } from "./merge.js";
import { MIGRATIONS, migrate, type Migration } from "./schema.js";
import { SqliteStagedImport, type StagedImport } from "./staged-import.js";
import {
  AppLogTable,
  type AppendAppLogsResult,
  type AppLogLimits,
  type AppLogLine,
  type AppLogPage,
  type AppLogQuery,
} from "./app-logs.js";

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

/** The JSON API's recording object: PostHog-style metadata plus where it came from. */
export interface RecordingSummary extends SessionMetadata {
  /** `capture` (posthog-js), `rrweb` (plain rrweb ingest) or the imported file's format. */
  source: string;
  createdAt: string;
  updatedAt: string;
}

/** Fields of {@link RecordingSummary} the list can be ordered by, across all pages. */
export const RECORDING_SORT_FIELDS = [
  "startTime",
  "durationMs",
  "activeMs",
  "firstUrl",
  "distinctId",
  "clickCount",
  "keypressCount",
  "consoleErrorCount",
  "sizeBytes",
  "updatedAt",
] as const;

export type RecordingSortField = (typeof RECORDING_SORT_FIELDS)[number];

/**
 * The list's order: `<field>:asc` or `<field>:desc` for any {@link RecordingSortField}, or one of
 * the named orders (`newest` = `startTime:desc`, `oldest` = `startTime:asc`, `longest` =
 * `durationMs:desc`, `shortest` = `durationMs:asc`, `updated` = `updatedAt:desc`).
 */
export type RecordingSort =
  "newest" | "oldest" | "longest" | "shortest" | "updated" | `${RecordingSortField}:${"asc" | "desc"}`;

// SQL sort keys. Fields with their own column use it; the rest are read from the metadata JSON.
// Only start_ms is indexed: an index per field would be rewritten by every ingest batch, while an
// unindexed first page of 10,000 recordings takes tens of ms (bench/list.bench.mjs).
const SORT_KEYS: Record<RecordingSortField, string> = {
  startTime: "start_ms",
  durationMs: "duration_ms",
  activeMs: "json_extract(metadata, '$.activeMs')",
  firstUrl: "json_extract(metadata, '$.firstUrl') COLLATE NOCASE",
  distinctId: "distinct_id COLLATE NOCASE",
  clickCount: "json_extract(metadata, '$.clickCount')",
  keypressCount: "json_extract(metadata, '$.keypressCount')",
  consoleErrorCount: "console_error_count",
  sizeBytes: "json_extract(metadata, '$.sizeBytes')",
  updatedAt: "updated_at",
};

function orderByFor(field: RecordingSortField, direction: "ASC" | "DESC"): string {
  // Equal values list the newest recording first; the id makes the order total, so pages never
  // repeat or skip a row.
  const tieBreak = field === "startTime" || field === "updatedAt" ? "id" : "start_ms DESC, id";
  return `${SORT_KEYS[field]} ${direction}, ${tieBreak}`;
}

const NAMED_SORTS = {
  newest: "startTime:desc",
  oldest: "startTime:asc",
  longest: "durationMs:desc",
  shortest: "durationMs:asc",
  updated: "updatedAt:desc",
} as const satisfies Record<string, RecordingSort>;

/** Every value {@link RecordingFilter.sort} accepts, named orders first. */
export const RECORDING_SORTS: readonly RecordingSort[] = [
  ...(Object.keys(NAMED_SORTS) as (keyof typeof NAMED_SORTS)[]),
  ...RECORDING_SORT_FIELDS.flatMap((field) => [`${field}:asc`, `${field}:desc`] as const),
];

const ORDER_BY: ReadonlyMap<string, string> = new Map(
  RECORDING_SORTS.map((sort) => {
    const spec: string = sort in NAMED_SORTS ? NAMED_SORTS[sort as keyof typeof NAMED_SORTS] : sort;
    const [field, direction] = spec.split(":") as [RecordingSortField, "asc" | "desc"];
    return [sort, orderByFor(field, direction === "asc" ? "ASC" : "DESC")];
  }),
);

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
  /**
   * Starts importing one recording in bounded transactions, invisible until its commit (see
   * staged-import.ts). One import per recording id at a time (BUSY otherwise).
   */
  beginImport(id: string): StagedImport;
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
  close(): void;
}

export type { WindowEvent } from "./merge.js";

interface SessionState {
  id: string;
  acc: MetadataAccumulator | null;
  changed: boolean;
  isNew: boolean;
  /** The indexed columns as stored, so an update that leaves them alone skips the index writes. */
  indexed: { startMs: number; distinctId: string | null } | null;
}

interface RecordingRow {
  id: string;
  distinct_id: string | null;
  source: string;
  created_at: number;
  updated_at: number;
  metadata: string;
  acc_state: string;
  person: string | null;
  start_ms: number;
}

interface ChunkMetaRow {
  seq: number;
  window_id: string;
  first_ts: number;
  last_ts: number;
}

interface ChunkDataRow {
  data: Buffer;
  encoding: string;
  raw_bytes: number;
  event_count: number;
}

const ID_PATTERN = /^[\w.:@-]{1,200}$/;
const MAX_LIST_LIMIT = 1000;
// Compacted blobs stay bounded so compaction and reading never hold a whole hour-long window at once.
const COMPACT_SEGMENT_BYTES = 4 * 1024 * 1024;
const IMPORT_CHUNK_EVENTS = 2000;
const CHANGE_LOG_KEEP = 5000;

function checkId(value: unknown, what: string): string {
  if (typeof value !== "string" || !ID_PATTERN.test(value)) {
    throw new StoreError(
      "INVALID_INPUT",
      `${what} must be 1-200 characters of letters, digits and . _ : @ -, got ${
        typeof value === "string" ? JSON.stringify(value.slice(0, 80)) : typeof value
      }`,
    );
  }
  return value;
}

function checkBatchIds(batches: readonly SnapshotBatch[]): void {
  for (const batch of batches) {
    checkId(batch.sessionId, "$session_id");
    checkId(batch.windowId, "$window_id");
  }
}

function hashOf(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\u0000");
  return hash.digest("hex").slice(0, 40);
}

function toSummary(
  row: Pick<RecordingRow, "metadata" | "source" | "created_at" | "updated_at">,
): RecordingSummary {
  const metadata = JSON.parse(row.metadata) as SessionMetadata;
  return {
    ...metadata,
    source: row.source,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function eventTimeMs(event: CaptureEvent, fallback: number): number {
  const parsed = event.timestamp === undefined ? Number.NaN : Date.parse(event.timestamp);
  return Number.isFinite(parsed) ? parsed : fallback;
}

/**
 * What makes an event without a uuid the same event when it is retried. Old SDKs send an `offset`
 * instead of a time, and the decoder turns it into a timestamp relative to when the request
 * arrived, which differs on every retry; the offset itself does not.
 */
function identityOf(event: CaptureEvent, json: string): string {
  if (event.offset === undefined) return json;
  const { timestamp: _timestamp, ...rest } = event;
  return JSON.stringify(rest);
}

function sessionOf(event: CaptureEvent): string | null {
  const id = event.properties.$session_id;
  return typeof id === "string" && ID_PATTERN.test(id) ? id : null;
}

/**
 * Opens (creating and migrating if needed) a recordings database. WAL with synchronous=NORMAL: a
 * commit survives a process crash, and readers in other processes (the CLI) never block the writer.
 */
export function openStore(path: string, opts: StoreOptions = {}): Store {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (error) {
    throw fromSqliteError(error, `Cannot open the recordings database ${path}`);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    if (!opts.readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
    }
    db.pragma("foreign_keys = ON");
    if (opts.readonly) {
      const version = db.pragma("user_version", { simple: true }) as number;
      const latest = (opts.migrations ?? MIGRATIONS).at(-1)?.version ?? 0;
      if (version !== latest) {
        throw new StoreError(
          version > latest ? "SCHEMA_TOO_NEW" : "OPEN_FAILED",
          `${path} has schema version ${version} and this replay-devkit needs ${latest}; open it once without readonly to migrate, or upgrade replay-devkit.`,
        );
      }
    } else {
      migrate(db, path, opts.migrations);
    }
  } catch (error) {
    db.close();
    throw fromSqliteError(error, `Cannot open the recordings database ${path}`);
  }
  return new SqliteStore(db, path, opts);
}

class SqliteStore implements Store {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly pollIntervalMs: number;
  private closed = false;
  private readonly listeners = new Set<ChangeListener>();
  private lastChangeSeq: number;
  private lastDataVersion = -1;
  private pollTimer: NodeJS.Timeout | null = null;
  private writesSincePrune = 0;
  private readonly stmt: ReturnType<SqliteStore["prepare"]>;
  // One wrapper for every write: db.transaction() builds a new function (and closures) per call.
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;
  /** The change-log row this process wrote in the current transaction, if any. */
  private ownChangeSeq: number | null = null;
  private readonly appLogTable: AppLogTable;
  /** Recording ids with a staged import under way in this process. */
  private readonly importing = new Set<string>();

  constructor(db: Database.Database, path: string, opts: StoreOptions) {
    this.db = db;
    this.appLogTable = new AppLogTable(db, opts.appLogs);
    this.path = path;
    this.now = opts.now ?? Date.now;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.stmt = this.prepare();
    this.tx = db.transaction((fn: () => unknown) => fn());
    this.lastChangeSeq = (this.stmt.maxChangeSeq.get() as { seq: number | null }).seq ?? 0;
  }

  private prepare() {
    const db = this.db;
    return {
      getRow: db.prepare("SELECT * FROM recordings WHERE id = ?"),
      insertRecording: db.prepare(
        `INSERT INTO recordings (id, distinct_id, source, created_at, updated_at, start_ms, end_ms, duration_ms,
           console_error_count, metadata, acc_state, person)
         VALUES (@id, @distinct_id, @source, @now, @now, @start_ms, @end_ms, @duration_ms, @console_error_count,
           @metadata, @acc_state, @person)`,
      ),
      updateRecording: db.prepare(
        `UPDATE recordings SET distinct_id = @distinct_id, updated_at = @now, start_ms = @start_ms, end_ms = @end_ms,
           duration_ms = @duration_ms, console_error_count = @console_error_count, metadata = @metadata,
           acc_state = @acc_state WHERE id = @id`,
      ),
      // Most ingests move only the end of a recording: leaving start_ms and distinct_id out of the
      // SET list keeps SQLite from rewriting their index entries (two fewer dirty pages per commit).
      updateRecordingTail: db.prepare(
        `UPDATE recordings SET updated_at = @now, end_ms = @end_ms, duration_ms = @duration_ms,
           console_error_count = @console_error_count, metadata = @metadata, acc_state = @acc_state WHERE id = @id`,
      ),
      insertKey: db.prepare("INSERT OR IGNORE INTO batch_keys (recording_id, key) VALUES (?, ?)"),
      insertChunk: db.prepare(
        `INSERT INTO chunks (recording_id, window_id, first_ts, last_ts, event_count, raw_bytes, encoding, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      chunkRefs: db.prepare(
        "SELECT seq, window_id, first_ts, last_ts FROM chunks WHERE recording_id = ? ORDER BY first_ts, seq",
      ),
      chunkRefsWindow: db.prepare(
        "SELECT seq, window_id, first_ts, last_ts FROM chunks WHERE recording_id = ? AND window_id = ? ORDER BY first_ts, seq",
      ),
      chunkData: db.prepare("SELECT data, encoding, raw_bytes, event_count FROM chunks WHERE seq = ?"),
      windows: db.prepare(
        "SELECT window_id, min(first_ts) AS first FROM chunks WHERE recording_id = ? GROUP BY window_id ORDER BY first, min(seq)",
      ),
      chunkStats: db.prepare(
        "SELECT window_id, count(*) AS n, sum(length(data)) AS bytes, sum(encoding = 'gzip') AS gz FROM chunks WHERE recording_id = ? GROUP BY window_id",
      ),
      deleteChunk: db.prepare("DELETE FROM chunks WHERE seq = ?"),
      lastChunkSeq: db.prepare("SELECT last_insert_rowid()").pluck(),
      deletePending: db.prepare("DELETE FROM recordings WHERE id = ? AND source = 'pending'"),
      deleteKey: db.prepare("DELETE FROM batch_keys WHERE recording_id = ? AND key = ?"),
      insertPosthog: db.prepare(
        `INSERT OR IGNORE INTO posthog_events (session_id, key, event, timestamp_ms, received_at, data)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      posthogBySession: db.prepare(
        "SELECT data FROM posthog_events WHERE session_id = ? ORDER BY timestamp_ms, seq",
      ),
      setOrigin: db.prepare("UPDATE recordings SET source = ?, person = ? WHERE id = ?"),
      deleteRecording: db.prepare("DELETE FROM recordings WHERE id = ?"),
      deletePosthog: db.prepare("DELETE FROM posthog_events WHERE session_id = ?"),
      logChange: db.prepare("INSERT INTO changes (recording_id, kind, at) VALUES (?, ?, ?)"),
      changesSince: db.prepare("SELECT seq, recording_id, kind FROM changes WHERE seq > ? ORDER BY seq"),
      maxChangeSeq: db.prepare("SELECT max(seq) AS seq FROM changes"),
      pruneChanges: db.prepare("DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - ?"),
    };
  }

  // ---- writes -------------------------------------------------------------------------------

  private write<T>(what: string, fn: () => T): T {
    this.assertOpen();
    let result: T;
    try {
      // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read.
      this.ownChangeSeq = null;
      result = this.tx.immediate(fn) as T;
    } catch (error) {
      this.ownChangeSeq = null;
      throw fromSqliteError(error, what);
    }
    this.afterWrite();
    return result;
  }

  /**
   * Stores one batch of events for a window unless its key was seen before. Creates the recording
   * row on first use (with the session's earlier PostHog events folded into its metadata).
   */
  private storeBatch(
    session: SessionState,
    windowId: string,
    key: string,
    events: readonly RrwebEvent[],
    encoding: ChunkEncoding,
  ): boolean {
    const sorted = sortEvents(events, `Session ${session.id} window ${windowId}`);
    if (sorted.length === 0) return false;
    if (!session.acc) {
      const acc = new MetadataAccumulator(session.id);
      for (const event of this.posthogEventsOf(session.id)) acc.addPosthogEvent(event);
      session.acc = acc;
      // batch_keys and chunks reference the row, so it exists from here; finishSession fills it in.
      this.stmt.insertRecording.run({
        id: session.id,
        distinct_id: null,
        source: "pending",
        now: this.now(),
        start_ms: 0,
        end_ms: 0,
        duration_ms: 0,
        console_error_count: 0,
        metadata: "{}",
        acc_state: "{}",
        person: null,
      });
    }
    if (this.stmt.insertKey.run(session.id, key).changes === 0) return false;
    const json = JSON.stringify(sorted);
    const chunk = encodeChunk(sorted, json, encoding);
    this.stmt.insertChunk.run(
      session.id,
      windowId,
      chunk.firstTs,
      chunk.lastTs,
      chunk.eventCount,
      chunk.rawBytes,
      chunk.encoding,
      chunk.data,
    );
    // A JSON array is its events' JSONL size plus one byte: the commas and brackets replace newlines.
    session.acc.addEvents(windowId, sorted, chunk.rawBytes - 1);
    session.changed = true;
    return true;
  }

  private sessionState(id: string): SessionState {
    const row = this.stmt.getRow.get(id) as RecordingRow | undefined;
    const acc =
      row && row.source !== "pending"
        ? new MetadataAccumulator(id, JSON.parse(row.acc_state) as MetadataState)
        : null;
    return {
      id,
      acc,
      changed: false,
      isNew: acc === null,
      indexed: acc && row ? { startMs: row.start_ms, distinctId: row.distinct_id } : null,
    };
  }

  private finishSession(
    s: SessionState,
    source: string,
    distinctId: string | null | undefined,
    person?: unknown,
  ): void {
    if (!s.acc || !s.changed) return;
    if (distinctId && s.acc.metadata().distinctId === null) s.acc.setDistinctId(distinctId);
    const meta = s.acc.metadata();
    const now = this.now();
    const startMs = Date.parse(meta.startTime);
    const row = {
      id: s.id,
      now,
      end_ms: Date.parse(meta.endTime),
      duration_ms: meta.durationMs,
      console_error_count: meta.consoleErrorCount,
      metadata: JSON.stringify(meta),
      acc_state: JSON.stringify(s.acc.toJSON()),
    };
    if (s.indexed && s.indexed.startMs === startMs && s.indexed.distinctId === meta.distinctId) {
      this.stmt.updateRecordingTail.run(row);
    } else {
      this.stmt.updateRecording.run({ ...row, start_ms: startMs, distinct_id: meta.distinctId });
    }
    s.indexed = { startMs, distinctId: meta.distinctId };
    const kind = s.isNew ? "created" : "updated";
    if (s.isNew) this.stmt.setOrigin.run(source, person == null ? null : JSON.stringify(person), s.id);
    this.ownChangeSeq = Number(this.stmt.logChange.run(s.id, kind, now).lastInsertRowid);
  }

  private storePosthogEvents(
    others: readonly CaptureEvent[],
    touched: Map<string, SessionState>,
    forceSession?: string,
    wrote?: Set<string>,
  ): number {
    let stored = 0;
    const received = this.now();
    for (const event of others) {
      const session = forceSession ?? sessionOf(event);
      const data = JSON.stringify(event);
      const key =
        typeof event.uuid === "string" && event.uuid !== ""
          ? `u:${event.uuid}`
          : `h:${hashOf(identityOf(event, data))}`;
      const inserted = this.stmt.insertPosthog.run(
        session,
        key,
        event.event,
        eventTimeMs(event, received),
        received,
        data,
      );
      if (inserted.changes === 0) continue;
      stored++;
      if (!session) continue;
      let state = touched.get(session);
      if (!state) {
        state = this.sessionState(session);
        touched.set(session, state);
      }
      if (state.acc) {
        state.acc.addPosthogEvent(event);
        state.changed = true;
        wrote?.add(session);
      }
    }
    return stored;
  }

  ingestSnapshots(batches: readonly SnapshotBatch[], others: readonly CaptureEvent[] = []): IngestResult {
    checkBatchIds(batches);
    return this.write("Storing a capture batch", () => {
      const touched = new Map<string, SessionState>();
      const distinct = new Map<string, string>();
      const result = this.ingestInto(batches, others, touched, distinct);
      result.sessionIds = [];
      for (const state of touched.values()) {
        this.finishSession(state, "capture", distinct.get(state.id));
        if (state.changed) result.sessionIds.push(state.id);
      }
      return result;
    });
  }

  ingestSnapshotsMany(requests: readonly CaptureRequest[]): (IngestResult | StoreError)[] {
    const results = new Array<IngestResult | StoreError>(requests.length);
    const alone = (i: number): void => {
      const request = requests[i] as CaptureRequest;
      try {
        results[i] = this.ingestSnapshots(request.batches, request.others);
      } catch (error) {
        results[i] = fromSqliteError(error, "Storing a capture batch");
      }
    };
    const valid: number[] = [];
    requests.forEach((request, i) => {
      try {
        checkBatchIds(request.batches);
        valid.push(i);
      } catch (error) {
        results[i] = fromSqliteError(error, "Storing a capture batch");
      }
    });
    if (valid.length <= 1) {
      for (const i of valid) alone(i);
      return results;
    }
    let grouped: IngestResult[];
    try {
      grouped = this.write("Storing capture batches", () => {
        const touched = new Map<string, SessionState>();
        const distinct = new Map<string, string>();
        const out = valid.map((i) => {
          const request = requests[i] as CaptureRequest;
          return this.ingestInto(request.batches, request.others ?? [], touched, distinct);
        });
        for (const state of touched.values()) this.finishSession(state, "capture", distinct.get(state.id));
        return out;
      });
    } catch (error) {
      const failure = fromSqliteError(error, "Storing capture batches");
      // A locked, closed or read-only database fails every request alike; retrying one by one
      // would only wait out the busy timeout once per request.
      if (failure.code === "BUSY" || failure.code === "CLOSED" || failure.code === "READ_ONLY") {
        for (const i of valid) results[i] = failure;
        return results;
      }
      // Something in one request broke the shared transaction, so nothing was stored. Each request
      // then gets its own transaction: only the bad one fails, exactly as without grouping.
      for (const i of valid) alone(i);
      return results;
    }
    valid.forEach((i, k) => {
      results[i] = grouped[k] as IngestResult;
    });
    return results;
  }

  /**
   * One capture request inside a write transaction; the caller finishes the touched sessions.
   * `sessionIds` lists the sessions this request wrote to (batches or linked PostHog events).
   */
  private ingestInto(
    batches: readonly SnapshotBatch[],
    others: readonly CaptureEvent[],
    touched: Map<string, SessionState>,
    distinct: Map<string, string>,
  ): IngestResult {
    const result: IngestResult = { sessionIds: [], batches: 0, duplicates: 0, events: 0, posthogEvents: 0 };
    const wrote = new Set<string>();
    for (const batch of batches) {
      let state = touched.get(batch.sessionId);
      if (!state) {
        state = this.sessionState(batch.sessionId);
        touched.set(batch.sessionId, state);
      }
      if (batch.distinctId && !distinct.has(batch.sessionId)) distinct.set(batch.sessionId, batch.distinctId);
      const key = batch.uuid
        ? `u:${batch.uuid}`
        : `h:${hashOf(batch.windowId, JSON.stringify(batch.events))}`;
      if (this.storeBatch(state, batch.windowId, key, batch.events, "gzip")) {
        if (batch.repairs) state.acc?.addRepairs(batch.repairs);
        result.batches++;
        result.events += batch.events.length;
        wrote.add(batch.sessionId);
      } else if (batch.events.length > 0) {
        result.duplicates++;
      }
    }
    result.posthogEvents = this.storePosthogEvents(others, touched, undefined, wrote);
    result.sessionIds = [...wrote];
    return result;
  }

  ingestRrweb(
    sessionId: string,
    windowId: string,
    events: readonly RrwebEvent[],
    opts: { distinctId?: string | null; batchId?: string } = {},
  ): IngestResult {
    checkId(sessionId, "Session id");
    checkId(windowId, "Window id");
    return this.write("Storing rrweb events", () => {
      const state = this.sessionState(sessionId);
      const key = opts.batchId ? `b:${opts.batchId}` : `h:${hashOf(windowId, JSON.stringify(events))}`;
      const stored = this.storeBatch(state, windowId, key, events, "gzip");
      const result: IngestResult = { sessionIds: [], batches: 0, duplicates: 0, events: 0, posthogEvents: 0 };
      if (stored) {
        result.batches = 1;
        result.events = events.length;
        result.sessionIds.push(sessionId);
      } else if (events.length > 0) {
        result.duplicates = 1;
      }
      this.finishSession(state, "rrweb", opts.distinctId);
      return result;
    });
  }

  importRecording(rec: Recording, opts: ImportOptions): ImportResult {
    checkId(rec.sessionId, "Recording session id");
    for (const w of rec.windows) checkId(w.windowId, `Window id of recording ${rec.sessionId}`);
    return this.write(`Importing recording ${rec.sessionId}`, () => {
      const state = this.sessionState(rec.sessionId);
      const result: ImportResult = { id: rec.sessionId, created: state.isNew, events: 0, duplicates: 0 };
      const touched = new Map([[rec.sessionId, state]]);
      const total = rec.windows.reduce((n, w) => n + w.events.length, 0);
      for (const w of rec.windows) {
        for (let i = 0; i < w.events.length; i += IMPORT_CHUNK_EVENTS) {
          const part = w.events.slice(i, i + IMPORT_CHUNK_EVENTS);
          const key = `h:${hashOf(w.windowId, JSON.stringify(part))}`;
          if (this.storeBatch(state, w.windowId, key, part, "gzip")) {
            result.events += part.length;
          } else {
            result.duplicates += part.length;
          }
          opts.onProgress?.(result.events + result.duplicates, total);
        }
      }
      this.storePosthogEvents(rec.posthogEvents, touched, rec.sessionId);
      if (!state.acc) {
        throw new StoreError(
          "INVALID_INPUT",
          `Recording ${rec.sessionId} has no rrweb events; nothing to import`,
        );
      }
      this.finishSession(state, opts.source, rec.distinctId, rec.person);
      return result;
    });
  }

  beginImport(id: string): StagedImport {
    checkId(id, "Recording session id");
    this.assertOpen();
    if (this.importing.has(id))
      throw new StoreError(
        "BUSY",
        `Recording ${id} is being imported already; try again when that import ends`,
      );
    this.importing.add(id);
    try {
      return new SqliteStagedImport(id, {
        write: (what, fn) => this.write(what, fn),
        sessionState: (sid) => this.sessionState(sid),
        storeBatch: (state, windowId, key, events) =>
          this.storeBatch(state, windowId, key, events, "gzip") ? Number(this.stmt.lastChunkSeq.get()) : null,
        batchKey: (windowId, events) => `h:${hashOf(windowId, JSON.stringify(events))}`,
        storePosthogEvents: (events, state) =>
          void this.storePosthogEvents(events, new Map([[id, state]]), id),
        finishSession: (state, source, distinctId, person, repairs) => {
          if (repairs) state.acc?.addRepairs(repairs);
          this.finishSession(state, source, distinctId, person);
        },
        deletePending: (sid) => void this.stmt.deletePending.run(sid),
        deleteChunks: (sid, seqs, keys) => {
          for (const seq of seqs) this.stmt.deleteChunk.run(seq);
          for (const key of keys) this.stmt.deleteKey.run(sid, key);
        },
        release: (sid) => void this.importing.delete(sid),
      });
    } catch (error) {
      this.importing.delete(id);
      throw error;
    }
  }

  deleteRecording(id: string): boolean {
    return this.write(`Deleting recording ${id}`, () => {
      const deleted = this.stmt.deleteRecording.run(id).changes > 0;
      this.stmt.deletePosthog.run(id);
      if (deleted) this.stmt.logChange.run(id, "deleted", this.now());
      return deleted;
    });
  }

  appendAppLogs(lines: readonly AppLogLine[]): AppendAppLogsResult {
    return this.write("Storing app log lines", () => this.appLogTable.append(lines, this.now()));
  }

  appLogs(query: AppLogQuery = {}): AppLogPage {
    this.assertOpen();
    try {
      return this.appLogTable.page(query);
    } catch (error) {
      throw fromSqliteError(error, "Reading app log lines");
    }
  }

  pruneOlderThan(date: Date): number {
    const cutoff = date.getTime();
    if (!Number.isFinite(cutoff)) throw new StoreError("INVALID_INPUT", "pruneOlderThan needs a valid date");
    return this.write("Pruning old recordings", () => {
      const ids = this.db
        .prepare("SELECT id FROM recordings WHERE end_ms < ?")
        .pluck()
        .all(cutoff) as string[];
      for (const id of ids) {
        this.stmt.deleteRecording.run(id);
        this.stmt.deletePosthog.run(id);
        this.stmt.logChange.run(id, "deleted", this.now());
      }
      this.db
        .prepare(
          "DELETE FROM posthog_events WHERE received_at < ? AND (session_id IS NULL OR session_id NOT IN (SELECT id FROM recordings))",
        )
        .run(cutoff);
      this.db.prepare("DELETE FROM app_logs WHERE ts_ms < ?").run(cutoff);
      return ids.length;
    });
  }

  compact(id: string): CompactResult {
    return this.write(`Compacting recording ${id}`, () => {
      if (!this.stmt.getRow.get(id)) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
      const result: CompactResult = { chunksBefore: 0, chunksAfter: 0, bytesBefore: 0, bytesAfter: 0 };
      const stats = this.stmt.chunkStats.all(id) as {
        window_id: string;
        n: number;
        bytes: number;
        gz: number;
      }[];
      for (const stat of stats) {
        result.chunksBefore += stat.n;
        result.bytesBefore += stat.bytes;
        if (stat.n === 1 && stat.gz === 0) {
          result.chunksAfter += 1;
          result.bytesAfter += stat.bytes;
          continue;
        }
        const refs = this.refs(id, stat.window_id);
        let segment: RrwebEvent[] = [];
        let parts: string[] = [];
        let size = 2;
        const flush = () => {
          if (segment.length === 0) return;
          const chunk = encodeChunk(segment, `[${parts.join(",")}]`, "br");
          this.stmt.insertChunk.run(
            id,
            stat.window_id,
            chunk.firstTs,
            chunk.lastTs,
            chunk.eventCount,
            chunk.rawBytes,
            "br",
            chunk.data,
          );
          result.chunksAfter += 1;
          result.bytesAfter += chunk.data.length;
          segment = [];
          parts = [];
          size = 2;
        };
        // Merged order is the read order, so writing segments in it keeps ties exactly as before.
        for (const { event } of mergeChunks(refs, (ref) => this.loadChunk(ref, id), null)) {
          const json = JSON.stringify(event);
          if (segment.length > 0 && size + json.length + 1 > COMPACT_SEGMENT_BYTES) flush();
          segment.push(event);
          parts.push(json);
          size += json.length + 1;
        }
        flush();
        for (const ref of refs) this.stmt.deleteChunk.run(ref.seq);
      }
      return result;
    });
  }

  compactIdle(idleMs: number): string[] {
    this.assertOpen();
    const cutoff = this.now() - idleMs;
    const ids = this.db
      .prepare(
        `SELECT r.id FROM recordings r WHERE r.updated_at < ?
           AND EXISTS (SELECT 1 FROM chunks c WHERE c.recording_id = r.id AND c.encoding = 'gzip')`,
      )
      .pluck()
      .all(cutoff) as string[];
    for (const id of ids) this.compact(id);
    return ids;
  }

  // ---- reads --------------------------------------------------------------------------------

  listRecordings(filter: RecordingFilter = {}): { recordings: RecordingSummary[]; total: number } {
    this.assertOpen();
    const where: string[] = ["source != 'pending'"];
    const params: unknown[] = [];
    if (filter.url !== undefined && filter.url !== "") {
      const like = `%${filter.url.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push("EXISTS (SELECT 1 FROM json_each(metadata, '$.urls') WHERE value LIKE ? ESCAPE '\\')");
      params.push(like);
    }
    if (filter.distinctId !== undefined) {
      where.push("distinct_id = ?");
      params.push(filter.distinctId);
    }
    if (filter.hasErrors !== undefined)
      where.push(filter.hasErrors ? "console_error_count > 0" : "console_error_count = 0");
    if (filter.minDurationMs !== undefined) {
      where.push("duration_ms >= ?");
      params.push(filter.minDurationMs);
    }
    if (filter.from !== undefined) {
      where.push("start_ms >= ?");
      params.push(filter.from.getTime());
    }
    if (filter.to !== undefined) {
      where.push("start_ms <= ?");
      params.push(filter.to.getTime());
    }
    const sort = filter.sort ?? "newest";
    const orderBy = ORDER_BY.get(sort);
    if (orderBy === undefined)
      throw new StoreError(
        "INVALID_INPUT",
        `Unknown sort ${JSON.stringify(sort)}; use one of ${RECORDING_SORTS.join(", ")}`,
      );
    const limit = Math.min(MAX_LIST_LIMIT, Math.max(0, Math.floor(filter.limit ?? 100)));
    const offset = Math.max(0, Math.floor(filter.offset ?? 0));
    const clause = `WHERE ${where.join(" AND ")}`;
    try {
      const total =
        (this.db
          .prepare(`SELECT count(*) FROM recordings ${clause}`)
          .pluck()
          .get(...params) as number) ?? 0;
      // The page's rowids are chosen first and the wide rows read after: a sort that carried the
      // metadata along would copy it for every row that passes through the sorter, which for
      // unindexed orders and deep pages is most of the table (3-10x slower, bench/list.bench.mjs).
      const rows = this.db
        .prepare(
          `SELECT metadata, source, created_at, updated_at FROM recordings
            WHERE rowid IN (SELECT rowid FROM recordings ${clause} ORDER BY ${orderBy} LIMIT ? OFFSET ?)
            ORDER BY ${orderBy}`,
        )
        .all(...params, limit, offset) as RecordingRow[];
      return { recordings: rows.map(toSummary), total };
    } catch (error) {
      throw fromSqliteError(error, "Listing recordings");
    }
  }

  getRecording(id: string): RecordingSummary | null {
    this.assertOpen();
    const row = this.stmt.getRow.get(id) as RecordingRow | undefined;
    return row && row.source !== "pending" ? toSummary(row) : null;
  }

  windowIds(id: string): string[] {
    this.assertOpen();
    return (this.stmt.windows.all(id) as { window_id: string }[]).map((r) => r.window_id);
  }

  private refs(id: string, windowId?: string): ChunkRef[] {
    const rows = (
      windowId === undefined ? this.stmt.chunkRefs.all(id) : this.stmt.chunkRefsWindow.all(id, windowId)
    ) as ChunkMetaRow[];
    return rows.map((r) => ({ seq: r.seq, windowId: r.window_id, firstTs: r.first_ts, lastTs: r.last_ts }));
  }

  private loadChunk(ref: ChunkRef, id: string): RrwebEvent[] {
    const row = this.stmt.chunkData.get(ref.seq) as ChunkDataRow | undefined;
    if (!row) throw new ChunkVanished();
    return decodeChunk(row, `Recording ${id}`);
  }

  *iterateEvents(id: string, opts: IterateOptions = {}): Generator<WindowEvent> {
    this.assertOpen();
    if (!this.getRecording(id)) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
    const initial: StreamStart =
      opts.startAt !== undefined
        ? { at: opts.startAt.timestamp, skip: opts.startAt.skip }
        : opts.afterTimestamp !== undefined
          ? { after: opts.afterTimestamp }
          : null;
    let start = initial;
    let lastTs = Number.NaN;
    let sameTs = 0;
    // A compaction (or delete) between two reads removes chunks this stream listed; the stream then
    // lists again and resumes at its exact position, which compaction preserves.
    for (let attempt = 0; attempt < 5; attempt++) {
      const floor = start === null ? -Infinity : "after" in start ? start.after : start.at;
      const refs = this.refs(id, opts.windowId).filter((r) => r.lastTs >= floor);
      try {
        for (const item of mergeChunks(refs, (ref) => this.loadChunk(ref, id), start)) {
          const ts = item.event.timestamp;
          if (ts === lastTs) sameTs++;
          else {
            lastTs = ts;
            sameTs = 1;
          }
          yield item;
        }
        return;
      } catch (error) {
        if (!(error instanceof ChunkVanished)) throw error;
        if (this.closed || !this.getRecording(id)) return;
        if (!Number.isNaN(lastTs)) {
          // Everything at lastTs already passed on, plus what the caller's own cursor skipped there.
          const skipped = initial && "at" in initial && initial.at === lastTs ? initial.skip : 0;
          start = { at: lastTs, skip: sameTs + skipped };
        }
      }
    }
    throw new StoreError("BUSY", `Recording ${id} kept changing while it was being read; try again`);
  }

  private posthogEventsOf(id: string): CaptureEvent[] {
    return (this.stmt.posthogBySession.all(id) as { data: string }[]).map(
      (r) => JSON.parse(r.data) as CaptureEvent,
    );
  }

  posthogEvents(id: string): CaptureEvent[] {
    this.assertOpen();
    if (!this.getRecording(id)) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
    return this.posthogEventsOf(id);
  }

  loadRecording(id: string): Recording {
    this.assertOpen();
    const row = this.stmt.getRow.get(id) as RecordingRow | undefined;
    if (!row || row.source === "pending") throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
    const windows: RecordingWindow[] = this.windowIds(id).map((windowId) => ({
      windowId,
      events: Array.from(this.iterateEvents(id, { windowId }), (item) => item.event),
    }));
    const metadata = toSummary(row);
    const rec: Recording = {
      sessionId: id,
      distinctId: metadata.distinctId,
      windows,
      posthogEvents: this.posthogEventsOf(id),
      metadata: stripSummary(metadata),
    };
    if (row.person !== null) rec.person = JSON.parse(row.person) as Record<string, unknown>;
    return rec;
  }

  // ---- change notifications -----------------------------------------------------------------

  onChange(listener: ChangeListener): () => void {
    this.assertOpen();
    this.listeners.add(listener);
    if (!this.pollTimer && this.pollIntervalMs > 0) {
      this.lastDataVersion = this.db.pragma("data_version", { simple: true }) as number;
      this.pollTimer = setInterval(() => this.poll(), this.pollIntervalMs);
      this.pollTimer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.pollTimer) {
        clearInterval(this.pollTimer);
        this.pollTimer = null;
      }
    };
  }

  private poll(): void {
    if (this.closed) return;
    try {
      // data_version changes only when another connection committed, so idle polls cost one pragma.
      const version = this.db.pragma("data_version", { simple: true }) as number;
      if (version === this.lastDataVersion) return;
      this.lastDataVersion = version;
      this.drainChanges();
    } catch {
      // A locked or closing database: try again on the next tick.
    }
  }

  private afterWrite(): void {
    if (++this.writesSincePrune >= 500) {
      this.writesSincePrune = 0;
      try {
        this.stmt.pruneChanges.run(CHANGE_LOG_KEEP);
      } catch {
        // Pruning the change log is housekeeping; a busy database can skip it.
      }
    }
    if (this.listeners.size > 0) this.drainChanges();
    else if (this.ownChangeSeq !== null) this.lastChangeSeq = Math.max(this.lastChangeSeq, this.ownChangeSeq);
    else
      this.lastChangeSeq = (this.stmt.maxChangeSeq.get() as { seq: number | null }).seq ?? this.lastChangeSeq;
    this.ownChangeSeq = null;
  }

  private drainChanges(): void {
    const rows = this.stmt.changesSince.all(this.lastChangeSeq) as {
      seq: number;
      recording_id: string;
      kind: StoreChange["type"];
    }[];
    if (rows.length === 0) return;
    this.lastChangeSeq = (rows[rows.length - 1] as { seq: number }).seq;
    // One announcement per recording per drain, with the state it has now.
    const latest = new Map<string, StoreChange["type"]>();
    for (const row of rows) {
      const previous = latest.get(row.recording_id);
      latest.delete(row.recording_id);
      latest.set(row.recording_id, previous === "created" && row.kind === "updated" ? "created" : row.kind);
    }
    for (const [id, kind] of latest) {
      const recording = kind === "deleted" ? null : this.getRecording(id);
      const change: StoreChange =
        recording === null
          ? { type: "deleted", id, recording: null }
          : { type: kind === "deleted" ? "updated" : kind, id, recording };
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch {
          // A failing listener must not undo or block a committed write.
        }
      }
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new StoreError("CLOSED", `The recordings database ${this.path} is closed`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.listeners.clear();
    try {
      // PASSIVE never waits on the other process (the CLI must exit promptly while `dev` writes);
      // the last connection to close checkpoints fully and removes the WAL anyway.
      if (!this.db.readonly) this.db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // A busy or failing checkpoint only delays WAL cleanup to a later close.
    }
    this.db.close();
  }
}

function stripSummary(summary: RecordingSummary): SessionMetadata {
  const { source: _source, createdAt: _createdAt, updatedAt: _updatedAt, ...metadata } = summary;
  return metadata;
}
