import Database from "better-sqlite3";
import type { CaptureEvent, Recording, RrwebEvent, SnapshotBatch } from "@replay-devkit/codec";
import {
  AppLogTable,
  type AppendAppLogsResult,
  type AppLogLine,
  type AppLogPage,
  type AppLogQuery,
} from "./app-logs.js";
import { ChangeFeed } from "./change-feed.js";
import { compactRecording, idleRecordings } from "./compaction.js";
import { fromSqliteError, StoreError } from "./errors.js";
import { checkBatchIds, checkId, SqliteIngest, validRequests } from "./ingest.js";
import type { WindowEvent } from "./merge.js";
import { getRecording, listRecordings, posthogEventsOf } from "./queries.js";
import { MIGRATIONS, migrate } from "./schema.js";
import { SqliteAssetTable } from "./assets.js";
import { prepareStatements, type Statements } from "./statements.js";
import { iterateEvents, loadRecording, windowIds } from "./streams.js";
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
  Store,
  StoreOptions,
} from "./types.js";

export { RECORDING_SORTS } from "./queries.js";
export { RECORDING_SORT_FIELDS } from "./types.js";
export type * from "./types.js";

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

/** The SQLite store: wiring of the per-job modules around one connection and one write transaction. */
class SqliteStore implements Store {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => number;
  private closed = false;
  private readonly stmt: Statements;
  // One wrapper for every write: db.transaction() builds a new function (and closures) per call.
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly appLogTable: AppLogTable;
  private readonly feed: ChangeFeed;
  private readonly ingest: SqliteIngest;
  readonly assets: SqliteAssetTable;

  constructor(db: Database.Database, path: string, opts: StoreOptions) {
    this.db = db;
    this.appLogTable = new AppLogTable(db, opts.appLogs);
    this.path = path;
    this.now = opts.now ?? Date.now;
    this.stmt = prepareStatements(db);
    this.tx = db.transaction((fn: () => unknown) => fn());
    this.feed = new ChangeFeed(db, this.stmt, opts.pollIntervalMs ?? 1000, () => this.closed);
    this.ingest = new SqliteIngest(this.stmt, this.now, (seq) => this.feed.logged(seq));
    this.assets = new SqliteAssetTable(db, this.now, () => this.closed);
  }

  // ---- writes -------------------------------------------------------------------------------

  private write<T>(what: string, fn: () => T): T {
    this.assertOpen();
    let result: T;
    try {
      // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read.
      this.feed.reset();
      result = this.tx.immediate(fn) as T;
    } catch (error) {
      this.feed.reset();
      throw fromSqliteError(error, what);
    }
    this.feed.afterWrite();
    return result;
  }

  ingestSnapshots(batches: readonly SnapshotBatch[], others: readonly CaptureEvent[] = []): IngestResult {
    checkBatchIds(batches);
    return this.write("Storing a capture batch", () => this.ingest.snapshots(batches, others));
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
    const valid = validRequests(requests, results, (error) =>
      fromSqliteError(error, "Storing a capture batch"),
    );
    if (valid.length <= 1) {
      for (const i of valid) alone(i);
      return results;
    }
    let grouped: IngestResult[];
    try {
      grouped = this.write("Storing capture batches", () =>
        this.ingest.group(valid.map((i) => requests[i] as CaptureRequest)),
      );
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

  ingestRrweb(
    sessionId: string,
    windowId: string,
    events: readonly RrwebEvent[],
    opts: { distinctId?: string | null; batchId?: string } = {},
  ): IngestResult {
    checkId(sessionId, "Session id");
    checkId(windowId, "Window id");
    return this.write("Storing rrweb events", () => this.ingest.rrweb(sessionId, windowId, events, opts));
  }

  importRecording(rec: Recording, opts: ImportOptions): ImportResult {
    checkId(rec.sessionId, "Recording session id");
    for (const w of rec.windows) checkId(w.windowId, `Window id of recording ${rec.sessionId}`);
    return this.write(`Importing recording ${rec.sessionId}`, () => this.ingest.importRecording(rec, opts));
  }

  deleteRecording(id: string): boolean {
    return this.write(`Deleting recording ${id}`, () => {
      const deleted = this.stmt.deleteRecording.run(id).changes > 0;
      this.stmt.deletePosthog.run(id);
      if (deleted) this.stmt.logChange.run(id, "deleted", this.now());
      // Pinned copies no other recording points at go with it.
      if (deleted) this.assets.deleteOrphans();
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
      if (ids.length > 0) this.assets.deleteOrphans();
      return ids.length;
    });
  }

  compact(id: string): CompactResult {
    return this.write(`Compacting recording ${id}`, () => compactRecording(this.stmt, id));
  }

  compactIdle(idleMs: number): string[] {
    this.assertOpen();
    const ids = idleRecordings(this.db, this.now() - idleMs);
    for (const id of ids) this.compact(id);
    return ids;
  }

  // ---- reads --------------------------------------------------------------------------------

  listRecordings(filter: RecordingFilter = {}): { recordings: RecordingSummary[]; total: number } {
    this.assertOpen();
    return listRecordings(this.db, filter);
  }

  getRecording(id: string): RecordingSummary | null {
    this.assertOpen();
    return getRecording(this.stmt, id);
  }

  windowIds(id: string): string[] {
    this.assertOpen();
    return windowIds(this.stmt, id);
  }

  *iterateEvents(id: string, opts: IterateOptions = {}): Generator<WindowEvent> {
    this.assertOpen();
    yield* iterateEvents(this.stmt, id, opts, () => this.closed);
  }

  posthogEvents(id: string): CaptureEvent[] {
    this.assertOpen();
    if (!this.getRecording(id)) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
    return posthogEventsOf(this.stmt, id);
  }

  loadRecording(id: string): Recording {
    this.assertOpen();
    return loadRecording(this.stmt, id, () => this.closed);
  }

  onChange(listener: ChangeListener): () => void {
    this.assertOpen();
    return this.feed.subscribe(listener);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new StoreError("CLOSED", `The recordings database ${this.path} is closed`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.feed.stop();
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
