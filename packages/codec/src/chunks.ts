import { base64Decode, gunzipMemberCapped, tooLargeMessage, utf8Decode } from "./bytes.js";
import { CodecError, describe } from "./errors.js";
import { isRecord, parseJson } from "./json.js";
import type { Limits } from "./limits.js";
import { utf16leDecodeStrict } from "./platform.js";

/*
 * PostHog's server (2021 to early 2023) did not store `$snapshot_data` as sent: it gathered the
 * snapshots of one session window, JSON-encoded the list, encoded that text as UTF-16 (with a BOM),
 * gzipped and base64-encoded it, and cut the base64 *text* into 512 KiB slices, each stored as
 * `{chunk_id, chunk_index, chunk_count, data, compression: "gzip-base64", has_full_snapshot}`.
 * A slice on its own decodes to nothing; only the joined text is base64 of one gzip stream.
 */

/** Old installs ran the same chunking with slices of this size; anything far beyond is not a real set. */
const MAX_CHUNK_COUNT = 1_000_000;
const MAX_LISTED_MISSING = 20;

/** Any object carrying `chunk_id` is a piece, as in PostHog's own readers; its other fields are then checked. */
export function isSnapshotChunk(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && "chunk_id" in value;
}

interface ChunkSet {
  id: string;
  count: number;
  pieces: (string | undefined)[];
  received: number;
  /** Where the first piece was, for errors and event paths. */
  path: string;
  windowId: string;
  sessionKey: string;
}

export interface DecodedChunkSet {
  chunkId: string;
  windowId: string;
  sessionKey: string;
  /** Path prefix for the decoded events: `chunks["<chunk_id>"]`. */
  path: string;
  events: unknown[];
}

/**
 * Collects chunk pieces in any order (duplicates of the same piece are fine), then decodes every
 * complete set. Sets are decoded in the order their first piece appeared; all of them share one
 * decompression budget.
 */
export class ChunkAssembler {
  private readonly sets = new Map<string, ChunkSet>();
  private used = 0;

  constructor(private readonly limits: Limits) {}

  get size(): number {
    return this.sets.size;
  }

  /** `windowId`/`sessionKey` come from the piece's context; the first piece of a set decides them. */
  add(piece: Record<string, unknown>, path: string, windowId: string, sessionKey = ""): void {
    const id = piece.chunk_id;
    if ((typeof id !== "string" || id === "") && (typeof id !== "number" || !Number.isFinite(id))) {
      throw new CodecError("INVALID_EVENT", `Expected chunk_id to be a string, got ${describe(id)}`, {
        path: `${path}.chunk_id`,
      });
    }
    const chunkId = String(id);
    const count = piece.chunk_count;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_CHUNK_COUNT) {
      throw new CodecError(
        "INVALID_EVENT",
        `Expected chunk_count to be a whole number from 1 to ${MAX_CHUNK_COUNT}, got ${describe(count)}`,
        { path: `${path}.chunk_count` },
      );
    }
    const index = piece.chunk_index;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) {
      throw new CodecError(
        "INVALID_EVENT",
        `Expected chunk_index to be a whole number from 0 to ${count - 1} (chunk_count is ${count}), got ${describe(index)}`,
        { path: `${path}.chunk_index` },
      );
    }
    if (typeof piece.data !== "string") {
      throw new CodecError(
        "INVALID_EVENT",
        `Expected the chunk's data to be a base64 string, got ${describe(piece.data)}`,
        { path: `${path}.data` },
      );
    }
    const compression = piece.compression;
    if (compression !== undefined && compression !== null && compression !== "gzip-base64") {
      throw new CodecError(
        "UNSUPPORTED_ENCODING",
        `Unsupported chunk compression ${describe(compression)}; PostHog only wrote "gzip-base64"`,
        { path: `${path}.compression` },
      );
    }
    let set = this.sets.get(chunkId);
    if (!set) {
      set = { id: chunkId, count, pieces: [], received: 0, path, windowId, sessionKey };
      this.sets.set(chunkId, set);
    } else if (set.count !== count) {
      throw new CodecError(
        "INVALID_EVENT",
        `Chunk ${JSON.stringify(chunkId)}: this piece says chunk_count ${count}, an earlier one (at ${set.path}) said ${set.count}`,
        { path: `${path}.chunk_count` },
      );
    }
    const existing = set.pieces[index];
    if (existing !== undefined) {
      // The same piece twice (overlapping pages of an export) is harmless; two different ones are not.
      if (existing === piece.data) return;
      throw new CodecError(
        "INVALID_EVENT",
        `Chunk ${JSON.stringify(chunkId)} has two different pieces with chunk_index ${index}`,
        { path: `${path}.data` },
      );
    }
    set.pieces[index] = piece.data;
    set.received++;
  }

  /** Decodes every set; throws `INCOMPLETE_CHUNKS` naming the set and the missing indexes. */
  *decode(): Generator<DecodedChunkSet> {
    for (const set of this.sets.values()) {
      if (set.received !== set.count) throw incomplete(set);
      yield {
        chunkId: set.id,
        windowId: set.windowId,
        sessionKey: set.sessionKey,
        path: `chunks[${JSON.stringify(set.id)}]`,
        events: this.decodeSet(set),
      };
    }
  }

  private decodeSet(set: ChunkSet): unknown[] {
    const where = `Chunk ${JSON.stringify(set.id)} (${set.count} piece${set.count === 1 ? "" : "s"})`;
    const text = set.pieces.join("");
    const remaining = this.limits.maxDecompressedBytes - this.used;
    const compressed = base64Decode(text);
    if (!compressed) {
      throw new CodecError(
        "INVALID_EVENT",
        `${where}: the joined data is not valid base64 (is a piece cut or altered?)`,
        { path: set.path },
      );
    }
    let plain: Uint8Array;
    try {
      if (remaining <= 0)
        throw new CodecError("TOO_LARGE", tooLargeMessage(this.limits.maxDecompressedBytes));
      // Python's gzip.compress writes one member, so its trailer's size can size the output up front.
      plain = gunzipMemberCapped(compressed, remaining);
    } catch (error) {
      if (error instanceof CodecError) {
        const message =
          error.code === "TOO_LARGE"
            ? tooLargeMessage(this.limits.maxDecompressedBytes)
            : `${where}: ${error.message}`;
        throw new CodecError(error.code, message, { path: set.path, cause: error });
      }
      throw error;
    }
    this.used += plain.length;
    const parsed = parseJson(decodeText(plain, where, set.path), `${where}'s decoded data`, set.path);
    if (Array.isArray(parsed)) return parsed;
    if (isRecord(parsed)) return [parsed];
    throw new CodecError(
      "INVALID_EVENT",
      `${where}: expected a JSON list of snapshot events, got ${describe(parsed)}`,
      { path: set.path },
    );
  }
}

function incomplete(set: ChunkSet): CodecError {
  const missing: number[] = [];
  for (let i = 0; i < set.count && missing.length <= MAX_LISTED_MISSING; i++) {
    if (set.pieces[i] === undefined) missing.push(i);
  }
  const absent = set.count - set.received;
  const listed = missing.slice(0, MAX_LISTED_MISSING).join(", ");
  const more = absent > MAX_LISTED_MISSING ? ` and ${absent - MAX_LISTED_MISSING} more` : "";
  return new CodecError(
    "INCOMPLETE_CHUNKS",
    `Chunk ${JSON.stringify(set.id)} is incomplete: ${set.received} of ${set.count} pieces, missing chunk_index ${listed}${more}. Export the recording again including every $snapshot event`,
    { path: set.path },
  );
}

/**
 * PostHog encoded the JSON as Python's "utf-16" (a BOM, then native order, in practice little
 * endian) before gzipping. Decoded code unit by code unit so lone surrogates, which Python's
 * `surrogatepass` let through, survive as they were. Data without a BOM is taken as UTF-8.
 */
function decodeText(bytes: Uint8Array, where: string, path: string): string {
  const le = bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe;
  const be = bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff;
  if (!le && !be) return utf8Decode(bytes);
  if (bytes.length % 2 !== 0) {
    throw new CodecError("INVALID_EVENT", `${where}: UTF-16 data with an odd number of bytes (cut short?)`, {
      path,
    });
  }
  let le16 = bytes.subarray(2);
  if (be) {
    le16 = new Uint8Array(bytes.length - 2);
    for (let i = 2; i < bytes.length; i += 2) {
      le16[i - 2] = bytes[i + 1] as number;
      le16[i - 1] = bytes[i] as number;
    }
  }
  const fast = utf16leDecodeStrict(le16);
  if (fast !== null) return fast;
  const units = new Uint16Array(le16.length / 2);
  for (let i = 0, j = 0; i < units.length; i++, j += 2) {
    units[i] = (le16[j] as number) | ((le16[j + 1] as number) << 8);
  }
  let out = "";
  for (let i = 0; i < units.length; i += 0x8000) {
    out += String.fromCharCode.apply(null, units.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return out;
}
