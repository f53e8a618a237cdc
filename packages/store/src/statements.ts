import type Database from "better-sqlite3";
import type { Statement } from "better-sqlite3";

// Every prepared statement of the SQLite store, prepared once per connection, and the row shapes they
// return. One place, so each job's file (ingest, queries, streams, compaction, change feed) uses the same.

export interface RecordingRow {
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

export interface ChunkMetaRow {
  seq: number;
  window_id: string;
  first_ts: number;
  last_ts: number;
}

export interface ChunkDataRow {
  data: Buffer;
  encoding: string;
  raw_bytes: number;
  event_count: number;
}

type StatementName =
  | "getRow"
  | "insertRecording"
  | "updateRecording"
  | "updateRecordingTail"
  | "insertKey"
  | "insertChunk"
  | "chunkRefs"
  | "chunkRefsWindow"
  | "chunkData"
  | "windows"
  | "chunkStats"
  | "deleteChunk"
  | "insertPosthog"
  | "posthogBySession"
  | "setOrigin"
  | "deleteRecording"
  | "deletePosthog"
  | "logChange"
  | "changesSince"
  | "maxChangeSeq"
  | "pruneChanges";

export type Statements = Readonly<Record<StatementName, Statement>>;

export function prepareStatements(db: Database.Database): Statements {
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
