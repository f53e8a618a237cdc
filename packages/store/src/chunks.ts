import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from "node:zlib";
import type { RrwebEvent } from "@replay-devkit/codec";
import { StoreError } from "./errors.js";

export type ChunkEncoding = "gzip" | "br";

export interface EncodedChunk {
  firstTs: number;
  lastTs: number;
  eventCount: number;
  rawBytes: number;
  encoding: ChunkEncoding;
  data: Buffer;
}

// Ingest is bounded by JSON.parse, not by compression (PLATFORM.md §6), so a cheap gzip level keeps
// the hot path fast; compaction later trades CPU for size with brotli over a whole window.
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

/** `events` must already be sorted (see sortEvents). */
export function encodeChunk(
  events: readonly RrwebEvent[],
  json: string,
  encoding: ChunkEncoding,
): EncodedChunk {
  const raw = Buffer.from(json, "utf8");
  const data =
    encoding === "gzip"
      ? gzipSync(raw, { level: INGEST_GZIP_LEVEL })
      : brotliCompressSync(raw, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: COMPACT_BROTLI_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        });
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last) throw new StoreError("INVALID_INPUT", "A chunk needs at least one event");
  return {
    firstTs: first.timestamp,
    lastTs: last.timestamp,
    eventCount: events.length,
    rawBytes: raw.length,
    encoding,
    data,
  };
}

/** Decodes a stored chunk; the stored raw size caps decompression so a damaged row cannot exhaust memory. */
export function decodeChunk(
  row: { data: Buffer; encoding: string; raw_bytes: number; event_count: number },
  where: string,
): RrwebEvent[] {
  let raw: Buffer;
  try {
    const maxOutputLength = Math.max(1, row.raw_bytes);
    if (row.encoding === "gzip") raw = gunzipSync(row.data, { maxOutputLength });
    else if (row.encoding === "br") raw = brotliDecompressSync(row.data, { maxOutputLength });
    else throw new Error(`unknown chunk encoding ${JSON.stringify(row.encoding)}`);
  } catch (error) {
    throw new StoreError(
      "CORRUPT",
      `${where}: a stored event chunk cannot be decompressed (${String(error)})`,
      {
        cause: error,
      },
    );
  }
  let events: unknown;
  try {
    events = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new StoreError("CORRUPT", `${where}: a stored event chunk is not valid JSON`, { cause: error });
  }
  if (!Array.isArray(events) || events.length !== row.event_count) {
    throw new StoreError(
      "CORRUPT",
      `${where}: a stored event chunk does not hold the expected ${row.event_count} events`,
    );
  }
  return events as RrwebEvent[];
}
