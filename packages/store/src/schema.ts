import type { Database } from "better-sqlite3";
import { decodeLegacyChunk, encodeChunk, type ChunkEncoding } from "./chunks.js";
import { StoreError } from "./errors.js";
import { SQLITE_ASSETS_SQL } from "./assets.js";

export interface Migration {
  version: number;
  description: string;
  up: string;
  /** Data changes SQL cannot express, run after `up` in the same transaction. */
  run?: (db: Database) => void;
}

interface LegacyChunkRow {
  seq: number;
  window_id: string;
  encoding: ChunkEncoding;
  raw_bytes: number;
  event_count: number;
  data: Buffer;
}

/** Version 3: every stored chunk rewritten from one JSON array into the shared JSONL block format. */
function chunksToJsonl(db: Database): void {
  const page = db.prepare(
    "SELECT seq, window_id, encoding, raw_bytes, event_count, data FROM chunks WHERE seq > ? ORDER BY seq LIMIT 200",
  );
  const update = db.prepare("UPDATE chunks SET raw_bytes = ?, data = ? WHERE seq = ?");
  // Pages by seq: better-sqlite3 cannot write on a connection while a read statement is iterating.
  for (let after = 0; ;) {
    const rows = page.all(after) as LegacyChunkRow[];
    if (rows.length === 0) return;
    for (const row of rows) {
      const events = decodeLegacyChunk(row, `Chunk ${row.seq}`);
      const block = encodeChunk(row.window_id, events, row.encoding);
      update.run(block.rawBytes, block.data, row.seq);
      after = row.seq;
    }
  }
}

// Ordered and append-only: a released migration is never edited, a change is a new entry. The schema
// version lives in SQLite's user_version so any sqlite3 shell can read it.
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "recordings, event chunks, dedupe keys, posthog events, change log",
    up: `
      CREATE TABLE recordings (
        id TEXT PRIMARY KEY,
        distinct_id TEXT,
        source TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        console_error_count INTEGER NOT NULL,
        metadata TEXT NOT NULL,
        acc_state TEXT NOT NULL,
        person TEXT
      ) STRICT;
      CREATE INDEX recordings_by_start ON recordings(start_ms DESC);
      CREATE INDEX recordings_by_distinct ON recordings(distinct_id);

      CREATE TABLE chunks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        recording_id TEXT NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
        window_id TEXT NOT NULL,
        first_ts REAL NOT NULL,
        last_ts REAL NOT NULL,
        event_count INTEGER NOT NULL,
        raw_bytes INTEGER NOT NULL,
        encoding TEXT NOT NULL CHECK (encoding IN ('gzip', 'br')),
        data BLOB NOT NULL
      ) STRICT;
      CREATE INDEX chunks_by_recording ON chunks(recording_id, first_ts, seq);

      CREATE TABLE batch_keys (
        recording_id TEXT NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        PRIMARY KEY (recording_id, key)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE posthog_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT,
        key TEXT NOT NULL UNIQUE,
        event TEXT NOT NULL,
        timestamp_ms INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX posthog_events_by_session ON posthog_events(session_id, timestamp_ms, seq);

      CREATE TABLE changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        recording_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'deleted')),
        at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: "app log lines (the dev server's stdout/stderr next to recordings)",
    up: `
      CREATE TABLE app_logs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        ts_ms INTEGER NOT NULL,
        stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'devkit')),
        text TEXT NOT NULL
      ) STRICT;
      CREATE INDEX app_logs_by_time ON app_logs(ts_ms, seq);
    `,
  },
  {
    version: 3,
    description: "event chunks in the shared block format (JSONL lines of [windowId, event])",
    up: "",
    run: chunksToJsonl,
  },
  {
    version: 4,
    description: "pinned assets (content-addressed copies) and each recording's asset URLs",
    up: SQLITE_ASSETS_SQL,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Brings the file up to `migrations`' last version, one transaction per step; refuses files from newer code. */
export function migrate(db: Database, path: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > latest) {
    throw new StoreError(
      "SCHEMA_TOO_NEW",
      `${path} has schema version ${current}, but this replay-devkit only knows up to ${latest}. Upgrade replay-devkit, or use another database file.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      // IMMEDIATE so two processes opening an old file at once do not both migrate it.
      db.transaction(() => {
        const now = db.pragma("user_version", { simple: true }) as number;
        if (now >= migration.version) return;
        if (migration.up !== "") db.exec(migration.up);
        migration.run?.(db);
        db.pragma(`user_version = ${migration.version}`);
      }).immediate();
    } catch (error) {
      throw new StoreError(
        "MIGRATION_FAILED",
        `Could not migrate ${path} to schema version ${migration.version} (${migration.description}): ${
          error instanceof Error ? error.message : String(error)
        }. The file was left at version ${db.pragma("user_version", { simple: true }) as number}.`,
        { cause: error },
      );
    }
  }
  return db.pragma("user_version", { simple: true }) as number;
}
