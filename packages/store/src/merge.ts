import type { RrwebEvent } from "@replay-devkit/codec";

export interface ChunkRef {
  seq: number;
  windowId: string;
  firstTs: number;
  lastTs: number;
}

export interface WindowEvent {
  windowId: string;
  event: RrwebEvent;
}

/** Where a stream starts: strictly after a timestamp, or at a timestamp skipping the first `skip` events there. */
export type StreamStart = { after: number } | { at: number; skip: number } | null;

interface Cursor {
  seq: number;
  windowId: string;
  events: RrwebEvent[];
  index: number;
}

/** Thrown by `load` when a chunk disappeared (compacted or deleted) between listing and reading it. */
export class ChunkVanished extends Error {}

function before(a: Cursor, b: Cursor): boolean {
  const ta = (a.events[a.index] as RrwebEvent).timestamp;
  const tb = (b.events[b.index] as RrwebEvent).timestamp;
  return ta < tb || (ta === tb && a.seq < b.seq);
}

class CursorHeap {
  private readonly items: Cursor[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Cursor | undefined {
    return this.items[0];
  }
  push(cursor: Cursor): void {
    const items = this.items;
    items.push(cursor);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Cursor, items[parent] as Cursor)) break;
      [items[i], items[parent]] = [items[parent] as Cursor, items[i] as Cursor];
      i = parent;
    }
  }
  /** Re-establishes heap order after the top cursor advanced, or drops it when exhausted. */
  fixTop(): void {
    const items = this.items;
    const top = items[0];
    if (!top) return;
    if (top.index >= top.events.length) {
      const last = items.pop() as Cursor;
      if (items.length === 0) return;
      items[0] = last;
    }
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l] as Cursor, items[m] as Cursor)) m = l;
      if (r < items.length && before(items[r] as Cursor, items[m] as Cursor)) m = r;
      if (m === i) break;
      [items[i], items[m]] = [items[m] as Cursor, items[i] as Cursor];
      i = m;
    }
  }
}

/** What the merge needs next: a chunk's events loaded, or nothing (it has an event to hand out). */
type MergeStep = { need: ChunkRef } | { item: WindowEvent };

/**
 * The merge itself, free of I/O: it asks for each chunk with `{ need }` and is resumed with the
 * chunk's events, so the same code serves synchronous (SQLite) and asynchronous (PostgreSQL, S3)
 * loading. Order: (timestamp, chunk seq, position).
 */
function* mergeSteps(
  refs: readonly ChunkRef[],
  start: StreamStart,
): Generator<MergeStep, void, RrwebEvent[] | undefined> {
  const pending = [...refs].sort((a, b) => a.firstTs - b.firstTs || a.seq - b.seq);
  const heap = new CursorHeap();
  let next = 0;
  let skipTs = start && "at" in start ? start.at : Number.NaN;
  let skipLeft = start && "at" in start ? start.skip : 0;
  const floor = start === null ? -Infinity : "after" in start ? start.after : start.at;
  const exclusive = start !== null && "after" in start;

  while (next < pending.length || heap.size > 0) {
    const top = heap.peek();
    const topTs = top ? (top.events[top.index] as RrwebEvent).timestamp : Number.NaN;
    // A chunk not loaded yet may hold an earlier (or tied, lower-seq) event.
    if (!top || (next < pending.length && (pending[next] as ChunkRef).firstTs <= topTs)) {
      const ref = pending[next++] as ChunkRef;
      const events = (yield { need: ref }) ?? [];
      let index = 0;
      // Skip the part of the chunk before the start; chunks are sorted, so this is a prefix.
      while (index < events.length) {
        const ts = (events[index] as RrwebEvent).timestamp;
        if (ts > floor || (!exclusive && ts === floor)) break;
        index++;
      }
      if (index < events.length) heap.push({ seq: ref.seq, windowId: ref.windowId, events, index });
      continue;
    }
    const event = top.events[top.index] as RrwebEvent;
    top.index++;
    heap.fixTop();
    if (topTs === skipTs && skipLeft > 0) {
      skipLeft--;
      continue;
    }
    skipTs = Number.NaN;
    yield { item: { windowId: top.windowId, event } };
  }
}

/**
 * Merges chunks (each sorted) into one stream ordered by (timestamp, chunk seq, position). A chunk is
 * decoded only once the stream reaches its first timestamp, so memory holds just the chunks that
 * overlap in time, not the recording.
 */
export function* mergeChunks(
  refs: readonly ChunkRef[],
  load: (ref: ChunkRef) => RrwebEvent[],
  start: StreamStart,
): Generator<WindowEvent> {
  const steps = mergeSteps(refs, start);
  for (let step = steps.next(); !step.done;) {
    if ("need" in step.value) step = steps.next(load(step.value.need));
    else {
      yield step.value.item;
      step = steps.next();
    }
  }
}

/** {@link mergeChunks} with a loader that fetches over the network (a database or a bucket). */
export async function* mergeChunksAsync(
  refs: readonly ChunkRef[],
  load: (ref: ChunkRef) => Promise<RrwebEvent[]>,
  start: StreamStart,
): AsyncGenerator<WindowEvent> {
  const steps = mergeSteps(refs, start);
  for (let step = steps.next(); !step.done;) {
    if ("need" in step.value) step = steps.next(await load(step.value.need));
    else {
      yield step.value.item;
      step = steps.next();
    }
  }
}
