import { createHash } from "node:crypto";
import type { Database, Statement } from "better-sqlite3";
import { fromSqliteError, StoreError } from "./errors.js";
import type { Migration } from "./schema.js";

/**
 * Pinned assets: copies of the images, stylesheets and fonts a recording referenced, fetched while
 * `dev` ran, so the replay still looks right after the app's server stopped. Bytes are stored once
 * per sha256 (`assets`); each recording keeps, per URL, whether it was pinned and to which copy,
 * or why not (`recording_assets`).
 */
export const ASSETS_MIGRATION: Migration = {
  version: 3,
  description: "pinned assets (content-addressed bytes) and each recording's asset URLs",
  up: `
    CREATE TABLE assets (
      sha256 TEXT PRIMARY KEY,
      content_type TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      data BLOB NOT NULL
    ) STRICT;

    CREATE TABLE recording_assets (
      recording_id TEXT NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
      url TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'pinned', 'missing')),
      sha256 TEXT,
      reason TEXT,
      first_seen_ms INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (recording_id, url)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX recording_assets_by_sha ON recording_assets(sha256);
  `,
};

export type AssetStatus = "pending" | "pinned" | "missing";

/** Why an asset could not be pinned; stable codes a user can act on (see the server README). */
export type AssetMissingReason =
  | "other-origin"
  | "too-large"
  | "recording-cap"
  | "wrong-type"
  | "redirect-other-origin"
  | "too-many-redirects"
  | "timeout"
  | "http-error"
  | "network-error"
  | "invalid-url"
  | "queue-full";

/** The shape the bundle and HTML exports take (share-html's contract). */
export interface PinnedAsset {
  url: string;
  sha256: string;
  contentType: string;
  bytes: number;
}

export interface RecordingAsset {
  url: string;
  status: AssetStatus;
  sha256: string | null;
  contentType: string | null;
  bytes: number | null;
  /** A {@link AssetMissingReason} code, then `: ` and details. */
  reason: string | null;
  firstSeen: number;
}

export interface AssetSummary {
  pinned: number;
  missing: number;
  pending: number;
  pinnedBytes: number;
}

export interface StoredAsset {
  sha256: string;
  contentType: string;
  bytes: number;
  data: Buffer;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

interface AssetRow {
  url: string;
  status: AssetStatus;
  sha256: string | null;
  reason: string | null;
  first_seen_ms: number;
  content_type: string | null;
  bytes: number | null;
}

type Statements = Record<
  "putBlob" | "seen" | "settle" | "list" | "get" | "pinnedBytes" | "orphans",
  Statement
>;

/** Reads and writes the two asset tables. One instance per store connection. */
export class AssetTable {
  #stmt: Statements | null = null;

  constructor(private readonly db: Database) {}

  // Prepared on first use, so a file opened with a test's own migration list (no asset tables) still opens.
  private get stmt(): Statements {
    if (this.#stmt) return this.#stmt;
    const db = this.db;
    const has = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'recording_assets'")
      .get();
    if (!has)
      throw new StoreError(
        "OPEN_FAILED",
        "The recordings database has no asset tables; open it once without readonly to migrate it.",
      );
    this.#stmt = {
      putBlob: db.prepare(
        "INSERT INTO assets (sha256, content_type, bytes, created_at, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
      ),
      seen: db.prepare(
        `INSERT INTO recording_assets (recording_id, url, status, first_seen_ms, updated_at)
         VALUES (?, ?, 'pending', ?, ?) ON CONFLICT(recording_id, url) DO NOTHING`,
      ),
      settle: db.prepare(
        `INSERT INTO recording_assets (recording_id, url, status, sha256, reason, first_seen_ms, updated_at)
         VALUES (@id, @url, @status, @sha256, @reason, @now, @now)
         ON CONFLICT(recording_id, url) DO UPDATE SET status = @status, sha256 = @sha256, reason = @reason, updated_at = @now`,
      ),
      list: db.prepare(
        `SELECT r.url, r.status, r.sha256, r.reason, r.first_seen_ms, a.content_type, a.bytes
         FROM recording_assets r LEFT JOIN assets a ON a.sha256 = r.sha256
         WHERE r.recording_id = ? ORDER BY r.first_seen_ms, r.url`,
      ),
      get: db.prepare("SELECT sha256, content_type, bytes, data FROM assets WHERE sha256 = ?"),
      pinnedBytes: db.prepare(
        `SELECT coalesce(sum(a.bytes), 0) AS bytes FROM recording_assets r JOIN assets a ON a.sha256 = r.sha256
         WHERE r.recording_id = ? AND r.status = 'pinned'`,
      ),
      orphans: db.prepare(
        "DELETE FROM assets WHERE NOT EXISTS (SELECT 1 FROM recording_assets r WHERE r.sha256 = assets.sha256)",
      ),
    };
    return this.#stmt;
  }

  /** Notes URLs as pending (first appearance); URLs already known keep their state. */
  markSeen(recordingId: string, urls: readonly string[], now: number): void {
    this.run(() => {
      for (const url of urls) this.stmt.seen.run(recordingId, url, now, now);
    });
  }

  /** Stores the bytes (once per sha256) and marks `url` pinned to them for the recording. Returns the sha256. */
  pin(recordingId: string, url: string, contentType: string, data: Uint8Array, now: number): string {
    const sha256 = sha256Hex(data);
    this.run(() => {
      this.stmt.putBlob.run(sha256, contentType, data.byteLength, now, data);
      this.stmt.settle.run({ id: recordingId, url, status: "pinned", sha256, reason: null, now });
    });
    return sha256;
  }

  miss(recordingId: string, url: string, reason: AssetMissingReason, detail: string, now: number): void {
    this.run(() =>
      this.stmt.settle.run({
        id: recordingId,
        url,
        status: "missing",
        sha256: null,
        reason: `${reason}: ${detail}`,
        now,
      }),
    );
  }

  list(recordingId: string): RecordingAsset[] {
    return (this.stmt.list.all(recordingId) as AssetRow[]).map((row) => ({
      url: row.url,
      status: row.status,
      sha256: row.sha256,
      contentType: row.content_type,
      bytes: row.bytes,
      reason: row.reason,
      firstSeen: row.first_seen_ms,
    }));
  }

  /** The recording's pinned assets in the export shape (`{url, sha256, contentType, bytes}`). */
  pinned(recordingId: string): PinnedAsset[] {
    const out: PinnedAsset[] = [];
    for (const a of this.list(recordingId))
      if (a.status === "pinned" && a.sha256 && a.contentType && a.bytes !== null)
        out.push({ url: a.url, sha256: a.sha256, contentType: a.contentType, bytes: a.bytes });
    return out;
  }

  /** How many of the recording's asset URLs are in each state, and the pinned copies' bytes. */
  summary(recordingId: string): AssetSummary {
    const summary: AssetSummary = { pinned: 0, missing: 0, pending: 0, pinnedBytes: 0 };
    for (const a of this.list(recordingId)) {
      summary[a.status]++;
      if (a.status === "pinned") summary.pinnedBytes += a.bytes ?? 0;
    }
    return summary;
  }

  pinnedBytes(recordingId: string): number {
    return (this.stmt.pinnedBytes.get(recordingId) as { bytes: number }).bytes;
  }

  get(sha256: string): StoredAsset | null {
    if (!SHA256.test(sha256)) return null;
    const row = this.stmt.get.get(sha256) as
      { sha256: string; content_type: string; bytes: number; data: Buffer } | undefined;
    return row
      ? { sha256: row.sha256, contentType: row.content_type, bytes: row.bytes, data: row.data }
      : null;
  }

  /** Deletes bytes no recording points at any more (after recordings were deleted). Returns how many. */
  deleteOrphans(): number {
    return this.run(() => this.stmt.orphans.run().changes);
  }

  private run<T>(fn: () => T): T {
    if (this.db.readonly)
      throw new StoreError("READ_ONLY", "This store was opened read-only; assets cannot be stored");
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw fromSqliteError(error, "Storing pinned assets");
    }
  }
}
