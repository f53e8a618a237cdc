import type { PoolClient } from "pg";
import { StoreError } from "../errors.js";
import { PG_ASSETS_SQL } from "./assets.js";

// PostgreSQL's schema, migrated under an advisory lock: processes starting at the same moment on an
// empty database queue on the lock, the first migrates, the others find the work done. Ordered and
// append-only like the SQLite list (../schema.ts). Ids are text, as the API shows them.

export interface PgMigration {
  version: number;
  description: string;
  up: string;
}

/** Advisory lock keys (one 64-bit space per database): arbitrary, fixed, ours. */
export const LOCKS = {
  migrate: 0x5245_5044_0001,
  compact: 0x5245_5044_0002,
  flush: 0x5245_5044_0003,
} as const;

/** The channel every write notifies after commit; listeners then read the change log. */
export const CHANGE_CHANNEL = "replay_devkit_changes";

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: "recordings, block index, block data, dedupe keys, posthog events, change log, app logs",
    up: `
      CREATE TABLE recordings (
        id text PRIMARY KEY,
        distinct_id text,
        source text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        start_ms bigint NOT NULL,
        end_ms bigint NOT NULL,
        duration_ms double precision NOT NULL,
        console_error_count integer NOT NULL,
        -- Text, not jsonb: the API returns it as stored, field order included.
        metadata text NOT NULL,
        acc_state text NOT NULL,
        person text
      );
      CREATE INDEX recordings_by_start ON recordings (start_ms DESC);
      CREATE INDEX recordings_by_distinct ON recordings (distinct_id);
      CREATE INDEX recordings_by_end ON recordings (end_ms);

      -- The block index: where each block of a recording's events is (store + key + byte range).
      CREATE TABLE blocks (
        seq bigserial PRIMARY KEY,
        recording_id text NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
        window_id text NOT NULL,
        first_ts double precision NOT NULL,
        last_ts double precision NOT NULL,
        event_count integer NOT NULL,
        raw_bytes integer NOT NULL,
        encoding text NOT NULL CHECK (encoding IN ('gzip', 'br')),
        store text NOT NULL CHECK (store IN ('db', 's3')),
        key text NOT NULL,
        byte_start bigint NOT NULL,
        byte_end bigint NOT NULL
      );
      CREATE INDEX blocks_by_recording ON blocks (recording_id, first_ts, seq);
      CREATE INDEX blocks_in_db ON blocks (recording_id) WHERE store = 'db';

      -- The PostgreSQL block store: block bytes by key (S3 keeps the same bytes under the same key).
      CREATE TABLE block_data (
        key text PRIMARY KEY,
        data bytea NOT NULL
      );

      CREATE TABLE batch_keys (
        recording_id text NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
        key text NOT NULL,
        PRIMARY KEY (recording_id, key)
      );

      CREATE TABLE posthog_events (
        seq bigserial PRIMARY KEY,
        session_id text,
        key text NOT NULL UNIQUE,
        event text NOT NULL,
        timestamp_ms bigint NOT NULL,
        received_at bigint NOT NULL,
        data text NOT NULL
      );
      CREATE INDEX posthog_events_by_session ON posthog_events (session_id, timestamp_ms, seq);

      CREATE TABLE changes (
        seq bigserial PRIMARY KEY,
        recording_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('created', 'updated', 'deleted')),
        at bigint NOT NULL
      );

      CREATE TABLE app_logs (
        seq bigserial PRIMARY KEY,
        ts_ms bigint NOT NULL,
        stream text NOT NULL CHECK (stream IN ('stdout', 'stderr', 'devkit')),
        text text NOT NULL
      );
      CREATE INDEX app_logs_by_time ON app_logs (ts_ms, seq);
    `,
  },
  {
    version: 2,
    description:
      "pinned assets (content-addressed copies in the block store) and each recording's asset URLs",
    up: PG_ASSETS_SQL,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.version ?? 0;

/** Brings the database to the last version under the migration lock; refuses a database from newer code. */
export async function migratePg(client: PoolClient, where: string): Promise<number> {
  await client.query("SELECT pg_advisory_lock($1)", [LOCKS.migrate]);
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS replay_devkit_schema (
         version integer PRIMARY KEY,
         description text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const current = Number(
      (await client.query<{ v: number | null }>("SELECT max(version) AS v FROM replay_devkit_schema")).rows[0]
        ?.v ?? 0,
    );
    if (current > PG_SCHEMA_VERSION) {
      throw new StoreError(
        "SCHEMA_TOO_NEW",
        `${where} has schema version ${current}, but this replay-devkit only knows up to ${PG_SCHEMA_VERSION}. Upgrade replay-devkit.`,
      );
    }
    for (const migration of PG_MIGRATIONS) {
      if (migration.version <= current) continue;
      try {
        await client.query("BEGIN");
        await client.query(migration.up);
        await client.query("INSERT INTO replay_devkit_schema (version, description) VALUES ($1, $2)", [
          migration.version,
          migration.description,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new StoreError(
          "MIGRATION_FAILED",
          `Could not migrate ${where} to schema version ${migration.version} (${migration.description}): ${
            error instanceof Error ? error.message : String(error)
          }.`,
          { cause: error },
        );
      }
    }
    return PG_SCHEMA_VERSION;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCKS.migrate]).catch(() => undefined);
  }
}
