import * as lzStringModule from "lz-string";
import { errorText, tooLargeMessage } from "./bytes.js";
import { CodecError } from "./errors.js";

// lz-string is CommonJS: Node's ESM loader exposes it only as `default`, bundlers as named exports.
const lzString = ((lzStringModule as unknown as { default?: typeof lzStringModule }).default ??
  lzStringModule) as typeof lzStringModule;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
const VALUE = (() => {
  const table = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/**
 * How many chars lz-string's decompressFromBase64 would produce, computed from the code stream
 * alone (entry lengths, no strings), so a tiny crafted input cannot make it build a huge string.
 * LZW output can grow quadratically with input; this walk is linear. Returns -1 for input that
 * lz-string would reject. Throws TOO_LARGE as soon as the running total passes `cap`.
 */
function decodedLength(input: string, cap: number): number {
  const value = (i: number) => {
    const code = input.charCodeAt(i);
    return code < 128 ? (VALUE[code] ?? 0) : 0;
  };
  let current = value(0);
  let mask = 32;
  let index = 1;
  const read = (width: number) => {
    let bits = 0;
    for (let p = 0; p < width; p++) {
      if (current & mask) bits |= 1 << p;
      mask >>= 1;
      if (mask === 0) {
        mask = 32;
        current = value(index++);
      }
    }
    return bits;
  };
  const lengths: number[] = [];
  let enlargeIn = 4;
  let dictSize = 4;
  let width = 3;
  const first = read(2);
  if (first === 2) return 0;
  if (first === 3) return -1;
  read(first === 0 ? 8 : 16);
  lengths[3] = 1;
  let previous = 1;
  let total = 1;
  for (;;) {
    if (index > input.length) return -1;
    let code = read(width);
    if (code === 2) return total;
    if (code === 0 || code === 1) {
      read(code === 0 ? 8 : 16);
      lengths[dictSize++] = 1;
      code = dictSize - 1;
      enlargeIn--;
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** width;
      width++;
    }
    let entry: number;
    const known = lengths[code];
    if (known !== undefined) entry = known;
    else if (code === dictSize) entry = previous + 1;
    else return -1;
    total += entry;
    if (total > cap) throw new CodecError("TOO_LARGE", tooLargeMessage(cap));
    lengths[dictSize++] = previous + 1;
    enlargeIn--;
    previous = entry;
    if (enlargeIn === 0) {
      enlargeIn = 2 ** width;
      width++;
    }
  }
}

/** lz-string `decompressFromBase64` (posthog-js `compression=lz64`, before 1.63), with the output capped. */
export function lz64Decompress(text: string, maxBytes: number): string {
  // Form decoding turns "+" into " " in values that were not percent-encoded.
  const input = text.trim().replace(/ /g, "+");
  if (input.length > maxBytes) throw new CodecError("TOO_LARGE", tooLargeMessage(maxBytes));
  if (decodedLength(input, maxBytes) <= 0) {
    throw new CodecError("UNSUPPORTED_ENCODING", "Body was marked lz64 but is not valid lz-string base64");
  }
  let out: string | null;
  try {
    out = lzString.decompressFromBase64(input);
  } catch (error) {
    throw new CodecError("UNSUPPORTED_ENCODING", `Body is not valid lz-string base64: ${errorText(error)}`, {
      cause: error,
    });
  }
  if (!out)
    throw new CodecError("UNSUPPORTED_ENCODING", "Body was marked lz64 but is not valid lz-string base64");
  return out;
}
