// Text helpers of the analysis reports.
import { utf8Length as portableUtf8Length } from "@replay-devkit/codec";

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

// Node's native count when there is one (several times faster on large events), else the codec's loop.
const nodeBuffer = (globalThis as { Buffer?: { byteLength(text: string, encoding: "utf8"): number } }).Buffer;

/** UTF-8 length of a string without encoding it. */
export function utf8Length(text: string): number {
  return nodeBuffer ? nodeBuffer.byteLength(text, "utf8") : portableUtf8Length(text);
}
