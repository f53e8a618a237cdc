import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RrwebEvent } from "@replay-devkit/codec";
import { S3Client, s3ConfigFromEnv } from "@replay-devkit/s3";
import { createDatabase, startS3Server, tempDir, type TestS3Server } from "@replay-devkit/test-utils";
import { decodeChunk } from "../../src/chunks.js";
import {
  openPostgresStore,
  openStore,
  PG_SCHEMA_VERSION,
  recordingPrefix,
  S3BlockStore,
  StoreError,
} from "../../src/index.js";
import { batch, click, SESSION } from "../events.js";
import "./drivers.js";

// Where the PostgreSQL and S3 drivers keep things, which the contract cannot see: migrations under
// a lock, ids as text, blocks in the bucket after compaction and close, the same block bytes in
// SQLite and S3, and clear errors that carry no secret.

async function keys(s3: S3Client, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const object of s3.list(prefix)) out.push(object.key);
  return out;
}

let server: TestS3Server;
let s3: S3Client;
beforeAll(async () => {
  server = await startS3Server({ bucket: "blocks" });
  s3 = new S3Client(s3ConfigFromEnv(server.env), "blocks");
});
afterAll(async () => {
  await server.stop();
});

describe("PostgreSQL driver", () => {
  it("migrates once when several processes open an empty database at the same moment", async () => {
    const url = await createDatabase(inject("postgres"));
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url })));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const versions = await client.query("SELECT version FROM replay_devkit_schema ORDER BY version");
      expect(versions.rows.map((r: { version: number }) => r.version)).toEqual(
        Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1),
      );
      await stores[0]?.ingestSnapshots([batch([click(1000)], { uuid: "m1" })]);
      const id = await client.query("SELECT id, pg_typeof(id)::text AS type FROM recordings");
      expect(id.rows).toEqual([{ id: SESSION, type: "text" }]);
    } finally {
      await client.end();
      for (const store of stores) await store.close();
    }
  });

  it("never shows the database password in an error", async () => {
    const error = await openPostgresStore({ url: "postgres://postgres:s3cret-pw@127.0.0.1:1/none" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).not.toContain("s3cret-pw");
    expect((error as StoreError).message).toContain("***");
  });
});

describe("PostgreSQL + S3 driver", () => {
  it("keeps new blocks in PostgreSQL, moves them to the bucket on compaction and on close", async () => {
    const url = await createDatabase(inject("postgres"));
    const blobStore = "s3://blocks/team/a";
    const store = await openPostgresStore({ url, blobStore, env: server.env });
    for (let i = 0; i < 5; i++) await store.ingestSnapshots([batch([click(1000 + i)], { uuid: `k${i}` })]);
    await store.ingestSnapshots([batch([click(5000)], { sessionId: "second", uuid: "s1" })]);
    expect(await keys(s3, "team/a/")).toEqual([]);
    await store.compact(SESSION);
    const compacted = await keys(s3, "team/a/");
    expect(compacted).toHaveLength(1);
    expect(compacted[0]).toMatch(new RegExp(`^team/a/${recordingPrefix(SESSION)}c-[0-9a-f-]+\\.blk$`));
    await store.close();
    expect(await keys(s3, `team/a/${recordingPrefix("second")}`)).toHaveLength(1);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query("SELECT count(*)::int AS n FROM block_data")).rows[0]).toEqual({ n: 0 });
      const stores = await client.query("SELECT DISTINCT store FROM blocks");
      expect(stores.rows).toEqual([{ store: "s3" }]);
    } finally {
      await client.end();
    }
    // Another process reads everything back from the bucket, by range.
    const again = await openPostgresStore({ url, blobStore, env: server.env });
    const events: number[] = [];
    for await (const item of again.iterateEvents(SESSION)) events.push(item.event.timestamp);
    expect(events).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(await again.deleteRecording(SESSION)).toBe(true);
    expect(await keys(s3, `team/a/${recordingPrefix(SESSION)}`)).toEqual([]);
    await again.close();
  });

  it("keeps pinned asset bytes in the bucket under assets/<sha256>, one object per copy", async () => {
    const url = await createDatabase(inject("postgres"));
    const blobStore = "s3://blocks/team/assets";
    const store = await openPostgresStore({ url, blobStore, env: server.env });
    await store.ingestSnapshots([batch([click(1000)], { uuid: "p1" })]);
    await store.ingestSnapshots([batch([click(2000)], { sessionId: "second", uuid: "p2" })]);
    const css = new TextEncoder().encode("body { background: url(bg.png) }");
    const sha = await store.assets.pin(SESSION, "http://app.localhost/a.css", "text/css", css);
    await store.assets.pin("second", "http://app.localhost/a.css?v=2", "text/css", css);
    expect(await keys(s3, "team/assets/assets/")).toEqual([`team/assets/assets/${sha}`]);
    expect(Buffer.from(await s3.get(`team/assets/assets/${sha}`)).equals(Buffer.from(css))).toBe(true);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const inDb = await client.query("SELECT count(*)::int AS n FROM block_data WHERE key LIKE 'assets/%'");
      expect(inDb.rows[0]).toEqual({ n: 0 });
      expect((await client.query("SELECT sha256, store FROM assets")).rows).toEqual([
        { sha256: sha, store: "s3" },
      ]);
    } finally {
      await client.end();
    }
    await store.deleteRecording(SESSION);
    expect(await keys(s3, "team/assets/assets/")).toHaveLength(1);
    await store.deleteRecording("second");
    expect(await keys(s3, "team/assets/assets/")).toEqual([]);
    await store.close();
  });

  it("refuses a missing bucket at open with a clear error", async () => {
    const url = await createDatabase(inject("postgres"));
    const error = await openPostgresStore({ url, blobStore: "s3://no-such-bucket/x", env: server.env }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain('"no-such-bucket" does not exist');
  });
});

describe("one block format", () => {
  it("copies a SQLite recording's blocks into a bucket unchanged and reads each back by byte range", async () => {
    using dir = tempDir("store-blocks-");
    const file = join(dir.path, "local.db");
    const local = openStore(file);
    local.ingestSnapshots([batch([click(1000), click(1100)], { uuid: "l1" })]);
    local.ingestSnapshots([batch([click(1050)], { uuid: "l2", windowId: "w-2" })]);
    const expected = Array.from(local.iterateEvents(SESSION), (e) => e);
    local.close();
    const db = new Database(file, { readonly: true });
    const rows = db
      .prepare("SELECT window_id, data, encoding, raw_bytes, event_count FROM chunks ORDER BY first_ts, seq")
      .all() as {
      window_id: string;
      data: Buffer;
      encoding: string;
      raw_bytes: number;
      event_count: number;
    }[];
    db.close();
    // Both blocks back to back in one object, as compaction writes them.
    const blocks = new S3BlockStore(s3, "copied");
    await blocks.put("one.blk", Buffer.concat(rows.map((r) => r.data)));
    let offset = 0;
    const read: { windowId: string; event: RrwebEvent }[] = [];
    for (const row of rows) {
      const bytes = await blocks.getRange("one.blk", offset, offset + row.data.length);
      expect(Buffer.from(bytes).equals(row.data)).toBe(true);
      for (const event of decodeChunk({ ...row, data: bytes }, "copied", row.window_id)) {
        read.push({ windowId: row.window_id, event });
      }
      offset += row.data.length;
    }
    read.sort((a, b) => a.event.timestamp - b.event.timestamp);
    expect(read).toEqual(expected);
    const listed: string[] = [];
    for await (const key of blocks.list("")) listed.push(key);
    expect(listed).toEqual(["one.blk"]);
  });
});
