import { createHash } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable, pipeline } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import { createGunzip } from "node:zlib";
import {
  CodecError,
  PlaybackDoctor,
  RecordingStreamReader,
  doctorRecording,
  STREAM_HEAD_CHARS,
  readRecordingFile,
  streamFormatOf,
  type Recording,
  type RecordingFormat,
  type RrwebEvent,
  type StreamedRecording,
} from "@replay-devkit/codec";
import type { StagedImport, StagedImportResult, Store } from "@replay-devkit/store";

export interface StreamImportOptions {
  /** Cap on the bytes read from the source (the compressed size of a gzip file). */
  maxBytes: number;
  /** Cap on the decompressed size; a gzip bomb is refused as soon as it inflates past it. */
  maxDecompressedBytes: number;
  /**
   * Formats that are read whole (bundles, fixtures, Snappy blocks, old events lists and wrappers)
   * are refused past this decompressed size. Default 64 MiB; the streamed formats (PostHog
   * export, rrweb JSON array, blob_v2) have no such cap.
   */
  maxWholeFileBytes?: number;
  /** Session id for formats that carry none (default: a hash of the content, as readRecordingFile does). */
  sessionId?: string;
  /** What the transport said (Content-Encoding); without it gzip is recognised by its magic bytes. */
  encoding?: "gzip" | "identity";
  /** Where the parsed events wait between reading and storing (default: the OS temp dir). */
  spoolDir?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Stops the import (the client went away); nothing it wrote stays stored. */
  signal?: AbortSignal;
}

export interface ImportProgress {
  /** `reading`: the file is inflated, parsed and checked; `storing`: its events are written. */
  phase: "reading" | "storing";
  /** Bytes of the source read so far. */
  bytesRead: number;
  /** Events parsed so far. */
  events: number;
  /** Events written so far (new or already stored). */
  eventsStored: number;
}

export interface StreamImportResult {
  format: RecordingFormat;
  formatVersion: string | null;
  imported: StagedImportResult[];
}

export const DEFAULT_MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024;
/** A stored batch: this many events or this many characters of JSON, whichever comes first. */
// Small enough that one batch's transaction (encode, gzip, insert) stays around 10 ms, so capture
// requests queued behind it wait little (bench/import-contention.bench.mjs).
const BATCH_EVENTS = 250;
const BATCH_CHARS = 192 * 1024;
/** The reading loop yields to the event loop after parsing this much text. */
const YIELD_CHARS = 128 * 1024;
const SPOOL_FLUSH_CHARS = 1024 * 1024;

/**
 * Imports one recording file from a byte stream with bounded memory, whatever its size: gzip is
 * inflated as it streams (capped), the streamed formats are parsed event by event into a spool
 * file, and only a whole, valid file is then stored, in short transactions that yield to the event
 * loop between batches, and made visible at the end. A file that breaks anywhere stores nothing.
 */
export async function importStream(
  store: Store,
  input: AsyncIterable<Uint8Array>,
  opts: StreamImportOptions,
): Promise<StreamImportResult> {
  const progress: ImportProgress = { phase: "reading", bytesRead: 0, events: 0, eventsStored: 0 };
  const report = () => opts.onProgress?.({ ...progress });
  const maxWhole = Math.min(
    opts.maxWholeFileBytes ?? DEFAULT_MAX_WHOLE_FILE_BYTES,
    opts.maxDecompressedBytes,
  );
  const dir = mkdtempSync(join(opts.spoolDir ?? tmpdir(), "replay-devkit-import-"));
  try {
    const hash = createHash("sha256");
    const decoder = new TextDecoder("utf-8");
    let head = "";
    let sinceYield = 0;
    const plainParts: Uint8Array[] = [];
    let plainBytes = 0;
    // Set inside decide(); the casts keep TypeScript from narrowing them to their first values.
    let mode = "undecided" as "undecided" | "stream" | "whole";
    let reader = null as RecordingStreamReader | null;
    let spool = null as Spool | null;
    const decide = (complete: boolean) => {
      const format = streamFormatOf(head, complete);
      if (format === null) {
        mode = "whole";
        return;
      }
      mode = "stream";
      const out = new Spool(join(dir, "events.jsonl"));
      spool = out;
      reader = new RecordingStreamReader(
        format,
        (windowId, event) => {
          progress.events++;
          out.push(windowId, event);
        },
        { limits: { maxDecompressedBytes: opts.maxDecompressedBytes } },
      );
      reader.write(head);
      head = "";
      plainParts.length = 0;
    };
    for await (const bytes of inflated(input, opts, (n) => (progress.bytesRead += n))) {
      opts.signal?.throwIfAborted();
      hash.update(bytes);
      plainBytes += bytes.length;
      if (mode !== "stream") {
        if (plainBytes > maxWhole && mode === "whole") throw wholeTooLarge(maxWhole);
        plainParts.push(bytes);
      }
      if (mode !== "whole") {
        const text = decoder.decode(bytes, { stream: true });
        if (mode === "undecided") {
          head += text;
          if (head.length >= STREAM_HEAD_CHARS) decide(false);
        } else {
          reader?.write(text);
          await spool?.flushIfFull();
        }
        sinceYield += text.length;
      }
      report();
      if (sinceYield >= YIELD_CHARS) {
        sinceYield = 0;
        await nextTurn();
      }
    }
    const tail = decoder.decode();
    if (mode === "undecided") {
      head += tail;
      decide(true);
    } else if (mode === "stream") reader?.write(tail);
    opts.signal?.throwIfAborted();

    if (mode === "whole") {
      if (plainBytes === 0)
        throw new CodecError("UNKNOWN_FORMAT", "The file is empty; send the recording file itself.");
      const plain = Buffer.concat(plainParts, plainBytes);
      plainParts.length = 0;
      const result = await readRecordingFile(plain, {
        limits: { maxDecompressedBytes: opts.maxDecompressedBytes },
        ...(opts.sessionId === undefined ? {} : { sessionId: opts.sessionId }),
      });
      progress.events = result.recordings.reduce(
        (n, r) => n + r.windows.reduce((m, w) => m + w.events.length, 0),
        0,
      );
      progress.phase = "storing";
      report();
      const imported: StagedImportResult[] = [];
      for (const rec of result.recordings) {
        imported.push(await storeRecording(store, rec, result.format, progress, report, opts.signal));
      }
      return { format: result.format, formatVersion: result.formatVersion, imported };
    }

    if (!reader || !spool) throw new Error("unreachable: a streamed import without its reader");
    const info = reader.end();
    await spool.close();
    const sessionId = info.sessionId ?? opts.sessionId ?? `imported-${hash.digest("hex").slice(0, 32)}`;
    progress.phase = "storing";
    report();
    const imported = await storeSpool(store, spool.path, sessionId, info, progress, report, opts.signal);
    return { format: info.format, formatVersion: info.formatVersion, imported: [imported] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function wholeTooLarge(max: number): CodecError {
  return new CodecError(
    "TOO_LARGE",
    `This kind of file is read whole, and this one inflates past ${Math.round(max / 1024 / 1024)} MB; convert it to a PostHog export, an rrweb JSON array or blob_v2 JSONL (those stream at any size)`,
  );
}

/** The source's bytes, gunzipped as they stream when it is gzip, refused past the caps. */
async function* inflated(
  input: AsyncIterable<Uint8Array>,
  opts: StreamImportOptions,
  onRead: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  let read = 0;
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    for await (const chunk of input) {
      read += chunk.length;
      if (read > opts.maxBytes)
        throw new CodecError(
          "TOO_LARGE",
          `The file is larger than the ${Math.round(opts.maxBytes / 1024 / 1024)} MB import limit`,
        );
      onRead(chunk.length);
      yield chunk;
    }
  };
  const source = counted();
  const first = await source.next();
  if (first.done) return;
  const head = first.value;
  const gzip = opts.encoding === "gzip" || (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b);
  const all = async function* (): AsyncGenerator<Uint8Array> {
    yield head;
    yield* source;
  };
  if (!gzip) {
    yield* all();
    return;
  }
  let failure: unknown = null;
  const gunzip = pipeline(Readable.from(all()), createGunzip(), (error) => {
    if (error) failure = error;
  });
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > opts.maxDecompressedBytes)
        throw new CodecError(
          "TOO_LARGE",
          `The file inflates past the ${Math.round(opts.maxDecompressedBytes / 1024 / 1024)} MB import limit (a gzip bomb?)`,
        );
      yield chunk;
    }
  } catch (error) {
    throw gzipError(failure ?? error);
  } finally {
    gunzip.destroy();
  }
  if (failure) throw gzipError(failure);
}

function gzipError(error: unknown): unknown {
  if (error instanceof CodecError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("Z_"))
    return new CodecError(
      "INVALID_GZIP",
      `The file is not valid gzip (truncated or corrupt?): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  return error;
}

/** Parsed events on disk between reading and storing, one `[windowId, event]` line each. */
class Spool {
  private readonly out: WriteStream;
  private buffer: string[] = [];
  private chars = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
  }

  push(windowId: string | null, event: RrwebEvent): void {
    const line = `${JSON.stringify([windowId, event])}\n`;
    this.buffer.push(line);
    this.chars += line.length;
  }

  async flushIfFull(): Promise<void> {
    if (this.chars >= SPOOL_FLUSH_CHARS) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("");
    this.buffer = [];
    this.chars = 0;
    if (!this.out.write(text)) await once(this.out, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, "finish");
  }
}

/** Batches per window: full ones are stored while the rest fill up. */
class Batcher {
  private readonly windows = new Map<string, { events: RrwebEvent[]; chars: number }>();

  constructor(private readonly stage: StagedImport) {}

  /** Adds an event; returns the number of events stored if a batch filled up. */
  add(windowId: string, event: RrwebEvent, chars: number): number {
    let w = this.windows.get(windowId);
    if (!w) {
      w = { events: [], chars: 0 };
      this.windows.set(windowId, w);
    }
    w.events.push(event);
    w.chars += chars;
    if (w.events.length < BATCH_EVENTS && w.chars < BATCH_CHARS) return 0;
    this.windows.delete(windowId);
    this.stage.add(windowId, w.events);
    return w.events.length;
  }

  flush(): number {
    let n = 0;
    for (const [windowId, w] of this.windows) {
      this.stage.add(windowId, w.events);
      n += w.events.length;
    }
    this.windows.clear();
    return n;
  }
}

async function staged<T>(stage: StagedImport, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    stage.abort();
    throw error;
  }
}

/** After an event was batched: when a batch was stored (`stored` events), report and yield. */
async function afterBatch(
  stored: number,
  progress: ImportProgress,
  report: () => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (stored === 0) return;
  progress.eventsStored += stored;
  report();
  // Let capture requests in between: each batch is one short transaction.
  await nextTurn();
  signal?.throwIfAborted();
}

async function storeSpool(
  store: Store,
  path: string,
  sessionId: string,
  info: StreamedRecording,
  progress: ImportProgress,
  report: () => void,
  signal: AbortSignal | undefined,
): Promise<StagedImportResult> {
  const stage = store.beginImport(sessionId);
  const doctor = new PlaybackDoctor();
  await staged(stage, async () => {
    const batcher = new Batcher(stage);
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      const [windowId, event] = JSON.parse(line) as [string | null, RrwebEvent];
      const w = windowId ?? sessionId;
      let stored = 0;
      for (const repaired of doctor.repair(w, [event])) stored += batcher.add(w, repaired, line.length);
      await afterBatch(stored, progress, report, signal);
    }
    progress.eventsStored += batcher.flush();
  });
  const result = stage.commit({
    source: info.format,
    distinctId: info.distinctId,
    ...(info.person ? { person: info.person } : {}),
    repairs: doctor.repairs,
  });
  report();
  return result;
}

async function storeRecording(
  store: Store,
  read: Recording,
  format: RecordingFormat,
  progress: ImportProgress,
  report: () => void,
  signal: AbortSignal | undefined,
): Promise<StagedImportResult> {
  const { recording: rec, repairs } = doctorRecording(read);
  const stage = store.beginImport(rec.sessionId);
  await staged(stage, async () => {
    const batcher = new Batcher(stage);
    for (const w of rec.windows) {
      for (const event of w.events) {
        // Sizes only bound the batches here: the events are in memory already.
        await afterBatch(batcher.add(w.windowId, event, 0), progress, report, signal);
      }
      progress.eventsStored += batcher.flush();
    }
  });
  const result = stage.commit({
    source: format,
    distinctId: rec.distinctId,
    ...(rec.person ? { person: rec.person } : {}),
    posthogEvents: rec.posthogEvents,
    repairs,
  });
  report();
  return result;
}
