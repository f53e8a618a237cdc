import { gunzipCapped, isGzip, isZip } from "../bytes.js";
import { CodecError } from "../errors.js";
import { checkDepth, isRecord, textOf } from "../json.js";
import { DEFAULT_LIMITS, type Limits } from "../limits.js";
import { decodeLengthPrefixedSnappy, isLengthPrefixedSnappy } from "../snappy.js";
import type { RecordingFormat } from "../types.js";

export const FIXTURE_FORMAT = "replay-devkit-fixture";
export const BUNDLE_FORMAT = "replay-devkit-bundle";

export interface SniffedText {
  format: Exclude<RecordingFormat, "bundle">;
  text: string;
  doc?: unknown;
  docParsed: boolean;
  /** The decompressed bytes the text came from. */
  plain?: Uint8Array;
  /** Set when the text came out of length-prefixed Snappy blocks (PostHog's `decompress=false`). */
  snappy?: boolean;
}
export type Sniffed = { format: "bundle"; bytes: Uint8Array } | SniffedText;

function firstLine(text: string): { line: string; rest: boolean } {
  const end = text.indexOf("\n");
  if (end === -1) return { line: text.trim(), rest: false };
  return { line: text.slice(0, end).trim(), rest: text.slice(end + 1).trim() !== "" };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isBlobLine(value: unknown): boolean {
  if (Array.isArray(value)) {
    return (
      value.length === 2 &&
      (typeof value[0] === "string" || typeof value[0] === "number") &&
      isRecord(value[1])
    );
  }
  return (
    isRecord(value) &&
    ("window_id" in value || "windowId" in value) &&
    (Array.isArray(value.data) || "type" in value)
  );
}

/** An analytics event as PostHog's events API returned them: a name and a properties object. */
export function isCaptureEventLike(value: unknown): boolean {
  return isRecord(value) && typeof value.event === "string" && isRecord(value.properties);
}

export function classifyDocument(doc: unknown): Exclude<RecordingFormat, "bundle" | "blob-v2"> | null {
  if (Array.isArray(doc)) return "rrweb-json";
  if (!isRecord(doc)) return null;
  if (doc.format === FIXTURE_FORMAT) return "fixture";
  if ("version" in doc && "data" in doc) return "posthog-export";
  // An export without its version still says what it is by its data's shape.
  if (isRecord(doc.data) && ("snapshots" in doc.data || "snapshotsByWindowId" in doc.data))
    return "posthog-export";
  if ("result" in doc || "snapshot_data_by_window_id" in doc || Array.isArray(doc.snapshots))
    return "rrweb-json";
  // An old events API page ({"next", "results": [event, …]}); the recordings list has the same key.
  if (Array.isArray(doc.results) && isCaptureEventLike(doc.results[0])) return "rrweb-json";
  if (typeof doc.type === "number" && typeof doc.timestamp === "number") return "rrweb-json";
  if ("chunk_id" in doc) return "rrweb-json";
  return null;
}

/**
 * Throws an UNKNOWN_FORMAT error that names the format a document almost is, and what it lacks;
 * returns when it resembles none (the caller then lists every format).
 */
function nearMiss(doc: unknown): void {
  if (!isRecord(doc)) return;
  const miss = (message: string) => {
    throw new CodecError("UNKNOWN_FORMAT", message);
  };
  if ("timestamp" in doc && "data" in doc && typeof doc.type !== "number")
    miss('This looks like an rrweb event but its "type" is not a number (0-8)');
  if ("version" in doc && !("data" in doc))
    miss(
      `This looks like a PostHog Export-to-JSON file (it has "version" ${JSON.stringify(doc.version)}) but has no "data"; expected {"version", "data": {"id", "snapshots"}}`,
    );
  if (isRecord(doc.data))
    miss(
      'This looks like a PostHog Export-to-JSON file but its "data" has neither "snapshots" (version 2023-04-28) nor "snapshotsByWindowId" (version 2022-12-02)',
    );
  if (typeof doc.format === "string" && doc.format.startsWith("replay-devkit"))
    miss(
      `This looks like a replay-devkit file but its format ${JSON.stringify(doc.format)} is not one this version reads (expected ${JSON.stringify(FIXTURE_FORMAT)}; bundles are zip files)`,
    );
}

/** Recognises a format from decoded text, parsing at most the first line and then the whole text once. */
export function sniffText(text: string): SniffedText {
  const trimmed = text.trimStart();
  checkDepth(trimmed, "The file");
  const head = trimmed[0];
  if (head === "{" || head === "[") {
    const { line, rest } = firstLine(trimmed);
    const first = tryParse(line);
    if (first.ok) {
      if (isRecord(first.value) && first.value.format === FIXTURE_FORMAT)
        return { format: "fixture", text: trimmed, docParsed: false };
      if (isBlobLine(first.value)) return { format: "blob-v2", text: trimmed, docParsed: false };
      if (rest && isRecord(first.value)) return { format: "blob-v2", text: trimmed, docParsed: false };
      if (!rest) {
        const format = classifyDocument(first.value);
        if (format) return { format, text: trimmed, doc: first.value, docParsed: true };
        nearMiss(first.value);
      }
    } else {
      const whole = tryParse(trimmed);
      if (whole.ok) {
        const format = classifyDocument(whole.value);
        if (format) return { format, text: trimmed, doc: whole.value, docParsed: true };
        nearMiss(whole.value);
      } else {
        throw new CodecError(
          "INVALID_JSON",
          "The file looks like JSON but does not parse (truncated or corrupt?)",
        );
      }
    }
  }
  throw new CodecError(
    "UNKNOWN_FORMAT",
    "Not a recording file this codec knows: expected a PostHog export, blob_v2 JSONL (or its length-prefixed Snappy blocks), an rrweb JSON array, a PostHog events list, a replay-devkit bundle or fixture (optionally gzipped)",
  );
}

/** Unwraps gzip (capped), then recognises a zip bundle, length-prefixed Snappy blocks or a text format. */
export function sniffBytes(bytes: Uint8Array, limits: Limits): Sniffed {
  const plain = isGzip(bytes) ? gunzipCapped(bytes, limits.maxDecompressedBytes) : bytes;
  if (isZip(plain)) return { format: "bundle", bytes: plain };
  if (isLengthPrefixedSnappy(plain)) {
    const text = decodeLengthPrefixedSnappy(plain, { limits });
    return { ...sniffText(textOf(text, limits)), plain: text, snappy: true };
  }
  return { ...sniffText(textOf(plain, limits)), plain };
}

/** The format of a recording file, from its content (transparently gunzipped), never its name. */
export function sniffFormat(bytes: Uint8Array): RecordingFormat {
  return sniffBytes(bytes, DEFAULT_LIMITS).format;
}
