import { Gunzip, gunzipSync, gzipSync } from "fflate";
import { CodecError } from "./errors.js";
import { formatBytes } from "./format.js";
import { utf8Decode, utf8Encode } from "./platform.js";

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  );
}

// Deflate expands at most ~1032x, so feeding fflate slices of (remaining budget / 1032) bytes means
// one push can never produce more output than the budget left: a bomb is stopped before it allocates.
const MAX_DEFLATE_RATIO = 1032;
const MIN_CHUNK = 256;
const MAX_CHUNK = 256 * 1024;

/**
 * Gunzips (single or multi-member) while counting output; throws `TOO_LARGE` as soon as more than
 * `maxBytes` would be produced, and `INVALID_GZIP` for corrupt or truncated input.
 */
export function gunzipCapped(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (!isGzip(bytes)) throw new CodecError("INVALID_GZIP", "Not gzip data: the first bytes are not 1f 8b");
  const chunks: Uint8Array[] = [];
  let total = 0;
  let memberStart = 0;
  let tooLarge = false;
  const gunzip = new Gunzip((chunk) => {
    total += chunk.length;
    if (total > maxBytes) {
      tooLarge = true;
      throw new CodecError("TOO_LARGE", tooLargeMessage(maxBytes));
    }
    if (chunk.length) chunks.push(chunk);
  });
  gunzip.onmember = () => {
    memberStart = total;
  };
  try {
    let offset = 0;
    while (offset < bytes.length) {
      const remaining = maxBytes - total;
      const size = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.floor(remaining / MAX_DEFLATE_RATIO)));
      const end = Math.min(bytes.length, offset + size);
      gunzip.push(bytes.subarray(offset, end), end === bytes.length);
      offset = end;
    }
  } catch (error) {
    if (tooLarge || error instanceof CodecError) throw error;
    throw new CodecError("INVALID_GZIP", `Corrupt or truncated gzip data: ${errorText(error)}`, {
      cause: error,
    });
  }
  // fflate accepts a stream cut inside the header or trailer without complaint; the trailer's ISIZE
  // (uncompressed length mod 2^32 of the last member) catches both.
  if (bytes.length < 18)
    throw new CodecError("INVALID_GZIP", "Truncated gzip data: shorter than a gzip header and trailer");
  if (trailerSize(bytes) !== (total - memberStart) % 0x100000000) {
    throw new CodecError(
      "INVALID_GZIP",
      "Truncated gzip data: the trailer does not match the decompressed length",
    );
  }
  return concat(chunks, total);
}

function trailerSize(bytes: Uint8Array): number {
  const n = bytes.length;
  return (
    ((bytes[n - 4] ?? 0) |
      ((bytes[n - 3] ?? 0) << 8) |
      ((bytes[n - 2] ?? 0) << 16) |
      ((bytes[n - 1] ?? 0) << 24)) >>>
    0
  );
}

/**
 * Fast path for the many tiny single-member gzip strings posthog-js packs into events (an empty
 * array is 22 bytes). It trusts the trailer's size only as far as the cap allows and gives the
 * inflater one spare byte, so a stream that is longer or shorter than declared is noticed and
 * handed to `gunzipCapped` for the exact verdict. Like PostHog's own player, it reads one member.
 */
export function gunzipMemberCapped(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (isGzip(bytes) && bytes.length >= 18) {
    const declared = trailerSize(bytes);
    if (declared <= maxBytes) {
      let out: Uint8Array | null = null;
      try {
        out = gunzipSync(bytes, { out: new Uint8Array(declared + 1) });
      } catch {
        out = null;
      }
      if (out && out.length === declared) return out;
    }
  }
  return gunzipCapped(bytes, maxBytes);
}

export function gzipBytes(bytes: Uint8Array, level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  // mtime 0 keeps output byte-identical across runs (fixtures and bundles are diffed and hashed).
  return gzipSync(bytes, { level, mtime: 0 });
}

export function concat(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total ?? chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** One char per byte, as posthog-js encodes packed fields (fflate `strFromU8(bytes, true)`). */
export function latin1FromBytes(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return out;
}

/** Inverse of `latin1FromBytes`; returns null when a char is above U+00FF (so it cannot be a byte). */
export function bytesFromLatin1(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return null;
    out[i] = code;
  }
  return out;
}

const B64_INDEX = (() => {
  const table = new Int16Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  // URL-safe variants, and a space: form decoding turns an unescaped "+" into " ".
  table["-".charCodeAt(0)] = 62;
  table["_".charCodeAt(0)] = 63;
  table[" ".charCodeAt(0)] = 62;
  return table;
})();

/** Decodes standard or URL-safe base64, ignoring line breaks; null when the text is not base64. */
export function base64Decode(text: string): Uint8Array | null {
  let clean = text.replace(/[\r\n\t]/g, "");
  while (clean.endsWith("=")) clean = clean.slice(0, -1);
  if (clean.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const value = code < 128 ? (B64_INDEX[code] ?? -1) : -1;
    if (value < 0) return null;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, j);
}

export function looksLikeBase64(text: string): boolean {
  return text.length > 0 && /^[A-Za-z0-9+/=\s_-]+$/.test(text.slice(0, 4096));
}

export { utf8Decode, utf8Encode };

export function tooLargeMessage(maxBytes: number): string {
  return `Input is larger than the ${formatBytes(maxBytes)} decompression limit; raise limits.maxDecompressedBytes if it is legitimate`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
