import { errorText, tooLargeMessage, utf8Decode } from "./bytes.js";
import { CodecError } from "./errors.js";
import type { Limits } from "./limits.js";

/**
 * Deepest JSON nesting accepted. V8 parses any depth, but JSON.stringify (ours, the store's, the
 * browser's) overflows the stack around 4,500 levels, so deeper input is refused up front. Real
 * rrweb DOM trees use two levels per element and browsers cap parsed HTML nesting at 512.
 */
export const MAX_JSON_DEPTH = 2000;

/** Nesting depth of a JSON text, stopping early past `limit`; a linear scan, strings skipped. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

export function checkDepth(text: string, what: string, path?: string): void {
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new CodecError(
      "TOO_LARGE",
      `${what} is nested more than ${MAX_JSON_DEPTH} levels deep`,
      path === undefined ? {} : { path },
    );
  }
}

/** JSON.parse with typed errors. `depthChecked` skips the depth scan when the caller scanned a larger text. */
export function parseJson(text: string, what: string, path?: string, depthChecked = false): unknown {
  if (!depthChecked) checkDepth(text, what, path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CodecError("INVALID_JSON", `${what} is not valid JSON: ${errorText(error)}`, {
      cause: error,
      ...(path === undefined ? {} : { path }),
    });
  }
}

/** UTF-8 decodes after checking the size cap (plain bodies count against the same limit as gzip). */
export function textOf(bytes: Uint8Array, limits: Limits): string {
  if (bytes.length > limits.maxDecompressedBytes)
    throw new CodecError("TOO_LARGE", tooLargeMessage(limits.maxDecompressedBytes));
  let text = utf8Decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Iterates non-empty lines of a JSONL text without splitting it into one big array first. */
export function* jsonLines(text: string): Generator<{ line: string; lineNumber: number }> {
  let start = 0;
  let lineNumber = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lineNumber++;
    const line = text.slice(start, end).trim();
    if (line !== "") yield { line, lineNumber };
    start = end + 1;
  }
}

/** JSON.stringify with object keys sorted at every depth, so equal data always gives equal text. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (isRecord(v)) {
      // A null prototype keeps a "__proto__" key in the data an ordinary property.
      const sorted = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(v).sort()) sorted[key] = v[key];
      return sorted;
    }
    return v;
  });
}
