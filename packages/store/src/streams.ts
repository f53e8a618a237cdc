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

/** Events in timestamp order (ties keep arrival order). `isClosed` ends the stream quietly on close. */
export function* iterateEvents(
  stmt: Statements,
  id: string,
  opts: IterateOptions,
  isClosed: () => boolean,
): Generator<WindowEvent> {
  if (!getRecording(stmt, id)) throw new StoreError("NOT_FOUND", `No recording with id ${id}`);
  const initial: StreamStart =
    opts.startAt !== undefined
      ? { at: opts.startAt.timestamp, skip: opts.startAt.skip }
      : opts.afterTimestamp !== undefined
        ? { after: opts.afterTimestamp }
        : null;
  let start = initial;
  let lastTs = Number.NaN;
  let sameTs = 0;
  // A compaction (or delete) between two reads removes chunks this stream listed; the stream then
  // lists again and resumes at its exact position, which compaction preserves.
  for (let attempt = 0; attempt < 5; attempt++) {
    const floor = start === null ? -Infinity : "after" in start ? start.after : start.at;
    const refs = chunkRefs(stmt, id, opts.windowId).filter((r) => r.lastTs >= floor);
    try {
      for (const item of mergeChunks(refs, (ref) => loadChunk(stmt, ref, id), start)) {
        const ts = item.event.timestamp;
        if (ts === lastTs) sameTs++;
        else {
          lastTs = ts;
          sameTs = 1;
        }
        yield item;
      }
      return;
    } catch (error) {
      if (!(error instanceof ChunkVanished)) throw error;
      if (isClosed() || !getRecording(stmt, id)) return;
      if (!Number.isNaN(lastTs)) {
        // Everything at lastTs already passed on, plus what the caller's own cursor skipped there.
        const skipped = initial && "at" in initial && initial.at === lastTs ? initial.skip : 0;
        start = { at: lastTs, skip: sameTs + skipped };
      }
    }
  }
  throw new StoreError("BUSY", `Recording ${id} kept changing while it was being read; try again`);
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
