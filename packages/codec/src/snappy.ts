import { tooLargeMessage } from "./bytes.js";
import { CodecError } from "./errors.js";
import { resolveLimits, type Limits } from "./limits.js";

/*
 * Raw Snappy (block format, not the framing format) as PostHog stores session blocks, and the
 * 4-byte big-endian length prefix its snapshots API puts before each block when asked for
 * `decompress=false`. Written here rather than taken from a library so that every read is bounds
 * checked, the output is allocated only after the declared size has been checked against both the
 * budget and what the input could possibly expand to, and errors say which block and byte broke.
 */

/** Where a block sits in its file, for error messages. */
interface BlockPlace {
  index: number;
  /** File offset of the block's first byte (after its length prefix). */
  base: number;
}

// The best expansion an element can give: a 3-byte copy with a 2-byte offset writes 64 bytes.
// (1-byte-offset copies give 11 from 2, 4-byte-offset copies 64 from 5, literals less than 1:1.)
const MAX_EXPANSION_NUMERATOR = 64;
const MAX_EXPANSION_DENOMINATOR = 3;
// Below this a byte loop beats set/copyWithin's call overhead; overlapping copies always use the loop.
const SHORT_COPY = 16;

function corrupt(place: BlockPlace | undefined, offset: number, reason: string): never {
  const where =
    place === undefined
      ? `at byte ${offset}`
      : `in block ${place.index} at byte ${place.base + offset} of the file (byte ${offset} of the block)`;
  throw new CodecError(
    "INVALID_SNAPPY",
    `Corrupt or truncated Snappy data ${where}: ${reason}`,
    place === undefined ? {} : { path: `blocks[${place.index}]` },
  );
}

/** Reads the block's uncompressed-length header: a little-endian base-128 varint of at most 32 bits. */
function readLength(src: Uint8Array, place?: BlockPlace): { length: number; next: number } {
  let length = 0;
  let pos = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= src.length) corrupt(place, pos, "the data ends inside the length header");
    const byte = src[pos++] as number;
    if (shift === 28 && byte > 0x0f) corrupt(place, pos - 1, "the length header is longer than 32 bits");
    // Multiplication, not <<, so a 32-bit length stays positive.
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return { length, next: pos };
  }
}

/** The uncompressed length a raw Snappy block declares, or null when its header is broken. */
export function snappyDeclaredLength(block: Uint8Array): number | null {
  try {
    return readLength(block).length;
  } catch {
    return null;
  }
}

/** Room for a block's output: `out[at, at + length)`, handed out once the length is known to be sane. */
type Reserve = (length: number) => { out: Uint8Array; at: number };

/** Decodes one block into the room `reserve` gives; returns the block's uncompressed length. */
function decodeBlock(src: Uint8Array, maxBytes: number, reserve: Reserve, place?: BlockPlace): number {
  const { length, next } = readLength(src, place);
  const possible = Math.floor(((src.length - next) * MAX_EXPANSION_NUMERATOR) / MAX_EXPANSION_DENOMINATOR);
  if (length > possible) {
    corrupt(
      place,
      0,
      `the header declares ${length} bytes but ${src.length - next} bytes of Snappy can hold at most ${possible}`,
    );
  }
  if (length > maxBytes) throw new CodecError("TOO_LARGE", tooLargeMessage(maxBytes));
  const { out, at } = reserve(length);
  const end = at + length;
  let op = at;
  let pos = next;
  while (pos < src.length) {
    const start = pos;
    const tag = src[pos++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (pos + extra > src.length) corrupt(place, start, "the data ends inside a literal's length");
        len = 0;
        for (let i = 0; i < extra; i++) len += (src[pos + i] as number) * 2 ** (8 * i);
        len += 1;
        pos += extra;
      }
      if (len > src.length - pos)
        corrupt(place, start, `a literal of ${len} bytes runs past the end of the block`);
      if (len > end - op)
        corrupt(place, start, `a literal writes past the declared length of ${length} bytes`);
      if (len < SHORT_COPY) {
        for (let i = 0; i < len; i++) out[op + i] = src[pos + i] as number;
      } else {
        out.set(src.subarray(pos, pos + len), op);
      }
      op += len;
      pos += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (pos + 1 > src.length) corrupt(place, start, "the data ends inside a copy");
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | (src[pos] as number);
      pos += 1;
    } else if (kind === 2) {
      if (pos + 2 > src.length) corrupt(place, start, "the data ends inside a copy");
      len = (tag >>> 2) + 1;
      offset = (src[pos] as number) | ((src[pos + 1] as number) << 8);
      pos += 2;
    } else {
      if (pos + 4 > src.length) corrupt(place, start, "the data ends inside a copy");
      len = (tag >>> 2) + 1;
      offset =
        ((src[pos] as number) |
          ((src[pos + 1] as number) << 8) |
          ((src[pos + 2] as number) << 16) |
          ((src[pos + 3] as number) << 24)) >>>
        0;
      pos += 4;
    }
    if (offset === 0) corrupt(place, start, "a copy has offset 0");
    if (offset > op - at)
      corrupt(place, start, `a copy reaches ${offset} bytes back but only ${op - at} bytes were written`);
    if (len > end - op) corrupt(place, start, `a copy writes past the declared length of ${length} bytes`);
    const from = op - offset;
    if (offset >= len && len >= SHORT_COPY) {
      out.copyWithin(op, from, from + len);
      op += len;
    } else {
      // Overlapping copies repeat the last `offset` bytes, so they must go byte by byte.
      for (let i = 0; i < len; i++) out[op + i] = out[from + i] as number;
      op += len;
    }
  }
  if (op !== end)
    corrupt(place, src.length, `the block ends after ${op - at} of the ${length} bytes its header declares`);
  return length;
}

/**
 * Decompresses one raw Snappy block. Throws `TOO_LARGE` when it declares more than `maxBytes`,
 * and `INVALID_SNAPPY` (with the byte offset) when it is truncated, corrupt or its length lies.
 */
export function snappyUncompressCapped(block: Uint8Array, maxBytes: number): Uint8Array {
  let out = new Uint8Array(0);
  decodeBlock(block, maxBytes, (length) => ({ out: (out = new Uint8Array(length)), at: 0 }));
  return out;
}

function beU32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] as number) * 0x1000000 +
    (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))
  );
}

/**
 * Whether the bytes start like PostHog's `decompress=false` download: a 4-byte big-endian length,
 * then a Snappy block whose first element is a literal starting a JSON line. The length must fit
 * the file, or (for a cut-short download) start with a 0 byte: either way no text format can match
 * (text's first four bytes read as a length of at least 150 MB), nor can gzip (1f 8b) or zip (50 4b).
 */
export function isLengthPrefixedSnappy(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  const size = bytes.length >= 4 ? beU32(bytes, 0) : -1;
  const fits = size >= 1 && size <= bytes.length - 4;
  if (!fits && bytes[0] !== 0) return false;
  const block = bytes.subarray(Math.min(4, bytes.length), fits ? 4 + size : bytes.length);
  // Where the block is cut short, whatever is there must still fit the pattern.
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= block.length) return !fits;
    const byte = block[pos++] as number;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
    if (shift >= 28) return false;
  }
  if (length === 0) return false;
  if (pos >= block.length) return !fits;
  const tag = block[pos] as number;
  if ((tag & 3) !== 0) return false;
  const extra = (tag >>> 2) + 1 > 60 ? (tag >>> 2) + 1 - 60 : 0;
  const first = block[pos + 1 + extra];
  if (first === undefined) return !fits;
  return first === 0x5b || first === 0x7b; // "[" or "{"
}

const NEWLINE = 0x0a;

/**
 * Decodes a sequence of `[4-byte big-endian length][raw Snappy block]` records (PostHog's
 * snapshots API with `decompress=false`) into the JSONL the same request gives with
 * `decompress=true`: the blocks' text joined, line-separated, trailing newlines trimmed. The
 * total output is capped by `limits.maxDecompressedBytes`.
 */
export function decodeLengthPrefixedSnappy(
  bytes: Uint8Array,
  opts: { limits?: Partial<Limits> } = {},
): Uint8Array {
  const maxBytes = resolveLimits(opts.limits).maxDecompressedBytes;
  // One growing buffer rather than an array per block: a file of millions of tiny blocks must not
  // cost an object per block.
  let out = new Uint8Array(Math.min(maxBytes, Math.max(1024, bytes.length * 4)));
  let total = 0;
  const room = (length: number) => {
    if (total + length > out.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(total + length, out.length * 2)));
      grown.set(out.subarray(0, total));
      out = grown;
    }
    return { out, at: total };
  };
  let pos = 0;
  let index = 0;
  while (pos < bytes.length) {
    const left = bytes.length - pos;
    if (left < 4) {
      throw new CodecError(
        "INVALID_SNAPPY",
        `Truncated Snappy blocks: block ${index} at byte ${pos} has only ${left} of the 4 bytes of its length`,
        { path: `blocks[${index}]` },
      );
    }
    const size = beU32(bytes, pos);
    if (size === 0) {
      throw new CodecError(
        "INVALID_SNAPPY",
        `Corrupt Snappy blocks: block ${index} at byte ${pos} declares a length of 0`,
        { path: `blocks[${index}]` },
      );
    }
    if (size > left - 4) {
      throw new CodecError(
        "INVALID_SNAPPY",
        `Truncated Snappy blocks: block ${index} at byte ${pos} declares ${size} bytes but only ${left - 4} follow`,
        { path: `blocks[${index}]` },
      );
    }
    // Blocks are whole JSONL; one that does not end its last line gets a newline before the next.
    if (total > 0 && out[total - 1] !== NEWLINE) {
      if (total + 1 > maxBytes) throw new CodecError("TOO_LARGE", tooLargeMessage(maxBytes));
      room(1).out[total++] = NEWLINE;
    }
    total += decodeBlock(bytes.subarray(pos + 4, pos + 4 + size), maxBytes - total, room, {
      index,
      base: pos + 4,
    });
    pos += 4 + size;
    index++;
  }
  while (total > 0 && out[total - 1] === NEWLINE) total--;
  return out.subarray(0, total);
}
