import { randomUUID } from "node:crypto";
import type { Pool, PoolClient } from "pg";
import { isS3Error, type S3Client } from "@replay-devkit/s3";
import { StoreError } from "./errors.js";
import type { BlockStore } from "./seam.js";

// The block stores. Keys look like `recordings/<id>/<name>.blk`; the id is percent-encoded with dots
// too, so no id (`..`, `a/b`) can climb out of its folder in a bucket or a file-backed S3 server.

export function recordingPrefix(recordingId: string): string {
  return `recordings/${encodeURIComponent(recordingId).replaceAll(".", "%2E")}/`;
}

/** A fresh key for a new block of `recordingId`. */
export function newBlockKey(recordingId: string, kind: "i" | "c"): string {
  return `${recordingPrefix(recordingId)}${kind}-${randomUUID()}.blk`;
}

/** Blocks in the `block_data` table of the PostgreSQL database. */
export class PgBlockStore implements BlockStore {
  constructor(private readonly pool: Pool) {}

  async put(key: string, bytes: Uint8Array, client?: PoolClient): Promise<void> {
    await (client ?? this.pool).query(
      "INSERT INTO block_data (key, data) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data",
      [key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const result = await this.pool.query<{ part: Buffer; size: number }>(
      "SELECT substring(data FROM $2 FOR $3) AS part, length(data) AS size FROM block_data WHERE key = $1",
      [key, start + 1, end - start],
    );
    const row = result.rows[0];
    if (!row) throw new StoreError("NOT_FOUND", `No block ${key} in the database`);
    if (row.part.byteLength !== end - start) {
      throw new StoreError(
        "CORRUPT",
        `Block ${key} has ${row.size} bytes; the range ${start}-${end} is outside it`,
      );
    }
    return row.part;
  }

  async *list(prefix: string): AsyncIterable<string> {
    // Pages by key, so a prefix with millions of blocks never sits in memory at once.
    let after = "";
    for (;;) {
      const rows = (
        await this.pool.query<{ key: string }>(
          'SELECT key FROM block_data WHERE starts_with(key, $1) AND key > $2 ORDER BY key COLLATE "C" LIMIT 1000',
          [prefix, after],
        )
      ).rows;
      for (const row of rows) yield row.key;
      const last = rows.at(-1);
      if (!last || rows.length < 1000) return;
      after = last.key;
    }
  }

  async delete(key: string, client?: PoolClient): Promise<void> {
    await (client ?? this.pool).query("DELETE FROM block_data WHERE key = $1", [key]);
  }
}

/** Blocks as objects under `PREFIX/` in an existing bucket. */
export class S3BlockStore implements BlockStore {
  constructor(
    private readonly s3: S3Client,
    private readonly prefix: string,
  ) {}

  private full(key: string): string {
    return this.prefix === "" ? key : `${this.prefix}/${key}`;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.s3.put(this.full(key), bytes, { contentType: "application/octet-stream" });
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array> {
    try {
      return await this.s3.get(this.full(key), { range: { start, end } });
    } catch (error) {
      if (isS3Error(error) && error.code === "NOT_FOUND") {
        throw new StoreError("NOT_FOUND", `No block ${key} in s3://${this.s3.bucket}/${this.prefix}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const strip = this.prefix === "" ? 0 : this.prefix.length + 1;
    for await (const object of this.s3.list(this.full(prefix))) yield object.key.slice(strip);
  }

  async delete(key: string): Promise<void> {
    await this.s3.delete(this.full(key));
  }
}
