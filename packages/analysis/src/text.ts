// Text helpers of the analysis reports.

/** Whitespace collapsed, cut at `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// Everything but tab and newline below 0x20, DEL and the C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Recorded strings come from a web page and may hold terminal escape sequences; they are shown as
 * `\\u001b`-style escapes so printing a report can never drive the terminal.
 */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// Node's native count when there is one (several times faster on large events), else a loop.
const nodeBuffer = (globalThis as { Buffer?: { byteLength(text: string, encoding: "utf8"): number } }).Buffer;

/** UTF-8 length of a string without encoding it. */
export function utf8Length(text: string): number {
  if (nodeBuffer) return nodeBuffer.byteLength(text, "utf8");
  return utf8LengthOf(text);
}

/** The portable count behind {@link utf8Length}; exported for its test. */
export function utf8LengthOf(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
