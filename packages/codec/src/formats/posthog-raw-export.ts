import { CodecError, describe } from "../errors.js";
import { isRecord, jsonLines, parseJson, textOf } from "../json.js";
import type { Limits } from "../limits.js";
import { snappyUncompressCapped } from "../snappy.js";
import type { CaptureEvent, ReadResult } from "../types.js";
import { addBlobLine } from "./blob-lines.js";
import { RecordingBuilder } from "./common.js";

/*
 * PostHog's raw recording export, the zip its staff hand out (PostHog's export_recording workflow,
 * posthog/temporal/export_recording/activities.py): `clickhouse/session-replay-events.json` (the
 * metadata row, ClickHouse `FORMAT JSON`), `clickhouse/events.json` (the session's events, same
 * format), `s3_prefix.txt`, and `data/<batch file>` with each block written at its original byte
 * offset (zeros before it), then 1,024 zeros. Block URLs in the metadata row end in
 * `?range=bytes=START-END`; a block is raw Snappy of JSONL `[windowId, event]` lines whose `cv`
 * events are still packed.
 */

export const RAW_EXPORT_METADATA = "clickhouse/session-replay-events.json";
export const RAW_EXPORT_EVENTS = "clickhouse/events.json";
/** `formatVersion` of a recording read from PostHog's raw export zip. */
export const POSTHOG_RAW_EXPORT = "posthog-raw-export";
/** The zero padding PostHog writes after each block. */
const TRAILING_ZEROS = 1024;

export function isPosthogRawExport(files: Record<string, Uint8Array>): boolean {
  return RAW_EXPORT_METADATA in files && !("manifest.json" in files);
}

function rawError(message: string, path?: string, cause?: unknown): CodecError {
  return new CodecError("INVALID_EVENT", message, {
    ...(path === undefined ? {} : { path }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The `data` rows of a ClickHouse `FORMAT JSON` document. */
function clickhouseRows(bytes: Uint8Array, name: string, limits: Limits): Record<string, unknown>[] {
  const doc = parseJson(textOf(bytes, limits), name, name);
  if (!isRecord(doc) || !Array.isArray(doc.data)) {
    throw rawError(`${name} is not ClickHouse FORMAT JSON (no data rows)`, name);
  }
  return doc.data.filter(isRecord);
}

/** ClickHouse writes `2026-11-22 10:17:07.718000` (UTC); ISO strings pass through. */
function isoTime(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const text = /^\d{4}-\d{2}-\d{2} /.test(value) ? `${value.replace(" ", "T")}Z` : value;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

interface BlockPlace {
  file: string;
  start: number;
  /** Inclusive, as in an HTTP range. */
  end: number;
}

function blockPlaces(row: Record<string, unknown>, files: Record<string, Uint8Array>): BlockPlace[] {
  const urls = Array.isArray(row.block_urls) ? row.block_urls : [];
  if (urls.length === 0) {
    // No URLs: each data file holds one block between its leading zeros and the trailing padding.
    return Object.keys(files)
      .filter((name) => name.startsWith("data/") && !name.endsWith("/"))
      .sort()
      .map((file) => {
        const bytes = files[file] as Uint8Array;
        let start = 0;
        while (start < bytes.length && bytes[start] === 0) start++;
        return { file, start, end: bytes.length - TRAILING_ZEROS - 1 };
      });
  }
  return urls.map((url, i) => {
    const path = `${RAW_EXPORT_METADATA}.data[0].block_urls[${i}]`;
    if (typeof url !== "string") throw rawError(`Expected a block URL, got ${describe(url)}`, path);
    const range = /[?&]range=bytes=(\d+)-(\d+)$/.exec(url);
    if (!range) throw rawError(`The block URL has no ?range=bytes=START-END: ${url}`, path);
    const name =
      url
        .replace(/[?#].*$/, "")
        .split("/")
        .pop() ?? "";
    return { file: `data/${name}`, start: Number(range[1]), end: Number(range[2]) };
  });
}

/** Reads PostHog's raw export from its unzipped entries (see {@link unzipCapped}). */
export async function readPosthogRawExport(
  files: Record<string, Uint8Array>,
  limits: Limits,
): Promise<ReadResult> {
  const row = clickhouseRows(files[RAW_EXPORT_METADATA] as Uint8Array, RAW_EXPORT_METADATA, limits)[0];
  if (!row || typeof row.session_id !== "string" || row.session_id === "") {
    throw rawError(`${RAW_EXPORT_METADATA} has no metadata row with a session_id`, RAW_EXPORT_METADATA);
  }
  const builder = new RecordingBuilder(limits);
  let budget = limits.maxDecompressedBytes;
  for (const [i, place] of blockPlaces(row, files).entries()) {
    const where = `${place.file} bytes ${place.start}-${place.end}`;
    const data = files[place.file];
    if (!data)
      throw rawError(`Block ${i} is in ${place.file}, which the zip does not contain`, `blocks[${i}]`);
    if (place.end < place.start || place.end >= data.length) {
      throw rawError(
        `Block ${i} (${where}) lies outside ${place.file}, which has ${data.length} bytes`,
        `blocks[${i}]`,
      );
    }
    const block = data.subarray(place.start, place.end + 1);
    if (block.every((b) => b === 0)) {
      throw rawError(`Block ${i} (${where}) is only zeros: the export lost it`, `blocks[${i}]`);
    }
    const plain = snappyUncompressCapped(block, budget);
    budget -= plain.length;
    for (const { line, lineNumber } of jsonLines(textOf(plain, limits))) {
      const path = `blocks[${i}] line ${lineNumber}`;
      addBlobLine(builder, parseJson(line, `Block ${i} line ${lineNumber}`, path), path);
    }
  }
  const events = files[RAW_EXPORT_EVENTS]
    ? clickhouseRows(files[RAW_EXPORT_EVENTS], RAW_EXPORT_EVENTS, limits).flatMap((r) =>
        toEvent(r, row.session_id as string),
      )
    : [];
  const distinctId = typeof row.distinct_id === "string" && row.distinct_id !== "" ? row.distinct_id : null;
  const recording = builder.build(row.session_id, distinctId, events);
  return {
    format: "posthog-export",
    formatVersion: POSTHOG_RAW_EXPORT,
    recordings: [recording],
    redactions: [],
  };
}

/**
 * One events-table row as an analytics event. Only the event's own columns are kept: the rows also
 * carry `person_properties` and other person columns, personal data an import has no use for.
 */
function toEvent(row: Record<string, unknown>, sessionId: string): CaptureEvent[] {
  if (typeof row.event !== "string" || row.event === "$snapshot") return [];
  let properties: unknown = row.properties;
  if (typeof properties === "string") {
    try {
      properties = JSON.parse(properties);
    } catch {
      properties = {};
    }
  }
  const props = isRecord(properties) ? properties : {};
  if (props.$session_id !== undefined && props.$session_id !== sessionId) return [];
  const event: CaptureEvent = { event: row.event, properties: { ...props, $session_id: sessionId } };
  if (typeof row.uuid === "string") event.uuid = row.uuid;
  const timestamp = isoTime(row.timestamp);
  if (timestamp) event.timestamp = timestamp;
  if (typeof row.distinct_id === "string") event.distinct_id = row.distinct_id;
  return [event];
}
