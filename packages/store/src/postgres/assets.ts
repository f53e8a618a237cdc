import type pg from "pg";
import {
  assetKey,
  checkAssetUrl,
  checkContentType,
  checkReason,
  pinnedOf,
  reasonText,
  sha256Hex,
  SHA256_PATTERN,
  summaryOf,
  toRecordingAsset,
  type AssetListRow,
  type AssetMissingReason,
  type AssetStore,
  type AssetSummary,
  type PinnedAsset,
  type RecordingAsset,
  type StoredAsset,
} from "../assets.js";
import type { PgBlockStore, S3BlockStore } from "../block-stores.js";
import { StoreError } from "../errors.js";

// Pinned assets on PostgreSQL: the `assets` row (sha256, type, size, which block store) and
// `recording_assets` in the database; the bytes under `assets/<sha256>` in the block store, which
// is PostgreSQL's block_data or, with a blob store, the bucket (written directly: a copy is written
// once, never appended to). Content-addressed, so one copy serves every recording and process.
//
// Pinning and freeing race safely across processes: pin takes the asset row's lock (an upsert)
// before writing the bytes and commits only after they are stored; freeing takes orphan rows
// FOR UPDATE SKIP LOCKED and deletes the bytes before it commits. So a copy a reader can see always
// has its bytes, and a copy being pinned is never freed under it.

export interface PgAssetDeps {
  write<T>(what: string, fn: (db: pg.PoolClient) => Promise<T>): Promise<T>;
  read<T>(what: string, fn: (db: pg.Pool) => Promise<T>): Promise<T>;
  now(): number;
  dbBlocks: PgBlockStore;
  s3: S3BlockStore | null;
}

type Where = "db" | "s3";

export const PG_ASSETS_SQL = `
  CREATE TABLE assets (
    sha256 text PRIMARY KEY,
    content_type text NOT NULL,
    bytes bigint NOT NULL,
    created_at bigint NOT NULL,
    store text NOT NULL CHECK (store IN ('db', 's3'))
  );

  CREATE TABLE recording_assets (
    recording_id text NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    url text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'pinned', 'missing')),
    sha256 text,
    reason text,
    first_seen_ms bigint NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (recording_id, url)
  );
  CREATE INDEX recording_assets_by_sha ON recording_assets (sha256);
`;

const SETTLE = `INSERT INTO recording_assets (recording_id, url, status, sha256, reason, first_seen_ms, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $6)
  ON CONFLICT (recording_id, url) DO UPDATE SET status = EXCLUDED.status, sha256 = EXCLUDED.sha256,
    reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at`;

async function assertRecording(db: pg.PoolClient, id: string): Promise<void> {
  // FOR KEY SHARE: a concurrent delete of the recording waits for this write, then cascades.
  const found = await db.query("SELECT 1 FROM recordings WHERE id = $1 FOR KEY SHARE", [id]);
  if ((found.rowCount ?? 0) === 0) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
}

export class PgAssets implements AssetStore {
  constructor(private readonly deps: PgAssetDeps) {}

  async markSeen(recordingId: string, urls: readonly string[]): Promise<void> {
    for (const url of urls) checkAssetUrl(url);
    if (urls.length === 0) return;
    await this.deps.write("Noting asset URLs", async (db) => {
      await assertRecording(db, recordingId);
      const now = this.deps.now();
      await db.query(
        `INSERT INTO recording_assets (recording_id, url, status, first_seen_ms, updated_at)
         SELECT $1, u, 'pending', $3, $3 FROM unnest($2::text[]) AS u
         ON CONFLICT (recording_id, url) DO NOTHING`,
        [recordingId, [...new Set(urls)], now],
      );
    });
  }

  async pin(recordingId: string, url: string, contentType: string, data: Uint8Array): Promise<string> {
    checkAssetUrl(url);
    checkContentType(contentType);
    const sha256 = sha256Hex(data);
    const where: Where = this.deps.s3 ? "s3" : "db";
    await this.deps.write("Storing a pinned asset", async (db) => {
      await assertRecording(db, recordingId);
      const now = this.deps.now();
      const row = (
        await db.query<{ inserted: boolean }>(
          `INSERT INTO assets (sha256, content_type, bytes, created_at, store) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (sha256) DO UPDATE SET sha256 = EXCLUDED.sha256
           RETURNING (xmax = 0) AS inserted`,
          [sha256, contentType, data.byteLength, now, where],
        )
      ).rows[0];
      // A copy already there keeps its bytes (same sha256, same bytes): deduplicated.
      if (row?.inserted) {
        if (this.deps.s3) await this.deps.s3.put(assetKey(sha256), data);
        else await this.deps.dbBlocks.put(assetKey(sha256), data, db);
      }
      await db.query(SETTLE, [recordingId, url, "pinned", sha256, null, now]);
    });
    return sha256;
  }

  async miss(recordingId: string, url: string, reason: AssetMissingReason, detail: string): Promise<void> {
    checkAssetUrl(url);
    checkReason(reason);
    await this.deps.write("Noting a missing asset", async (db) => {
      await assertRecording(db, recordingId);
      await db.query(SETTLE, [
        recordingId,
        url,
        "missing",
        null,
        reasonText(reason, detail),
        this.deps.now(),
      ]);
    });
  }

  async list(recordingId: string): Promise<RecordingAsset[]> {
    return this.deps.read("Reading pinned assets", async (db) =>
      (
        await db.query<AssetListRow>(
          `SELECT r.url, r.status, r.sha256, r.reason, r.first_seen_ms, a.content_type, a.bytes
             FROM recording_assets r LEFT JOIN assets a ON a.sha256 = r.sha256
            WHERE r.recording_id = $1 ORDER BY r.first_seen_ms, r.url COLLATE "C"`,
          [recordingId],
        )
      ).rows.map(toRecordingAsset),
    );
  }

  async pinned(recordingId: string): Promise<PinnedAsset[]> {
    return pinnedOf(await this.list(recordingId));
  }

  async summary(recordingId: string): Promise<AssetSummary> {
    return summaryOf(await this.list(recordingId));
  }

  async get(sha256: string): Promise<StoredAsset | null> {
    if (!SHA256_PATTERN.test(sha256)) return null;
    const row = await this.deps.read(
      "Reading a pinned asset",
      async (db) =>
        (
          await db.query<{ content_type: string; bytes: number; store: Where }>(
            "SELECT content_type, bytes, store FROM assets WHERE sha256 = $1",
            [sha256],
          )
        ).rows[0],
    );
    if (!row) return null;
    const bytes = Number(row.bytes);
    const store = row.store === "s3" ? this.deps.s3 : this.deps.dbBlocks;
    if (!store) {
      throw new StoreError(
        "OPEN_FAILED",
        `Pinned asset ${sha256} is in a bucket, but this store was opened without --blob-store`,
      );
    }
    let data: Uint8Array;
    try {
      data = bytes === 0 ? new Uint8Array(0) : await store.getRange(assetKey(sha256), 0, bytes);
    } catch (error) {
      // Freed by another process between the two reads.
      if (error instanceof StoreError && error.code === "NOT_FOUND") return null;
      throw error;
    }
    return { sha256, contentType: row.content_type, bytes, data };
  }
}

/**
 * Frees the copies that only `recordingIds` pointed at, inside the deleting transaction: call it
 * before deleting the recordings' rows (it deletes their asset rows itself). Bytes go first, rows
 * at commit, so no reader ever sees a row without bytes for longer than the transaction.
 */
export async function freeAssetsOf(
  db: pg.PoolClient,
  recordingIds: readonly string[],
  stores: { dbBlocks: PgBlockStore; s3: S3BlockStore | null },
): Promise<void> {
  if (recordingIds.length === 0) return;
  const shas = (
    await db.query<{ sha256: string }>(
      `DELETE FROM recording_assets WHERE recording_id = ANY($1::text[]) AND sha256 IS NOT NULL RETURNING sha256`,
      [recordingIds],
    )
  ).rows.map((r) => r.sha256);
  if (shas.length === 0) return;
  const orphans = (
    await db.query<{ sha256: string; store: Where }>(
      `SELECT sha256, store FROM assets a WHERE sha256 = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM recording_assets r WHERE r.sha256 = a.sha256)
        ORDER BY sha256 FOR UPDATE SKIP LOCKED`,
      [[...new Set(shas)]],
    )
  ).rows;
  if (orphans.length === 0) return;
  for (const o of orphans) {
    if (o.store === "s3") await stores.s3?.delete(assetKey(o.sha256));
    else await stores.dbBlocks.delete(assetKey(o.sha256), db);
  }
  await db.query("DELETE FROM assets WHERE sha256 = ANY($1::text[])", [orphans.map((o) => o.sha256)]);
}
