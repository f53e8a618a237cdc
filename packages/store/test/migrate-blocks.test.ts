import { join } from "node:path";
import { brotliCompressSync, gunzipSync, gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RrwebEvent } from "@replay-devkit/codec";
import { capturedRrwebEvents, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { MIGRATIONS, SCHEMA_VERSION, openStore } from "../src/index.js";

// What main (schema version 2) wrote: each chunk one JSON array of events, gzip at ingest and brotli
// after compaction. The test writes such a file through version 2's migrations and rewrites its chunks
// back into that array format, then opens it with the current code.

const SESSION = "01a202c2-74cd-7f89-946b-520763bdef30";
const WINDOW = "01a202c2-74cd-7f89-946b-5208f7989094";

let dir: TempDir;
let file: string;
beforeEach(() => {
  dir = tempDir("store-migrate-");
  file = join(dir.path, "recordings.db");
});
afterEach(() => dir.cleanup());

function toVersion2Chunks(path: string): number {
  const db = new Database(path);
  const rows = db.prepare("SELECT seq, data, encoding FROM chunks").all() as {
    seq: number;
    data: Buffer;
    encoding: string;
  }[];
  const update = db.prepare("UPDATE chunks SET data = ?, raw_bytes = ?, encoding = ? WHERE seq = ?");
  rows.forEach((row, i) => {
    const text = gunzipSync(row.data).toString("utf8");
    const events = text
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as [string, RrwebEvent])[1]);
    const raw = Buffer.from(JSON.stringify(events));
    // Half the chunks as compacted brotli blobs, as main's compaction left them.
    const brotli = i % 2 === 1;
    update.run(brotli ? brotliCompressSync(raw) : gzipSync(raw), raw.length, brotli ? "br" : "gzip", row.seq);
  });
  db.close();
  return rows.length;
}

describe("migration to the shared block format", () => {
  it("rewrites a version-2 file's chunks into JSONL blocks on first open, events and metadata unchanged", () => {
    const events = capturedRrwebEvents("A")
      .slice(0, 300)
      .map((e) => e.event as unknown as RrwebEvent);
    const old = openStore(file, { migrations: MIGRATIONS.slice(0, 2) });
    for (let i = 0; i < events.length; i += 50) {
      old.ingestRrweb(SESSION, WINDOW, events.slice(i, i + 50), { batchId: `b${i}` });
    }
    const before = old.getRecording(SESSION);
    old.close();
    expect(events.length).toBeGreaterThan(100);
    expect(toVersion2Chunks(file)).toBe(Math.ceil(events.length / 50));

    const store = openStore(file);
    const read = Array.from(store.iterateEvents(SESSION), (e) => e.event);
    expect(read).toEqual([...events].sort((a, b) => a.timestamp - b.timestamp));
    expect(store.getRecording(SESSION)).toEqual(before);
    // Retries of batches stored before the migration stay duplicates.
    expect(store.ingestRrweb(SESSION, WINDOW, events.slice(0, 50), { batchId: "b0" }).duplicates).toBe(1);
    store.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const first = db.prepare("SELECT data, encoding FROM chunks ORDER BY seq LIMIT 1").get() as {
      data: Buffer;
      encoding: string;
    };
    expect(first.encoding).toBe("gzip");
    const line = gunzipSync(first.data).toString("utf8").split("\n")[0] ?? "";
    expect((JSON.parse(line) as unknown[])[0]).toBe(WINDOW);
    db.close();
  });
});
