import pg from "pg";
import {
  MetadataAccumulator,
  type CaptureEvent,
  type MetadataState,
  type Recording,
  type RecordingWindow,
  type RrwebEvent,
  type SnapshotBatch,
} from "@replay-devkit/codec";
import { parseS3Url, S3Client, s3ConfigFromEnv } from "@replay-devkit/s3";
import {
  AppLogPlanner,
  checkPageQuery,
  type AppendAppLogsResult,
  type AppLogLine,
  type AppLogPage,
  type AppLogQuery,
  type AppLogStream,
} from "../app-logs.js";
import { newBlockKey, PgBlockStore, S3BlockStore } from "../block-stores.js";
import { decodeChunk, encodeChunk, sortEvents, type ChunkEncoding } from "../chunks.js";
import { StoreError } from "../errors.js";
import {
  batchKeyOf,
  checkBatchIds,
  checkId,
  eventTimeMs,
  hashOf,
  posthogKeyOf,
  sessionOf,
  validRequests,
} from "../ingest.js";
import { ChunkVanished, mergeChunksAsync, type ChunkRef, type WindowEvent } from "../merge.js";
import { listQuery, stripSummary, toSummary } from "../queries.js";
import { StreamPosition } from "../streams.js";
import type { OpenOptions, RecordingStore, StoreDescriptor } from "../seam.js";
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
  StoreChange,
} from "../types.js";
import { announce, collapseChanges } from "../change-feed.js";
import { CompactedBlocks } from "../compaction.js";
import { fromPgError, redactUrl } from "./errors.js";
import { PG_LIST } from "./list.js";
import { CHANGE_CHANNEL, LOCKS, migratePg } from "./schema.js";
import { freeAssetsOf, PgAssets } from "./assets.js";
import type { AssetStore } from "../assets.js";

// The PostgreSQL driver: metadata, block index, dedupe keys, PostHog events, change log and app logs
// in PostgreSQL; block bytes in PostgreSQL (block_data) or, with a blob store, in an S3 bucket.
// Every process on the same database is one store: dedupe keys are unique constraints, a session's
// writes queue on its row lock, changes reach every process by LISTEN/NOTIFY, compaction runs under
// an advisory lock so only one process does it at a time, and the bucket flush takes its blocks
// FOR UPDATE SKIP LOCKED, so processes flushing at once split the work.

const IMPORT_CHUNK_EVENTS = 2000;
const CHANGE_LOG_KEEP = 5000;

// bigint columns (epoch ms, seq) come back as strings by default; they fit doubles.
const TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as "text")) as never,
};

interface BlockRow {
  seq: number;
  window_id: string;
  first_ts: number;
  last_ts: number;
  event_count: number;
  raw_bytes: number;
  encoding: ChunkEncoding;
  store: "db" | "s3";
  key: string;
  byte_start: number;
  byte_end: number;
}

interface RecordingRow {
  id: string;
  distinct_id: string | null;
  source: string;
  created_at: number;
  updated_at: number;
  start_ms: number;
  metadata: string;
  acc_state: string;
  person: string | null;
}

interface SessionState {
  id: string;
  acc: MetadataAccumulator | null;
  changed: boolean;
  isNew: boolean;
}

type Db = pg.PoolClient;

export interface PostgresStoreOptions extends OpenOptions {
  url: string;
  blobStore?: string;
}

/** Opens a PostgreSQL store, migrating the database under the migration lock. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<RecordingStore> {
  const where = `the database ${redactUrl(opts.url)}`;
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, types: TYPES });
  // An idle client that loses its connection emits on the pool; without a handler Node exits.
  pool.on("error", () => undefined);
  let s3: S3BlockStore | null = null;
  try {
    const client = await pool.connect();
    try {
      if (!opts.readonly) await migratePg(client, where);
    } finally {
      client.release();
    }
    if (opts.blobStore !== undefined) {
      const location = parseS3Url(opts.blobStore);
      const s3client = new S3Client(s3ConfigFromEnv(opts.env ?? process.env), location.bucket);
      await s3client.checkBucket();
      s3 = new S3BlockStore(s3client, location.prefix);
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw fromPgError(error, `Cannot open ${where}`);
  }
  const descriptor: StoreDescriptor = {
    driver: "postgres",
    url: opts.url,
    ...(opts.blobStore === undefined ? {} : { blobStore: opts.blobStore }),
  };
  return new PostgresRecordingStore(pool, descriptor, s3, opts);
}

class PostgresRecordingStore implements RecordingStore {
  private readonly now: () => number;
  private readonly readonly: boolean;
  private readonly dbBlocks: PgBlockStore;
  private readonly appLogPlanner: AppLogPlanner;
  private readonly listeners = new Set<ChangeListener>();
  private listener: pg.Client | null = null;
  private listening: Promise<void> | null = null;
  private lastChangeSeq = -1;
  private draining: Promise<void> = Promise.resolve();
  private writes = 0;
  private closed = false;
  readonly assets: AssetStore;

  constructor(
    private readonly pool: pg.Pool,
    readonly descriptor: StoreDescriptor,
    private readonly s3: S3BlockStore | null,
    opts: OpenOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.readonly = opts.readonly ?? false;
    this.dbBlocks = new PgBlockStore(pool);
    this.appLogPlanner = new AppLogPlanner(opts.appLogs);
    this.assets = new PgAssets({
      write: (what, fn) => this.write(what, fn),
      read: (what, fn) => this.read(what, fn),
      now: () => this.now(),
      dbBlocks: this.dbBlocks,
      s3: this.s3,
    });
  }

  private where(): string {
    return `the database ${redactUrl(this.descriptor.driver === "postgres" ? this.descriptor.url : "")}`;
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new StoreError("CLOSED", `The store on ${this.where()} is closed`);
  }

  private async read<T>(what: string, fn: (db: pg.Pool) => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await fn(this.pool);
    } catch (error) {
      throw fromPgError(error, what);
    }
  }

  /** One transaction; retried when PostgreSQL picks it as a deadlock victim. Notifies listeners on commit. */
  private async write<T>(what: string, fn: (db: Db) => Promise<T>): Promise<T> {
    this.assertOpen();
    if (this.readonly) throw new StoreError("READ_ONLY", `${what}: this store was opened read-only`);
    for (let attempt = 0; ; attempt++) {
      let client: Db;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw fromPgError(error, what);
      }
      try {
        await client.query("BEGIN");
        const result = await fn(client);
        // Delivered to every LISTENing process when (and only if) the transaction commits.
        await client.query("SELECT pg_notify($1, '')", [CHANGE_CHANNEL]);
        await client.query("COMMIT");
        this.afterWrite();
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        const failure = fromPgError(error, what);
        const code = (error as { code?: unknown }).code;
        if ((code === "40P01" || code === "40001") && attempt < 3) continue;
        throw failure;
      } finally {
        client.release();
      }
    }
  }

  private afterWrite(): void {
    if (++this.writes % 500 === 0) {
      void this.pool
        .query("DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - $1", [CHANGE_LOG_KEEP])
        .catch(() => undefined);
    }
  }

  // ---- ingest -------------------------------------------------------------------------------

  /** Locks the sessions' rows in id order (creating pending rows for `create`), so writers never deadlock. */
  private async lockSessions(
    db: Db,
    create: readonly string[],
    also: readonly string[],
  ): Promise<Map<string, SessionState>> {
    const ids = [...new Set([...create, ...also])].sort();
    const now = this.now();
    const fresh = [...new Set(create)].sort();
    if (fresh.length > 0) {
      // One statement for every new session, inserted in id order like the locks below.
      await db.query(
        `INSERT INTO recordings (id, distinct_id, source, created_at, updated_at, start_ms, end_ms, duration_ms,
           console_error_count, metadata, acc_state, person)
         SELECT id, NULL, 'pending', $2, $2, 0, 0, 0, 0, '{}', '{}', NULL FROM unnest($1::text[]) AS u(id)
         ON CONFLICT (id) DO NOTHING`,
        [fresh, now],
      );
    }
    const rows = (
      await db.query<RecordingRow>(
        `SELECT id, source, acc_state FROM recordings WHERE id = ANY($1::text[]) ORDER BY id COLLATE "C" FOR UPDATE`,
        [ids],
      )
    ).rows;
    const states = new Map<string, SessionState>();
    for (const row of rows) {
      const acc =
        row.source !== "pending"
          ? new MetadataAccumulator(row.id, JSON.parse(row.acc_state) as MetadataState)
          : null;
      states.set(row.id, { id: row.id, acc, changed: false, isNew: acc === null });
    }
    return states;
  }

  private async storeBatch(
    db: Db,
    state: SessionState,
    windowId: string,
    key: string,
    events: readonly RrwebEvent[],
  ): Promise<boolean> {
    const sorted = sortEvents(events, `Session ${state.id} window ${windowId}`);
    if (sorted.length === 0) return false;
    const inserted = await db.query(
      "INSERT INTO batch_keys (recording_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1",
      [state.id, key],
    );
    if (inserted.rowCount === 0) return false;
    if (!state.acc) {
      const acc = new MetadataAccumulator(state.id);
      for (const event of await this.posthogEventsOf(db, state.id)) acc.addPosthogEvent(event);
      state.acc = acc;
    }
    const block = encodeChunk(windowId, sorted, "gzip");
    const blockKey = newBlockKey(state.id, "i");
    // The bytes and their index row in one statement: one round trip per block.
    await db.query(
      `WITH data AS (INSERT INTO block_data (key, data) VALUES ($7, $9))
       INSERT INTO blocks (recording_id, window_id, first_ts, last_ts, event_count, raw_bytes, encoding, store, key, byte_start, byte_end)
       VALUES ($1, $2, $3, $4, $5, $6, 'gzip', 'db', $7, 0, $8)`,
      [
        state.id,
        windowId,
        block.firstTs,
        block.lastTs,
        block.eventCount,
        block.rawBytes,
        blockKey,
        block.data.length,
        block.data,
      ],
    );
    state.acc.addEvents(windowId, sorted, block.eventBytes);
    state.changed = true;
    return true;
  }

  private async storePosthogEvents(
    db: Db,
    others: readonly CaptureEvent[],
    states: Map<string, SessionState>,
    forceSession?: string,
    wrote?: Set<string>,
  ): Promise<number> {
    let stored = 0;
    const received = this.now();
    for (const event of others) {
      const session = forceSession ?? sessionOf(event);
      const data = JSON.stringify(event);
      const inserted = await db.query(
        `INSERT INTO posthog_events (session_id, key, event, timestamp_ms, received_at, data)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING RETURNING 1`,
        [session, posthogKeyOf(event, data), event.event, eventTimeMs(event, received), received, data],
      );
      if (inserted.rowCount === 0) continue;
      stored++;
      const state = session === null ? undefined : states.get(session);
      if (state?.acc) {
        state.acc.addPosthogEvent(event);
        state.changed = true;
        wrote?.add(state.id);
      }
    }
    return stored;
  }

  private async finishSession(
    db: Db,
    s: SessionState,
    source: string,
    distinctId: string | null | undefined,
    person?: unknown,
  ): Promise<void> {
    if (!s.acc || !s.changed) return;
    if (distinctId && s.acc.metadata().distinctId === null) s.acc.setDistinctId(distinctId);
    const meta = s.acc.metadata();
    const now = this.now();
    await db.query(
      `UPDATE recordings SET distinct_id = $2, updated_at = $3, start_ms = $4, end_ms = $5, duration_ms = $6,
         console_error_count = $7, metadata = $8, acc_state = $9 WHERE id = $1`,
      [
        s.id,
        meta.distinctId,
        now,
        Date.parse(meta.startTime),
        Date.parse(meta.endTime),
        meta.durationMs,
        meta.consoleErrorCount,
        JSON.stringify(meta),
        JSON.stringify(s.acc.toJSON()),
      ],
    );
    if (s.isNew) {
      await db.query("UPDATE recordings SET source = $2, person = $3, created_at = $4 WHERE id = $1", [
        s.id,
        source,
        person == null ? null : JSON.stringify(person),
        now,
      ]);
    }
    await db.query("INSERT INTO changes (recording_id, kind, at) VALUES ($1, $2, $3)", [
      s.id,
      s.isNew ? "created" : "updated",
      now,
    ]);
  }

  /** Sessions a PostHog event links to, for locking. */
  private static linkedSessions(others: readonly CaptureEvent[]): string[] {
    return others.map(sessionOf).filter((id): id is string => id !== null);
  }

  /**
   * Capture requests in `db`'s transaction: every touched session locked once, in id order, and
   * finished once, so a group of uploads for one session costs one lock wait and one metadata write.
   */
  private async ingestGroup(db: Db, requests: readonly CaptureRequest[]): Promise<IngestResult[]> {
    const states = await this.lockSessions(
      db,
      requests.flatMap((r) => r.batches.filter((b) => b.events.length > 0).map((b) => b.sessionId)),
      requests.flatMap((r) => PostgresRecordingStore.linkedSessions(r.others ?? [])),
    );
    // Every batch's dedupe key in one statement; the keys it returns are the batches stored now.
    // Sorting first also validates every event before anything is written.
    const candidates = requests.map((request) =>
      request.batches.map((batch) => {
        const state = states.get(batch.sessionId);
        if (!state) return null;
        const sorted = sortEvents(batch.events, `Session ${batch.sessionId} window ${batch.windowId}`);
        return sorted.length === 0 ? null : { batch, state, key: batchKeyOf(batch), sorted };
      }),
    );
    const flat = candidates.flat().filter((c) => c !== null);
    const fresh = new Set<string>();
    if (flat.length > 0) {
      const inserted = await db.query<{ recording_id: string; key: string }>(
        `INSERT INTO batch_keys (recording_id, key) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT DO NOTHING RETURNING recording_id, key`,
        [flat.map((c) => c.state.id), flat.map((c) => c.key)],
      );
      for (const row of inserted.rows) fresh.add(`${row.recording_id}\u0000${row.key}`);
    }
    const blocks: { id: string; windowId: string; key: string; block: ReturnType<typeof encodeChunk> }[] = [];
    const distinct = new Map<string, string>();
    const results: IngestResult[] = [];
    for (const [r, request] of requests.entries()) {
      const result: IngestResult = { sessionIds: [], batches: 0, duplicates: 0, events: 0, posthogEvents: 0 };
      const wrote = new Set<string>();
      for (const [i, batch] of request.batches.entries()) {
        if (batch.distinctId && !distinct.has(batch.sessionId))
          distinct.set(batch.sessionId, batch.distinctId);
        const candidate = candidates[r]?.[i];
        if (!candidate) continue;
        // A key is fresh once: the same batch twice in one group is stored once.
        if (!fresh.delete(`${candidate.state.id}\u0000${candidate.key}`)) {
          result.duplicates++;
          continue;
        }
        const { state, sorted } = candidate;
        if (!state.acc) {
          const acc = new MetadataAccumulator(state.id);
          for (const event of await this.posthogEventsOf(db, state.id)) acc.addPosthogEvent(event);
          state.acc = acc;
        }
        const block = encodeChunk(batch.windowId, sorted, "gzip");
        blocks.push({ id: state.id, windowId: batch.windowId, key: newBlockKey(state.id, "i"), block });
        state.acc.addEvents(batch.windowId, sorted, block.eventBytes);
        state.changed = true;
        result.batches++;
        result.events += batch.events.length;
        wrote.add(batch.sessionId);
      }
      result.posthogEvents = await this.storePosthogEvents(
        db,
        request.others ?? [],
        states,
        undefined,
        wrote,
      );
      result.sessionIds = [...wrote];
      results.push(result);
    }
    if (blocks.length > 0) {
      // Every new block's bytes and index row in one statement.
      await db.query(
        `WITH data AS (INSERT INTO block_data (key, data) SELECT * FROM unnest($1::text[], $2::bytea[]))
         INSERT INTO blocks (recording_id, window_id, first_ts, last_ts, event_count, raw_bytes, encoding, store, key, byte_start, byte_end)
         SELECT r, w, f, l, c, raw, 'gzip', 'db', k, 0, n
           FROM unnest($3::text[], $4::text[], $5::float8[], $6::float8[], $7::int[], $8::int[], $1::text[], $9::bigint[])
             AS u(r, w, f, l, c, raw, k, n)`,
        [
          blocks.map((b) => b.key),
          blocks.map((b) => b.block.data),
          blocks.map((b) => b.id),
          blocks.map((b) => b.windowId),
          blocks.map((b) => b.block.firstTs),
          blocks.map((b) => b.block.lastTs),
          blocks.map((b) => b.block.eventCount),
          blocks.map((b) => b.block.rawBytes),
          blocks.map((b) => b.block.data.length),
        ],
      );
    }
    for (const state of states.values())
      await this.finishSession(db, state, "capture", distinct.get(state.id));
    return results;
  }

  async ingestSnapshots(
    batches: readonly SnapshotBatch[],
    others: readonly CaptureEvent[] = [],
  ): Promise<IngestResult> {
    checkBatchIds(batches);
    const [result] = await this.write("Storing a capture batch", (db) =>
      this.ingestGroup(db, [{ batches, others }]),
    );
    return result as IngestResult;
  }

  async ingestSnapshotsMany(requests: readonly CaptureRequest[]): Promise<(IngestResult | StoreError)[]> {
    const results = new Array<IngestResult | StoreError>(requests.length);
    const alone = async (i: number) => {
      const request = requests[i] as CaptureRequest;
      results[i] = await this.ingestSnapshots(request.batches, request.others).catch((error: unknown) =>
        fromPgError(error, "Storing a capture batch"),
      );
    };
    const valid = validRequests(requests, results, (error) => fromPgError(error, "Storing a capture batch"));
    if (valid.length <= 1) {
      await Promise.all(valid.map(alone));
      return results;
    }
    try {
      // Group commit, as in SQLite: one transaction for the uploads that arrived together.
      const grouped = await this.write("Storing capture batches", (db) =>
        this.ingestGroup(
          db,
          valid.map((i) => requests[i] as CaptureRequest),
        ),
      );
      valid.forEach((i, k) => {
        results[i] = grouped[k] as IngestResult;
      });
    } catch (error) {
      const failure = fromPgError(error, "Storing capture batches");
      if (failure.code === "CLOSED" || failure.code === "READ_ONLY") {
        for (const i of valid) results[i] = failure;
        return results;
      }
      // One request broke the shared transaction (nothing was stored): each gets its own, so only
      // the bad one fails.
      await Promise.all(valid.map(alone));
    }
    return results;
  }

  async ingestRrweb(
    sessionId: string,
    windowId: string,
    events: readonly RrwebEvent[],
    opts: { distinctId?: string | null; batchId?: string } = {},
  ): Promise<IngestResult> {
    checkId(sessionId, "Session id");
    checkId(windowId, "Window id");
    return this.write("Storing rrweb events", async (db) => {
      const states = await this.lockSessions(db, events.length > 0 ? [sessionId] : [], []);
      const result: IngestResult = { sessionIds: [], batches: 0, duplicates: 0, events: 0, posthogEvents: 0 };
      const state = states.get(sessionId);
      if (!state) return result;
      const key = opts.batchId ? `b:${opts.batchId}` : `h:${hashOf(windowId, JSON.stringify(events))}`;
      if (await this.storeBatch(db, state, windowId, key, events)) {
        result.batches = 1;
        result.events = events.length;
        result.sessionIds.push(sessionId);
      } else {
        result.duplicates = 1;
      }
      await this.finishSession(db, state, "rrweb", opts.distinctId);
      return result;
    });
  }

  async importRecording(rec: Recording, opts: ImportOptions): Promise<ImportResult> {
    checkId(rec.sessionId, "Recording session id");
    for (const w of rec.windows) checkId(w.windowId, `Window id of recording ${rec.sessionId}`);
    return this.write(`Importing recording ${rec.sessionId}`, async (db) => {
      const states = await this.lockSessions(db, [rec.sessionId], []);
      const state = states.get(rec.sessionId) as SessionState;
      const result: ImportResult = { id: rec.sessionId, created: state.isNew, events: 0, duplicates: 0 };
      const total = rec.windows.reduce((n, w) => n + w.events.length, 0);
      for (const w of rec.windows) {
        for (let i = 0; i < w.events.length; i += IMPORT_CHUNK_EVENTS) {
          const part = w.events.slice(i, i + IMPORT_CHUNK_EVENTS);
          const key = `h:${hashOf(w.windowId, JSON.stringify(part))}`;
          if (await this.storeBatch(db, state, w.windowId, key, part)) result.events += part.length;
          else result.duplicates += part.length;
          opts.onProgress?.(result.events + result.duplicates, total);
        }
      }
      await this.storePosthogEvents(db, rec.posthogEvents, states, rec.sessionId);
      if (!state.acc) {
        throw new StoreError(
          "INVALID_INPUT",
          `Recording ${rec.sessionId} has no rrweb events; nothing to import`,
        );
      }
      await this.finishSession(db, state, opts.source, rec.distinctId, rec.person);
      return result;
    });
  }

  // ---- reads --------------------------------------------------------------------------------

  async listRecordings(
    filter: RecordingFilter = {},
  ): Promise<{ recordings: RecordingSummary[]; total: number }> {
    const { clause, params, orderBy, limit, offset } = listQuery(PG_LIST, filter);
    return this.read("Listing recordings", async (db) => {
      const n = params.length;
      const [count, page] = await Promise.all([
        db.query<{ n: string }>(`SELECT count(*) AS n FROM recordings ${clause}`, params),
        db.query<RecordingRow>(
          `SELECT metadata, source, created_at, updated_at FROM recordings ${clause}
            ORDER BY ${orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...params, limit, offset],
        ),
      ]);
      return { recordings: page.rows.map(toSummary), total: Number(count.rows[0]?.n ?? 0) };
    });
  }

  private async row(db: pg.Pool | Db, id: string): Promise<RecordingRow | undefined> {
    const row = (await db.query<RecordingRow>("SELECT * FROM recordings WHERE id = $1", [id])).rows[0];
    return row && row.source !== "pending" ? row : undefined;
  }

  async getRecording(id: string): Promise<RecordingSummary | null> {
    return this.read(`Reading recording ${id}`, async (db) => {
      const row = await this.row(db, id);
      return row ? toSummary(row) : null;
    });
  }

  async windowIds(id: string): Promise<string[]> {
    return this.read(`Reading recording ${id}`, async (db) =>
      (
        await db.query<{ window_id: string }>(
          `SELECT window_id FROM blocks WHERE recording_id = $1 GROUP BY window_id ORDER BY min(first_ts), min(seq)`,
          [id],
        )
      ).rows.map((r) => r.window_id),
    );
  }

  private async blockRows(id: string, windowId?: string): Promise<BlockRow[]> {
    const sql = `SELECT seq, window_id, first_ts, last_ts, event_count, raw_bytes, encoding, store, key, byte_start, byte_end
                 FROM blocks WHERE recording_id = $1 ${windowId === undefined ? "" : "AND window_id = $2"} ORDER BY first_ts, seq`;
    return (await this.pool.query<BlockRow>(sql, windowId === undefined ? [id] : [id, windowId])).rows;
  }

  private async loadBlock(row: BlockRow, id: string): Promise<RrwebEvent[]> {
    const store = row.store === "s3" ? this.s3 : this.dbBlocks;
    if (!store) {
      throw new StoreError(
        "OPEN_FAILED",
        `Recording ${id} has blocks in a bucket, but this store was opened without --blob-store`,
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = await store.getRange(row.key, row.byte_start, row.byte_end);
    } catch (error) {
      // Compaction or a delete removed it after we listed it: the stream lists again.
      if (error instanceof StoreError && error.code === "NOT_FOUND") throw new ChunkVanished();
      throw error;
    }
    return decodeChunk(
      { data: bytes, encoding: row.encoding, raw_bytes: row.raw_bytes, event_count: row.event_count },
      `Recording ${id}`,
      row.window_id,
    );
  }

  async *iterateEvents(id: string, opts: IterateOptions = {}): AsyncIterableIterator<WindowEvent> {
    this.assertOpen();
    if (!(await this.getRecording(id))) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
    const position = new StreamPosition(opts);
    for (let attempt = 0; attempt < StreamPosition.ATTEMPTS; attempt++) {
      let rows: BlockRow[];
      try {
        rows = (await this.blockRows(id, opts.windowId)).filter((r) => r.last_ts >= position.floor);
      } catch (error) {
        throw fromPgError(error, `Reading recording ${id}`);
      }
      const bySeq = new Map(rows.map((r) => [r.seq, r]));
      const refs: ChunkRef[] = rows.map((r) => ({
        seq: r.seq,
        windowId: r.window_id,
        firstTs: r.first_ts,
        lastTs: r.last_ts,
      }));
      const load = (ref: ChunkRef) => this.loadBlock(bySeq.get(ref.seq) as BlockRow, id);
      try {
        for await (const item of mergeChunksAsync(refs, load, position.start)) {
          position.saw(item.event.timestamp);
          yield item;
        }
        return;
      } catch (error) {
        if (!(error instanceof ChunkVanished)) throw fromPgError(error, `Reading recording ${id}`);
        if (this.closed || !(await this.getRecording(id))) return;
        position.resume();
      }
    }
    throw StreamPosition.busy(id);
  }

  private async posthogEventsOf(db: pg.Pool | Db, id: string): Promise<CaptureEvent[]> {
    return (
      await db.query<{ data: string }>(
        "SELECT data FROM posthog_events WHERE session_id = $1 ORDER BY timestamp_ms, seq",
        [id],
      )
    ).rows.map((r) => JSON.parse(r.data) as CaptureEvent);
  }

  async posthogEvents(id: string): Promise<CaptureEvent[]> {
    return this.read(`Reading recording ${id}`, async (db) => {
      if (!(await this.row(db, id))) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
      return this.posthogEventsOf(db, id);
    });
  }

  async loadRecording(id: string): Promise<Recording> {
    const row = await this.read(`Reading recording ${id}`, (db) => this.row(db, id));
    if (!row) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
    const windows: RecordingWindow[] = [];
    for (const windowId of await this.windowIds(id)) {
      const events: RrwebEvent[] = [];
      for await (const item of this.iterateEvents(id, { windowId })) events.push(item.event);
      windows.push({ windowId, events });
    }
    const metadata = toSummary(row);
    const rec: Recording = {
      sessionId: id,
      distinctId: metadata.distinctId,
      windows,
      posthogEvents: await this.read(`Reading recording ${id}`, (db) => this.posthogEventsOf(db, id)),
      metadata: stripSummary(metadata),
    };
    if (row.person !== null) rec.person = JSON.parse(row.person) as Record<string, unknown>;
    return rec;
  }

  // ---- delete, prune, compact ---------------------------------------------------------------

  /** Deletes recordings (rows, index, db blocks) in `db`'s transaction; returns the bucket keys to delete after commit. */
  private async deleteIn(db: Db, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const blocks = (
      await db.query<{ store: string; key: string }>(
        "SELECT DISTINCT store, key FROM blocks WHERE recording_id = ANY($1::text[])",
        [ids],
      )
    ).rows;
    await db.query("DELETE FROM block_data WHERE key = ANY($1::text[])", [
      blocks.filter((b) => b.store === "db").map((b) => b.key),
    ]);
    // Pinned copies no other recording points at go with them.
    await freeAssetsOf(db, ids, { dbBlocks: this.dbBlocks, s3: this.s3 });
    await db.query("DELETE FROM recordings WHERE id = ANY($1::text[])", [ids]);
    await db.query("DELETE FROM posthog_events WHERE session_id = ANY($1::text[])", [ids]);
    const now = this.now();
    for (const id of ids)
      await db.query("INSERT INTO changes (recording_id, kind, at) VALUES ($1, 'deleted', $2)", [id, now]);
    return blocks.filter((b) => b.store === "s3").map((b) => b.key);
  }

  private async deleteFromBucket(keys: readonly string[]): Promise<void> {
    if (!this.s3) return;
    // After commit: a failure here leaves unreferenced objects, never a recording pointing at nothing.
    await Promise.all(keys.map((key) => this.s3?.delete(key).catch(() => undefined)));
  }

  async deleteRecording(id: string): Promise<boolean> {
    let keys: string[] = [];
    const deleted = await this.write(`Deleting recording ${id}`, async (db) => {
      const exists =
        (await db.query("SELECT 1 FROM recordings WHERE id = $1 FOR UPDATE", [id])).rowCount ?? 0;
      if (exists === 0) {
        await db.query("DELETE FROM posthog_events WHERE session_id = $1", [id]);
        return false;
      }
      keys = await this.deleteIn(db, [id]);
      return true;
    });
    await this.deleteFromBucket(keys);
    return deleted;
  }

  async pruneOlderThan(date: Date): Promise<number> {
    const cutoff = date.getTime();
    if (!Number.isFinite(cutoff)) throw new StoreError("INVALID_INPUT", "pruneOlderThan needs a valid date");
    let keys: string[] = [];
    const count = await this.write("Pruning old recordings", async (db) => {
      const ids = (
        await db.query<{ id: string }>(
          `SELECT id FROM recordings WHERE end_ms < $1 AND source <> 'pending' ORDER BY id COLLATE "C" FOR UPDATE SKIP LOCKED`,
          [cutoff],
        )
      ).rows.map((r) => r.id);
      keys = await this.deleteIn(db, ids);
      await db.query(
        "DELETE FROM posthog_events WHERE received_at < $1 AND (session_id IS NULL OR NOT EXISTS (SELECT 1 FROM recordings r WHERE r.id = session_id))",
        [cutoff],
      );
      await db.query("DELETE FROM app_logs WHERE ts_ms < $1", [cutoff]);
      return ids.length;
    });
    await this.deleteFromBucket(keys);
    return count;
  }

  async compact(id: string): Promise<CompactResult> {
    let oldKeys: string[] = [];
    const result = await this.write(`Compacting recording ${id}`, async (db) => {
      const locked = await db.query(
        "SELECT 1 FROM recordings WHERE id = $1 AND source <> 'pending' FOR UPDATE",
        [id],
      );
      if ((locked.rowCount ?? 0) === 0) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
      const rows = (
        await db.query<BlockRow>(
          `SELECT seq, window_id, first_ts, last_ts, event_count, raw_bytes, encoding, store, key, byte_start, byte_end
             FROM blocks WHERE recording_id = $1 ORDER BY first_ts, seq`,
          [id],
        )
      ).rows;
      const out: CompactResult = { chunksBefore: rows.length, chunksAfter: 0, bytesBefore: 0, bytesAfter: 0 };
      for (const r of rows) out.bytesBefore += r.byte_end - r.byte_start;
      const target: "db" | "s3" = this.s3 ? "s3" : "db";
      const windows = new Map<string, BlockRow[]>();
      for (const r of rows) windows.set(r.window_id, [...(windows.get(r.window_id) ?? []), r]);
      const done = [...windows.values()].every(
        (w) => w.length === 1 && w[0]?.encoding === "br" && w[0].store === target,
      );
      if (done) {
        out.chunksAfter = out.chunksBefore;
        out.bytesAfter = out.bytesBefore;
        return out;
      }
      // One object per compaction holding every window's segments back to back; the index keeps
      // each segment's byte range, so a reader fetches only the range it needs.
      const key = newBlockKey(id, "c");
      const parts: Buffer[] = [];
      let offset = 0;
      const index: unknown[][] = [];
      for (const [windowId, blocks] of windows) {
        const bySeq = new Map(blocks.map((b) => [b.seq, b]));
        const refs = blocks.map((b) => ({ seq: b.seq, windowId, firstTs: b.first_ts, lastTs: b.last_ts }));
        const compacted = new CompactedBlocks(windowId, (block) => {
          parts.push(block.data);
          index.push([
            windowId,
            block.firstTs,
            block.lastTs,
            block.eventCount,
            block.rawBytes,
            offset,
            offset + block.data.length,
          ]);
          offset += block.data.length;
        });
        const load = (ref: ChunkRef) => this.loadBlock(bySeq.get(ref.seq) as BlockRow, id);
        for await (const { event } of mergeChunksAsync(refs, load, null)) compacted.push(event);
        compacted.end();
      }
      const bytes = Buffer.concat(parts);
      if (this.s3) await this.s3.put(key, bytes);
      else await this.dbBlocks.put(key, bytes, db);
      for (const [windowId, first, last, count, raw, from, to] of index) {
        await db.query(
          `INSERT INTO blocks (recording_id, window_id, first_ts, last_ts, event_count, raw_bytes, encoding, store, key, byte_start, byte_end)
           VALUES ($1, $2, $3, $4, $5, $6, 'br', $7, $8, $9, $10)`,
          [id, windowId, first, last, count, raw, target, key, from, to],
        );
      }
      await db.query("DELETE FROM blocks WHERE seq = ANY($1::bigint[])", [rows.map((r) => r.seq)]);
      await db.query("DELETE FROM block_data WHERE key = ANY($1::text[])", [
        rows.filter((r) => r.store === "db").map((r) => r.key),
      ]);
      oldKeys = [...new Set(rows.filter((r) => r.store === "s3").map((r) => r.key))];
      out.chunksAfter = index.length;
      out.bytesAfter = bytes.length;
      return out;
    });
    await this.deleteFromBucket(oldKeys);
    return result;
  }

  /** Runs `fn` only if no other process holds `lock`; otherwise returns `fallback`. */
  private async exclusively<T>(lock: number, fallback: T, fn: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const client = await this.pool.connect().catch((error: unknown) => {
      throw fromPgError(error, "Taking a maintenance lock");
    });
    try {
      const got = (await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [lock]))
        .rows[0]?.ok;
      if (!got) return fallback;
      try {
        return await fn();
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [lock]).catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }

  async compactIdle(idleMs: number): Promise<string[]> {
    return this.exclusively(LOCKS.compact, [], async () => {
      const cutoff = this.now() - idleMs;
      const ids = await this.read("Finding idle recordings", async (db) =>
        (
          await db.query<{ id: string }>(
            `SELECT r.id FROM recordings r WHERE r.updated_at < $1 AND r.source <> 'pending'
               AND EXISTS (SELECT 1 FROM blocks b WHERE b.recording_id = r.id AND (b.encoding = 'gzip' OR b.store = $2))
             ORDER BY r.id COLLATE "C"`,
            [cutoff, this.s3 ? "db" : "none"],
          )
        ).rows.map((r) => r.id),
      );
      for (const id of ids) await this.compact(id);
      return ids;
    });
  }

  /**
   * Moves blocks still in PostgreSQL to the bucket, bytes unchanged (same key, same range). Runs on
   * close, so blocks reach the bucket at the latest when a process stops.
   */
  async flushToBucket(): Promise<number> {
    const s3 = this.s3;
    if (!s3 || this.readonly) return 0;
    let moved = 0;
    for (;;) {
      const n = await this.write("Moving blocks to the bucket", async (db) => {
        const rows = (
          await db.query<{ seq: number; key: string }>(
            "SELECT seq, key FROM blocks WHERE store = 'db' ORDER BY seq LIMIT 100 FOR UPDATE SKIP LOCKED",
          )
        ).rows;
        for (const row of rows) {
          const data = (
            await db.query<{ data: Buffer }>("SELECT data FROM block_data WHERE key = $1", [row.key])
          ).rows[0];
          if (!data) continue;
          await s3.put(row.key, data.data);
          await db.query("UPDATE blocks SET store = 's3' WHERE seq = $1", [row.seq]);
          await db.query("DELETE FROM block_data WHERE key = $1", [row.key]);
        }
        return rows.length;
      });
      moved += n;
      if (n < 100) return moved;
    }
  }

  // ---- change feed --------------------------------------------------------------------------

  onChange(listener: ChangeListener): () => void {
    this.assertOpen();
    this.listeners.add(listener);
    if (!this.listening) this.listening = this.startListening();
    return () => {
      this.listeners.delete(listener);
    };
  }

  private async startListening(): Promise<void> {
    const url = this.descriptor.driver === "postgres" ? this.descriptor.url : "";
    const client = new pg.Client({ connectionString: url, types: TYPES });
    client.on("error", () => undefined);
    try {
      await client.connect();
      this.lastChangeSeq = Number(
        (await client.query<{ seq: number | null }>("SELECT max(seq) AS seq FROM changes")).rows[0]?.seq ?? 0,
      );
      client.on("notification", () => this.scheduleDrain());
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      this.listener = client;
      if (this.closed) await client.end();
    } catch {
      await client.end().catch(() => undefined);
      this.listening = null;
    }
  }

  private scheduleDrain(): void {
    // One drain at a time, in order: notifications can arrive faster than a drain's query.
    this.draining = this.draining.then(() => this.drain()).catch(() => undefined);
  }

  private async drain(): Promise<void> {
    if (this.closed || this.listeners.size === 0) return;
    const rows = (
      await this.pool.query<{ seq: number; recording_id: string; kind: StoreChange["type"] }>(
        "SELECT seq, recording_id, kind FROM changes WHERE seq > $1 ORDER BY seq",
        [this.lastChangeSeq],
      )
    ).rows;
    const last = rows.at(-1);
    if (!last) return;
    this.lastChangeSeq = last.seq;
    for (const [id, kind] of collapseChanges(rows)) {
      const recording = kind === "deleted" ? null : await this.getRecording(id).catch(() => null);
      announce(this.listeners, id, kind, recording);
    }
  }

  // ---- app logs -----------------------------------------------------------------------------

  async appendAppLogs(lines: readonly AppLogLine[]): Promise<AppendAppLogsResult> {
    const { rows, result } = this.appLogPlanner.plan(lines);
    if (rows.length === 0 && result.dropped === 0) return result;
    const limits = this.appLogPlanner.limits;
    return this.write("Storing app log lines", async (db) => {
      if (rows.length > 0) {
        await db.query(
          `INSERT INTO app_logs (ts_ms, stream, text)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
          [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
        );
      }
      await db.query("DELETE FROM app_logs WHERE seq <= (SELECT max(seq) FROM app_logs) - $1", [
        limits.maxRows,
      ]);
      await db.query("DELETE FROM app_logs WHERE ts_ms < $1", [this.now() - limits.maxAgeMs]);
      return result;
    });
  }

  async appLogs(query: AppLogQuery = {}): Promise<AppLogPage> {
    const { from, to, limit, after } = checkPageQuery(query);
    return this.read("Reading app log lines", async (db) => {
      const rows = (
        after
          ? await db.query<{ seq: number; ts_ms: number; stream: AppLogStream; text: string }>(
              `SELECT seq, ts_ms, stream, text FROM app_logs
                WHERE ts_ms <= $1 AND (ts_ms > $2 OR (ts_ms = $2 AND seq > $3)) AND ts_ms >= $4
                ORDER BY ts_ms, seq LIMIT $5`,
              [to, after.timestamp, after.seq, from, limit + 1],
            )
          : await db.query<{ seq: number; ts_ms: number; stream: AppLogStream; text: string }>(
              "SELECT seq, ts_ms, stream, text FROM app_logs WHERE ts_ms >= $1 AND ts_ms <= $2 ORDER BY ts_ms, seq LIMIT $3",
              [from, to, limit + 1],
            )
      ).rows;
      const more = rows.length > limit;
      const page = rows
        .slice(0, limit)
        .map((row) => ({ seq: row.seq, timestamp: row.ts_ms, stream: row.stream, text: row.text }));
      const last = page.at(-1);
      return { lines: page, next: more && last ? { timestamp: last.timestamp, seq: last.seq } : null };
    });
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      // Several processes closing at once split the work: each page is taken FOR UPDATE SKIP LOCKED.
      await this.flushToBucket();
    } finally {
      this.closed = true;
      this.listeners.clear();
      await this.listening?.catch(() => undefined);
      await this.listener?.end().catch(() => undefined);
      await this.draining;
      await this.pool.end().catch(() => undefined);
    }
  }
}
