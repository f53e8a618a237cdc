import { createHash } from "node:crypto";
import type { Database, Statement } from "better-sqlite3";
import { fromSqliteError, StoreError } from "./errors.js";

// Pinned assets: copies of the images, stylesheets and fonts a recording referenced, fetched while it
// was captured, so the replay still looks right after the app's server stopped. Every driver keeps the
// same two things: each copy once by sha256 (content type, size, bytes in the driver's block store:
// the SQLite file, PostgreSQL's block_data, or the bucket under `assets/<sha256>`), and per recording
// and URL whether it was pinned and to which copy, or why not.

export const ASSET_STATUSES = ["pending", "pinned", "missing"] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/** Why an asset could not be pinned; stable codes a user can act on (see the server README). */
export const ASSET_MISSING_REASONS = [
  "other-origin",
  "too-large",
  "recording-cap",
  "wrong-type",
  "redirect-other-origin",
  "too-many-redirects",
  "timeout",
  "http-error",
  "network-error",
  "invalid-url",
  "queue-full",
  "empty",
] as const;
export type AssetMissingReason = (typeof ASSET_MISSING_REASONS)[number];

/** One pinned URL of a recording, as the exports take it (lookup by original URL). */
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
  /** When the URL first appeared in the recording (epoch ms, the store's clock). */
  firstSeen: number;
}

export interface AssetSummary {
  pinned: number;
  missing: number;
  pending: number;
  /** Bytes of the distinct pinned copies the recording points at. */
  pinnedBytes: number;
}

export interface StoredAsset {
  sha256: string;
  contentType: string;
  bytes: number;
  data: Uint8Array;
}

/**
 * The pinned-asset half of the storage seam, identical on every driver (the contract suite runs it
 * against each). Writes throw READ_ONLY on read-only stores; a recording that does not exist is
 * NOT_FOUND. Deleting or pruning a recording frees the copies no other recording points at.
 */
export interface AssetStore {
  /** Notes URLs as pending (first appearance); URLs already known keep their state. */
  markSeen(recordingId: string, urls: readonly string[]): Promise<void>;
  /** Stores the bytes once per sha256 and marks `url` pinned to them for the recording. Returns the sha256. */
  pin(recordingId: string, url: string, contentType: string, data: Uint8Array): Promise<string>;
  miss(recordingId: string, url: string, reason: AssetMissingReason, detail: string): Promise<void>;
  /** Every asset URL of the recording with its state, in order of first appearance. */
  list(recordingId: string): Promise<RecordingAsset[]>;
  /** The recording's pinned URLs (`{url, sha256, contentType, bytes}`): what exports and players rewrite to. */
  pinned(recordingId: string): Promise<PinnedAsset[]>;
  summary(recordingId: string): Promise<AssetSummary>;
  /** One copy with its bytes; null for an unknown or malformed sha256. */
  get(sha256: string): Promise<StoredAsset | null>;
}

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
/** Longer URLs are refused (INVALID_INPUT): a data: URL is never an asset to pin. */
export const MAX_ASSET_URL_CHARS = 4096;
const MAX_CONTENT_TYPE_CHARS = 200;
const MAX_DETAIL_CHARS = 500;

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The block-store key of a copy: `assets/<sha256>` (the bucket keeps it under the store's prefix). */
export function assetKey(sha256: string): string {
  return `assets/${sha256}`;
}

export function checkAssetUrl(url: string): void {
  if (typeof url !== "string" || url.length === 0 || url.length > MAX_ASSET_URL_CHARS) {
    throw new StoreError(
      "INVALID_INPUT",
      `An asset URL must be 1-${MAX_ASSET_URL_CHARS} characters (got ${String(url).length})`,
    );
  }
}

export function checkContentType(contentType: string): void {
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(contentType) || contentType.length > MAX_CONTENT_TYPE_CHARS) {
    throw new StoreError(
      "INVALID_INPUT",
      `Not a content type: ${JSON.stringify(contentType.slice(0, 80))} (type/subtype, no parameters)`,
    );
  }
}

export function checkReason(reason: string): void {
  if (!(ASSET_MISSING_REASONS as readonly string[]).includes(reason)) {
    throw new StoreError(
      "INVALID_INPUT",
      `Unknown asset missing reason ${JSON.stringify(reason.slice(0, 80))}; use one of ${ASSET_MISSING_REASONS.join(", ")}`,
    );
  }
}

export function reasonText(reason: AssetMissingReason, detail: string): string {
  return detail === "" ? reason : `${reason}: ${detail.slice(0, MAX_DETAIL_CHARS)}`;
}

export function pinnedOf(list: readonly RecordingAsset[]): PinnedAsset[] {
  const out: PinnedAsset[] = [];
  for (const a of list)
    if (a.status === "pinned" && a.sha256 !== null && a.contentType !== null && a.bytes !== null)
      out.push({ url: a.url, sha256: a.sha256, contentType: a.contentType, bytes: a.bytes });
  return out;
}

export function summaryOf(list: readonly RecordingAsset[]): AssetSummary {
  const summary: AssetSummary = { pinned: 0, missing: 0, pending: 0, pinnedBytes: 0 };
  const counted = new Set<string>();
  for (const a of list) {
    summary[a.status]++;
    if (a.status === "pinned" && a.sha256 !== null && !counted.has(a.sha256)) {
      counted.add(a.sha256);
      summary.pinnedBytes += a.bytes ?? 0;
    }
  }
  return summary;
}

/** The columns both drivers' list queries return. */
export interface AssetListRow {
  url: string;
  status: AssetStatus;
  sha256: string | null;
  reason: string | null;
  first_seen_ms: number;
  content_type: string | null;
  bytes: number | null;
}

export function toRecordingAsset(row: AssetListRow): RecordingAsset {
  return {
    url: row.url,
    status: row.status,
    sha256: row.sha256,
    contentType: row.content_type,
    bytes: row.bytes === null ? null : Number(row.bytes),
    reason: row.reason,
    firstSeen: Number(row.first_seen_ms),
  };
}

// ---- SQLite -----------------------------------------------------------------------------------

/** SQLite's asset tables (migration 4): the bytes live in the same file, like event chunks. */
export const SQLITE_ASSETS_SQL = `
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
`;

type Statements = Record<"exists" | "putBlob" | "seen" | "settle" | "list" | "get" | "orphans", Statement>;

/** The synchronous SQLite side; SqliteRecordingStore puts it behind the async AssetStore. */
export class SqliteAssetTable {
  #prepared: Statements | null = null;

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly isClosed: () => boolean,
  ) {}

  // Prepared on first use: a file opened with a test's own (older) migration list has no asset tables.
  get #stmt(): Statements {
    const db = this.db;
    return (this.#prepared ??= {
      exists: db.prepare("SELECT 1 FROM recordings WHERE id = ?"),
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
      orphans: db.prepare(
        "DELETE FROM assets WHERE NOT EXISTS (SELECT 1 FROM recording_assets r WHERE r.sha256 = assets.sha256)",
      ),
    });
  }

  markSeen(recordingId: string, urls: readonly string[]): void {
    for (const url of urls) checkAssetUrl(url);
    this.write(recordingId, "Noting asset URLs", () => {
      const now = this.now();
      for (const url of urls) this.#stmt.seen.run(recordingId, url, now, now);
    });
  }

  pin(recordingId: string, url: string, contentType: string, data: Uint8Array): string {
    checkAssetUrl(url);
    checkContentType(contentType);
    const sha256 = sha256Hex(data);
    this.write(recordingId, "Storing a pinned asset", () => {
      const now = this.now();
      this.#stmt.putBlob.run(sha256, contentType, data.byteLength, now, data);
      this.#stmt.settle.run({ id: recordingId, url, status: "pinned", sha256, reason: null, now });
    });
    return sha256;
  }

  miss(recordingId: string, url: string, reason: AssetMissingReason, detail: string): void {
    checkAssetUrl(url);
    checkReason(reason);
    this.write(recordingId, "Noting a missing asset", () => {
      this.#stmt.settle.run({
        id: recordingId,
        url,
        status: "missing",
        sha256: null,
        reason: reasonText(reason, detail),
        now: this.now(),
      });
    });
  }

  list(recordingId: string): RecordingAsset[] {
    return this.read("Reading pinned assets", () =>
      (this.#stmt.list.all(recordingId) as AssetListRow[]).map(toRecordingAsset),
    );
  }

  get(sha256: string): StoredAsset | null {
    this.assertOpen();
    if (!SHA256_PATTERN.test(sha256)) return null;
    const row = this.read(
      "Reading a pinned asset",
      () =>
        this.#stmt.get.get(sha256) as
          { sha256: string; content_type: string; bytes: number; data: Buffer } | undefined,
    );
    return row
      ? { sha256: row.sha256, contentType: row.content_type, bytes: row.bytes, data: row.data }
      : null;
  }

  /** Deletes copies no recording points at; runs inside the caller's delete/prune transaction. */
  deleteOrphans(): number {
    if (!this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'assets'").get()) return 0;
    return this.#stmt.orphans.run().changes;
  }

  private assertOpen(): void {
    if (this.isClosed()) throw new StoreError("CLOSED", "The recordings database is closed");
  }

  private read<T>(what: string, fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (error) {
      throw fromSqliteError(error, what);
    }
  }

  private write(recordingId: string, what: string, fn: () => void): void {
    this.assertOpen();
    if (this.db.readonly)
      throw new StoreError("READ_ONLY", `${what}: the recordings database was opened read-only`);
    try {
      this.db
        .transaction(() => {
          if (!this.#stmt.exists.get(recordingId))
            throw new StoreError("NOT_FOUND", `No recording with id ${recordingId}`);
          fn();
        })
        .immediate();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw fromSqliteError(error, what);
    }
  }
}
