import { ChunkAssembler, isSnapshotChunk } from "../chunks.js";
import { CodecError, describe } from "../errors.js";
import { isRecord } from "../json.js";
import { JsonStreamSplitter, type JsonPath } from "../json-stream.js";
import { resolveLimits, type Limits } from "../limits.js";
import { unpackEvent } from "../pack.js";
import type { RrwebEvent } from "../types.js";
import { windowIdOf, withoutWindowId } from "./common.js";
import {
  addBlobLine,
  addChunkSets,
  checkExportVersion,
  missingVersionMessage,
  type EventSink,
} from "./read.js";
import { FIXTURE_FORMAT, isBlobLine, isCaptureEventLike } from "./sniff.js";

/** The formats that grow large and so are read as a stream; the others are read whole. */
export type StreamFormat = "posthog-export" | "rrweb-json" | "blob-v2";

/** How much decoded text `streamFormatOf` wants to see before it decides (less if the file is shorter). */
export const STREAM_HEAD_CHARS = 256 * 1024;

/**
 * The largest single event (or JSONL line) a stream accepts, in characters: a whole FullSnapshot of
 * a heavy page fits, and a bomb hidden in one string is refused after this much, not after the
 * file's whole cap.
 */
export const MAX_STREAM_EVENT_CHARS = 32 * 1024 * 1024;

/** What a streamed file said about its recording besides the events. */
export interface StreamedRecording {
  format: StreamFormat;
  formatVersion: string | null;
  /** The file's own session id; null for formats that carry none (derive one from the content). */
  sessionId: string | null;
  distinctId: string | null;
  person?: Record<string, unknown>;
  events: number;
}

/**
 * An event as it comes out of a stream: `windowId` null means the session's default window (the
 * session id, once known).
 */
export type StreamEventSink = (windowId: string | null, event: RrwebEvent) => void;

const STOP = Symbol("stop");

/**
 * Decides from the first decoded text of a file (`head`, `complete` when it is the whole file)
 * whether it is one of the formats read as a stream, or null: read it whole with readRecordingFile
 * (small formats, and anything that would need the whole document to tell).
 */
export function streamFormatOf(head: string, complete: boolean): StreamFormat | null {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1).trimStart() : head.trimStart();
  const first = text[0];
  if (first !== "{" && first !== "[") return null;
  const newline = text.indexOf("\n");
  if (newline !== -1) {
    try {
      const line = JSON.parse(text.slice(0, newline)) as unknown;
      if (isRecord(line) && line.format === FIXTURE_FORMAT) return null;
      if (isBlobLine(line)) return "blob-v2";
      if (isRecord(line) && text.slice(newline + 1).trim() !== "") return "blob-v2";
      return null;
    } catch {
      // The first line is not a whole value: one document spread over lines.
    }
  }
  if (complete) return null;
  let found: StreamFormat | null = null;
  const dataKeys = new Set<string>();
  const probe = new JsonStreamSplitter(
    (path) => {
      if (path.length === 0) return "descend";
      if (first === "[") return path.length === 1 ? "emit" : "skip";
      if (path.length === 1) return path[0] === "data" ? "descend" : "skip";
      if (path.length === 2) dataKeys.add(String(path[1]));
      if (dataKeys.has("snapshots") || dataKeys.has("snapshotsByWindowId")) {
        found = "posthog-export";
        throw STOP;
      }
      return "skip";
    },
    (_path, value) => {
      // The first element of a top-level array decides: rrweb events stream, anything else is read whole.
      if (isRecord(value) && typeof value.type === "number" && !isCaptureEventLike(value))
        found = "rrweb-json";
      throw STOP;
    },
    Number.MAX_SAFE_INTEGER,
  );
  try {
    probe.write(text);
  } catch (error) {
    if (error !== STOP) return null;
  }
  return found;
}

/**
 * Reads one of the streamed formats piece by piece: `write` decoded text as it arrives, get each
 * event (unpacked and validated) through `onEvent` as soon as it is complete, then `end` for what
 * the file said about its recording. Memory holds one event (or one JSONL line) at a time.
 */
export class RecordingStreamReader {
  private readonly limits: Limits;
  private readonly maxEventChars: number;
  private readonly splitter: JsonStreamSplitter | null;
  private readonly chunks: ChunkAssembler;
  private readonly sink: EventSink;
  private count = 0;
  private version: unknown = undefined;
  private sawVersion = false;
  private readonly shapes = new Set<"snapshots" | "snapshotsByWindowId">();
  private sessionId: string | null = null;
  private person: Record<string, unknown> | undefined;
  private distinctId: string | null = null;
  // JSONL state.
  private pendingLine = "";
  private lineNumber = 0;
  private started = false;

  constructor(
    readonly format: StreamFormat,
    private readonly onEvent: StreamEventSink,
    opts: { limits?: Partial<Limits>; maxEventChars?: number } = {},
  ) {
    this.limits = resolveLimits(opts.limits);
    this.maxEventChars = Math.min(
      opts.maxEventChars ?? MAX_STREAM_EVENT_CHARS,
      this.limits.maxDecompressedBytes,
    );
    this.chunks = new ChunkAssembler(this.limits);
    this.sink = {
      add: (windowId, raw, path) => {
        if (++this.count > (this.limits.maxEvents ?? Number.POSITIVE_INFINITY))
          throw new CodecError(
            "TOO_LARGE",
            `The file holds more than the limit of ${this.limits.maxEvents} events`,
          );
        this.onEvent(windowId === "" ? null : windowId, unpackEvent(raw, { limits: this.limits, path }));
      },
    };
    const max = this.maxEventChars;
    if (format === "posthog-export")
      this.splitter = new JsonStreamSplitter(exportSelect, (p, v) => this.exportValue(p, v), max);
    else if (format === "rrweb-json")
      this.splitter = new JsonStreamSplitter(
        (path) => (path.length === 0 ? "descend" : path.length === 1 ? "emit" : "skip"),
        (p, v) => this.arrayValue(p, v),
        max,
      );
    else this.splitter = null;
  }

  write(text: string): void {
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.splitter) this.splitter.write(text);
    else this.lines(text);
  }

  end(): StreamedRecording {
    if (this.splitter) this.splitter.end();
    else {
      this.line(this.pendingLine);
      this.pendingLine = "";
    }
    addChunkSets(this.chunks, this.sink);
    if (this.format === "posthog-export") this.checkExport();
    const result: StreamedRecording = {
      format: this.format,
      formatVersion: this.format === "posthog-export" ? (this.version as string) : null,
      sessionId: this.sessionId,
      distinctId: this.distinctId,
      events: this.count,
    };
    if (this.person) result.person = this.person;
    return result;
  }

  private lines(text: string): void {
    let start = 0;
    for (;;) {
      const end = text.indexOf("\n", start);
      if (end === -1) break;
      const line =
        this.pendingLine === "" ? text.slice(start, end) : this.pendingLine + text.slice(start, end);
      this.pendingLine = "";
      this.line(line);
      start = end + 1;
    }
    if (start < text.length) {
      this.pendingLine += text.slice(start);
      if (this.pendingLine.length > this.maxEventChars)
        throw new CodecError(
          "TOO_LARGE",
          `Line ${this.lineNumber + 1} is longer than the limit of ${this.maxEventChars} characters for one event`,
        );
    }
  }

  private line(raw: string): void {
    this.lineNumber++;
    const line = raw.trim();
    if (line === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch (error) {
      throw new CodecError(
        "INVALID_JSON",
        `Line ${this.lineNumber} is not valid JSON (truncated or corrupt?): ${error instanceof Error ? error.message : String(error)}`,
        { path: `line ${this.lineNumber}` },
      );
    }
    addBlobLine(this.sink, value, `line ${this.lineNumber}`);
  }

  private arrayValue(path: JsonPath, event: unknown): void {
    const p = `events[${String(path[0])}]`;
    const windowId =
      isRecord(event) && event.windowId !== undefined && event.windowId !== null
        ? windowIdOf(event.windowId, `${p}.windowId`)
        : "";
    if (isSnapshotChunk(event)) this.chunks.add(event, p, windowId);
    else this.sink.add(windowId, withoutWindowId(event), p);
  }

  private exportValue(path: JsonPath, value: unknown): void {
    const [top, key, w, i] = path;
    if (top === "version") {
      this.sawVersion = true;
      this.version = value;
      checkExportVersion(value);
      return;
    }
    if (key === "id") {
      if (typeof value === "string" && value !== "") this.sessionId = value;
      return;
    }
    if (key === "person") {
      if (isRecord(value)) {
        this.person = value;
        const ids = value.distinct_ids;
        if (Array.isArray(ids) && typeof ids[0] === "string") this.distinctId = ids[0];
      }
      return;
    }
    if (key === "snapshots") {
      this.shapes.add("snapshots");
      if (typeof w !== "number") return this.notArray("data.snapshots", value);
      const p = `data.snapshots[${String(w)}]`;
      const windowId =
        isRecord(value) && value.windowId !== undefined && value.windowId !== null
          ? windowIdOf(value.windowId, `${p}.windowId`)
          : "1";
      this.sink.add(windowId, withoutWindowId(value), p);
      return;
    }
    if (key === "snapshotsByWindowId") {
      this.shapes.add("snapshotsByWindowId");
      const p = `data.snapshotsByWindowId[${JSON.stringify(String(w))}]`;
      if (i === undefined) {
        if (w === undefined)
          throw new CodecError(
            "INVALID_EVENT",
            `Expected data.snapshotsByWindowId to be an object, got ${describe(value)}`,
            { path: "data.snapshotsByWindowId" },
          );
        return this.notArray(p, value);
      }
      this.sink.add(String(w), withoutWindowId(value), `${p}[${String(i)}]`);
    }
  }

  private notArray(path: string, value: unknown): void {
    throw new CodecError("INVALID_EVENT", `Expected ${path} to be an array, got ${describe(value)}`, {
      path,
    });
  }

  private checkExport(): void {
    if (!this.sawVersion)
      throw new CodecError("UNKNOWN_VERSION", missingVersionMessage(), { path: "version" });
    const wanted = this.version === "2023-04-28" ? "snapshots" : "snapshotsByWindowId";
    if (!this.shapes.has(wanted)) {
      const other = wanted === "snapshots" ? "snapshotsByWindowId" : "snapshots";
      throw new CodecError(
        "INVALID_EVENT",
        `A PostHog export of version ${String(this.version)} keeps its events in data.${wanted}, which this file lacks${
          this.shapes.has(other) ? ` (it has data.${other}, the other version's shape)` : ""
        }`,
        { path: `data.${wanted}` },
      );
    }
  }
}

function exportSelect(path: JsonPath): "emit" | "descend" | "skip" {
  const [top, key, w] = path;
  switch (path.length) {
    case 0:
      return "descend";
    case 1:
      return top === "version" ? "emit" : top === "data" ? "descend" : "skip";
    case 2:
      if (key === "id" || key === "person") return "emit";
      return key === "snapshots" || key === "snapshotsByWindowId" ? "descend" : "skip";
    case 3:
      if (key === "snapshots") return "emit";
      return key === "snapshotsByWindowId" && typeof w === "string" ? "descend" : "skip";
    case 4:
      return key === "snapshotsByWindowId" ? "emit" : "skip";
    default:
      return "skip";
  }
}
