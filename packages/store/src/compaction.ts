import type Database from "better-sqlite3";
import type { RrwebEvent } from "@replay-devkit/codec";
import { encodeChunk, type EncodedChunk } from "./chunks.js";
import { StoreError } from "./errors.js";
import { mergeChunks } from "./merge.js";
import type { Statements } from "./statements.js";
import { chunkRefs, loadChunk } from "./streams.js";
import type { CompactResult } from "./types.js";

// Compaction: a finished recording's small gzip ingest chunks become brotli blobs per window. Events
// and their read order stay identical; only the storage changes.

// Compacted blobs stay bounded so compaction and reading never hold a whole hour-long window at once.
const COMPACT_SEGMENT_BYTES = 4 * 1024 * 1024;

/**
 * Cuts one window's merged events into brotli blocks of at most COMPACT_SEGMENT_BYTES of JSON each,
 * handing each finished block to `write`. Shared by the SQLite and PostgreSQL compactions.
 */
export class CompactedBlocks {
  private events: RrwebEvent[] = [];
  private json: string[] = [];
  private size = 0;

  constructor(
    private readonly windowId: string,
    private readonly write: (block: EncodedChunk) => void,
  ) {}

  push(event: RrwebEvent): void {
    const text = JSON.stringify(event);
    if (this.events.length > 0 && this.size + text.length + 1 > COMPACT_SEGMENT_BYTES) this.end();
    this.events.push(event);
    this.json.push(text);
    this.size += text.length + 1;
  }

  /** Writes what is left as a last block. */
  end(): void {
    if (this.events.length === 0) return;
    this.write(encodeChunk(this.windowId, this.events, "br", this.json));
    this.events = [];
    this.json = [];
    this.size = 0;
  }
}

/** Runs inside the store's write transaction. Throws NOT_FOUND for an unknown recording. */
export function compactRecording(stmt: Statements, id: string): CompactResult {
  if (!stmt.getRow.get(id)) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
  const result: CompactResult = { chunksBefore: 0, chunksAfter: 0, bytesBefore: 0, bytesAfter: 0 };
  const stats = stmt.chunkStats.all(id) as {
    window_id: string;
    n: number;
    bytes: number;
    gz: number;
  }[];
  for (const stat of stats) {
    result.chunksBefore += stat.n;
    result.bytesBefore += stat.bytes;
    if (stat.n === 1 && stat.gz === 0) {
      result.chunksAfter += 1;
      result.bytesAfter += stat.bytes;
      continue;
    }
    const refs = chunkRefs(stmt, id, stat.window_id);
    const blocks = new CompactedBlocks(stat.window_id, (chunk) => {
      stmt.insertChunk.run(
        id,
        stat.window_id,
        chunk.firstTs,
        chunk.lastTs,
        chunk.eventCount,
        chunk.rawBytes,
        "br",
        chunk.data,
      );
      result.chunksAfter += 1;
      result.bytesAfter += chunk.data.length;
    });
    // Merged order is the read order, so writing segments in it keeps ties exactly as before.
    for (const { event } of mergeChunks(refs, (ref) => loadChunk(stmt, ref, id), null)) blocks.push(event);
    blocks.end();
    for (const ref of refs) stmt.deleteChunk.run(ref.seq);
  }
  return result;
}

/** Recordings with no writes since `cutoff` that still have gzip ingest chunks. */
export function idleRecordings(db: Database.Database, cutoff: number): string[] {
  return db
    .prepare(
      `SELECT r.id FROM recordings r WHERE r.updated_at < ?
         AND EXISTS (SELECT 1 FROM chunks c WHERE c.recording_id = r.id AND c.encoding = 'gzip')`,
    )
    .pluck()
    .all(cutoff) as string[];
}
