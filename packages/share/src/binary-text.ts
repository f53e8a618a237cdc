// Binary data inside an HTML file at almost no cost. Base64 would add a third to the compressed
// recording; instead the file is declared windows-1252, where every byte is one character, and the
// three bytes the HTML parser would change inside a <script> (NUL becomes U+FFFD, CR becomes LF,
// and "<" can end or escape the element) are written as two-byte escapes. Compressed data has
// those bytes at about 4/256, so the overhead is under 2 %. Shared by the writer (Node) and the
// player (browser); universal code, no platform APIs.

/** Names this encoding in the payload element's `data-encoding`; bump on any change. */
export const BINARY_TEXT_ENCODING = "gzip+cp1252-escape-1";

const ESCAPE = 0x3d; // "="
/** The byte written after ESCAPE for each escaped byte, by position: NUL, CR, "<", "=". */
const ESCAPED = [0x00, 0x0d, 0x3c, ESCAPE] as const;
const ESCAPE_BASE = 0x30; // "0"

/**
 * WHATWG windows-1252 decodes bytes 0x80-0x9F to these code points (the five it leaves undefined
 * map to themselves); every other byte decodes to the same code point.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
] as const;

/**
 * Encodes bytes as a string of code points 0-255, one per output byte: write it to the file with
 * a latin1 (byte = code point) conversion, inside an element of a document declared windows-1252.
 */
export function encodeBinaryText(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk: number[] = [];
  for (const byte of bytes) {
    const escaped = ESCAPED.indexOf(byte as (typeof ESCAPED)[number]);
    if (escaped === -1) chunk.push(byte);
    else chunk.push(ESCAPE, ESCAPE_BASE + escaped);
    if (chunk.length >= 8192) {
      parts.push(String.fromCharCode(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCharCode(...chunk));
  return parts.join("");
}

/** Reverses {@link encodeBinaryText} on the text a windows-1252 document's parser produced. */
export function decodeBinaryText(text: string): Uint8Array<ArrayBuffer> {
  const inverse = new Map<number, number>();
  CP1252_HIGH.forEach((code, i) => inverse.set(code, 0x80 + i));
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Code points below 0x100 stand for themselves; this also accepts a latin1 (ISO-8859-1)
    // reading of the file, such as Node's TextDecoder gives for "windows-1252".
    const byte = code < 0x100 ? code : inverse.get(code);
    if (byte === undefined)
      throw new Error(
        `character U+${code.toString(16).padStart(4, "0")} at ${i} is not windows-1252: the file was re-encoded`,
      );
    if (byte !== ESCAPE) {
      out[n++] = byte;
      continue;
    }
    const next = text.charCodeAt(++i) - ESCAPE_BASE;
    const value = ESCAPED[next];
    if (value === undefined) throw new Error(`broken escape at ${i}: the file was modified`);
    out[n++] = value;
  }
  return out.subarray(0, n);
}
