import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from "node:zlib";
import type { RrwebEvent } from "@replay-devkit/codec";
import { StoreError } from "./errors.js";

// THE block format, shared by every driver (SQLite chunks, PostgreSQL block_data, S3 objects): a block
// is one window's events, in timestamp order, as JSONL lines `[windowId, event]\n`, compressed as a
// whole with gzip or brotli from node:zlib. Each block decompresses on its own, so blocks can be
// concatenated into one object and read back by byte range. The index row next to it (recording,
// window, first/last timestamp, event count, raw size, encoding, key, byte range) is all a reader needs.

export type ChunkEncoding = "gzip" | "br";

export interface EncodedChunk {
  firstTs: number;
  lastTs: number;
  eventCount: number;
  /** Decompressed size of the block: caps decompression when it is read back. */
  rawBytes: number;
  /** The events' own JSONL size (what the metadata's sizeBytes counts), without the window wrapper. */
  eventBytes: number;
  encoding: ChunkEncoding;
  data: Buffer;
}

// Ingest is bounded by JSON.parse, not by compression (PLATFORM.md §6), so a cheap gzip level keeps
// the hot path fast; compaction later trades CPU for size with brotli over a whole window (about 2x
// smaller than many small gzip blocks, docs/decisions/0003). zstd would suit too, but node:zlib has it
// only from Node 22.15; we support Node 20.
const INGEST_GZIP_LEVEL = 1;
const COMPACT_BROTLI_QUALITY = 4;

/** Sorts by timestamp keeping arrival order for ties, and checks every timestamp is a finite number. */
export function sortEvents(events: readonly RrwebEvent[], where: string): RrwebEvent[] {
  if (!Array.isArray(events)) throw new StoreError("INVALID_INPUT", `${where}: events must be an array`);
  events.forEach((event, index) => {
    const ts: unknown = (event as { timestamp?: unknown } | null)?.timestamp;
    if (typeof ts !== "number" || !Number.isFinite(ts)) {
      throw new StoreError("INVALID_INPUT", `${where}: event ${index} has no numeric timestamp`);
    }
  });
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.timestamp - b.event.timestamp || a.index - b.index)
    .map((entry) => entry.event);
}

export function compress(raw: Buffer, encoding: ChunkEncoding): Buffer {
  return encoding === "gzip"
    ? gzipSync(raw, { level: INGEST_GZIP_LEVEL })
    : brotliCompressSync(raw, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: COMPACT_BROTLI_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        },
      });
}

/**
 * One block from one window's events, which must already be sorted (see sortEvents). `eventJson`
 * is `events.map(JSON.stringify)` when the caller has it already.
 */
export function encodeChunk(
  windowId: string,
  events: readonly RrwebEvent[],
  encoding: ChunkEncoding,
  eventJson?: readonly string[],
): EncodedChunk {
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last) throw new StoreError("INVALID_INPUT", "A chunk needs at least one event");
  const prefix = `[${JSON.stringify(windowId)},`;
  let text = "";
  for (let i = 0; i < events.length; i++)
    text += `${prefix}${eventJson?.[i] ?? JSON.stringify(events[i])}]\n`;
  const raw = Buffer.from(text, "utf8");
  // Each line is the event's JSON plus the same wrapper bytes; sizeBytes counts JSON plus newline.
  const wrapperBytes = (Buffer.byteLength(prefix) + 1) * events.length;
  return {
    firstTs: first.timestamp,
    lastTs: last.timestamp,
    eventCount: events.length,
    rawBytes: raw.length,
    eventBytes: raw.length - wrapperBytes,
    encoding,
    data: compress(raw, encoding),
  };
}

export function decompress(data: Uint8Array, encoding: string, rawBytes: number, where: string): Buffer {
  try {
    const maxOutputLength = Math.max(1, rawBytes);
    if (encoding === "gzip") return gunzipSync(data, { maxOutputLength });
    if (encoding === "br") return brotliDecompressSync(data, { maxOutputLength });
    throw new Error(`unknown chunk encoding ${JSON.stringify(encoding)}`);
  } catch (error) {
    throw new StoreError(
      "CORRUPT",
      `${where}: a stored event chunk cannot be decompressed (${String(error)})`,
      {
        cause: error,
      },
    );
  }
}

/** Decodes a stored block; the stored raw size caps decompression so a damaged row cannot exhaust memory. */
export function decodeChunk(
  row: { data: Uint8Array; encoding: string; raw_bytes: number; event_count: number },
  where: string,
  windowId?: string,
): RrwebEvent[] {
  const text = decompress(row.data, row.encoding, row.raw_bytes, where).toString("utf8");
  let lines: unknown;
  try {
    // JSON.stringify never leaves a raw newline inside a value, so the lines joined by commas are
    // one JSON array: a single parse instead of one per line.
    lines = JSON.parse(
      `[${text.endsWith("\n") ? text.slice(0, -1).replaceAll("\n", ",") : text.replaceAll("\n", ",")}]`,
    );
  } catch (error) {
    throw new StoreError("CORRUPT", `${where}: a stored event chunk is not valid JSONL`, { cause: error });
  }
  if (!Array.isArray(lines) || lines.length !== row.event_count) {
    throw new StoreError(
      "CORRUPT",
      `${where}: a stored event chunk does not hold the expected ${row.event_count} events`,
    );
  }
  const events = new Array<RrwebEvent>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as unknown;
    if (
      !Array.isArray(line) ||
      line.length !== 2 ||
      typeof line[0] !== "string" ||
      (windowId !== undefined && line[0] !== windowId)
    ) {
      throw new StoreError(
        "CORRUPT",
        `${where}: line ${i + 1} of a stored event chunk is not [windowId, event]`,
      );
    }
    events[i] = line[1] as RrwebEvent;
  }
  return events;
}

/** Reads a block of the version-2 format (one JSON array of events), for the migration to JSONL. */
export function decodeLegacyChunk(
  row: { data: Uint8Array; encoding: string; raw_bytes: number; event_count: number },
  where: string,
): RrwebEvent[] {
  const events: unknown = JSON.parse(
    decompress(row.data, row.encoding, row.raw_bytes, where).toString("utf8"),
  );
  if (!Array.isArray(events) || events.length !== row.event_count) {
    throw new StoreError(
      "CORRUPT",
      `${where}: a stored event chunk does not hold the expected ${row.event_count} events`,
    );
  }
  return events as RrwebEvent[];
}
