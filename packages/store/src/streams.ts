import type { Recording, RecordingWindow, RrwebEvent } from "@replay-devkit/codec";
import { decodeChunk } from "./chunks.js";
import { StoreError } from "./errors.js";
import { ChunkVanished, mergeChunks, type ChunkRef, type StreamStart, type WindowEvent } from "./merge.js";
import { getRecording, posthogEventsOf, stripSummary, toSummary } from "./queries.js";
import type { ChunkDataRow, ChunkMetaRow, RecordingRow, Statements } from "./statements.js";
import type { IterateOptions } from "./types.js";

// Event streams: a recording's chunks merged into timestamp order, one decoded chunk at a time, with
// cursors that survive a compaction running between two reads.

export function windowIds(stmt: Statements, id: string): string[] {
  return (stmt.windows.all(id) as { window_id: string }[]).map((r) => r.window_id);
}

export function chunkRefs(stmt: Statements, id: string, windowId?: string): ChunkRef[] {
  const rows = (
    windowId === undefined ? stmt.chunkRefs.all(id) : stmt.chunkRefsWindow.all(id, windowId)
  ) as ChunkMetaRow[];
  return rows.map((r) => ({ seq: r.seq, windowId: r.window_id, firstTs: r.first_ts, lastTs: r.last_ts }));
}

export function loadChunk(stmt: Statements, ref: ChunkRef, id: string): RrwebEvent[] {
  const row = stmt.chunkData.get(ref.seq) as ChunkDataRow | undefined;
  if (!row) throw new ChunkVanished();
  return decodeChunk(row, `Recording ${id}`);
}

/**
 * Where an event stream is. A compaction (or delete) between two reads removes blocks the stream
 * listed; the stream then lists again and resumes at its exact position, which compaction
 * preserves. Shared by the SQLite stream below and the PostgreSQL driver's async one.
 */
export class StreamPosition {
  /** Lists and restarts allowed before the stream gives up with BUSY. */
  static readonly ATTEMPTS = 5;
  private readonly initial: StreamStart;
  start: StreamStart;
  private lastTs = Number.NaN;
  private sameTs = 0;

  constructor(opts: IterateOptions) {
    this.initial =
      opts.startAt !== undefined
        ? { at: opts.startAt.timestamp, skip: opts.startAt.skip }
        : opts.afterTimestamp !== undefined
          ? { after: opts.afterTimestamp }
          : null;
    this.start = this.initial;
  }

  /** Blocks ending before this cannot hold an event the stream still owes. */
  get floor(): number {
    const start = this.start;
    return start === null ? -Infinity : "after" in start ? start.after : start.at;
  }

  /** Records an event handed to the caller. */
  saw(ts: number): void {
    if (ts === this.lastTs) this.sameTs++;
    else {
      this.lastTs = ts;
      this.sameTs = 1;
    }
  }

  /** After a vanished block: start again right after the last event handed out. */
  resume(): void {
    if (Number.isNaN(this.lastTs)) return;
    // Everything at lastTs already passed on, plus what the caller's own cursor skipped there.
    const initial = this.initial;
    const skipped = initial && "at" in initial && initial.at === this.lastTs ? initial.skip : 0;
    this.start = { at: this.lastTs, skip: this.sameTs + skipped };
  }

  static busy(id: string): StoreError {
    return new StoreError("BUSY", `Recording ${id} kept changing while it was being read; try again`);
  }
}

/** Events in timestamp order (ties keep arrival order). `isClosed` ends the stream quietly on close. */
export function* iterateEvents(
  stmt: Statements,
  id: string,
  opts: IterateOptions,
  isClosed: () => boolean,
): Generator<WindowEvent> {
  if (!getRecording(stmt, id)) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
  const position = new StreamPosition(opts);
  for (let attempt = 0; attempt < StreamPosition.ATTEMPTS; attempt++) {
    const refs = chunkRefs(stmt, id, opts.windowId).filter((r) => r.lastTs >= position.floor);
    try {
      for (const item of mergeChunks(refs, (ref) => loadChunk(stmt, ref, id), position.start)) {
        position.saw(item.event.timestamp);
        yield item;
      }
      return;
    } catch (error) {
      if (!(error instanceof ChunkVanished)) throw error;
      if (isClosed() || !getRecording(stmt, id)) return;
      position.resume();
    }
  }
  throw StreamPosition.busy(id);
}

/** The whole recording in memory. Throws NOT_FOUND. */
export function loadRecording(stmt: Statements, id: string, isClosed: () => boolean): Recording {
  const row = stmt.getRow.get(id) as RecordingRow | undefined;
  if (!row || row.source === "pending") throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
  const windows: RecordingWindow[] = windowIds(stmt, id).map((windowId) => ({
    windowId,
    events: Array.from(iterateEvents(stmt, id, { windowId }, isClosed), (item) => item.event),
  }));
  const metadata = toSummary(row);
  const rec: Recording = {
    sessionId: id,
    distinctId: metadata.distinctId,
    windows,
    posthogEvents: posthogEventsOf(stmt, id),
    metadata: stripSummary(metadata),
  };
  if (row.person !== null) rec.person = JSON.parse(row.person) as Record<string, unknown>;
  return rec;
}
