// Incremental bookkeeping over one window's events as pages arrive, so a long recording costs
// O(events) in total rather than O(events × pages).
import type { PosthogEvent, RrwebEvent } from "./api";
import { CheckpointBuilder } from "./checkpoints";
import type { ConsoleRow, Gap, Marker, NetworkRow } from "./timeline";
import { EventType, consoleRows, isActive, markers, networkRows } from "./timeline";

/** Appends sorted `items` to sorted `list`, re-sorting only when they interleave (rare). */
function appendSorted<T extends { timestamp: number }>(list: T[], items: readonly T[]): void {
  if (items.length === 0) return;
  const tail = list[list.length - 1];
  for (const item of items) list.push(item);
  if (tail && (items[0] as T).timestamp < tail.timestamp) list.sort((a, b) => a.timestamp - b.timestamp);
}

/** Index of the first item of time-sorted `list` with a timestamp greater than `t`. */
function firstAfter(list: readonly { timestamp: number }[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as { timestamp: number }).timestamp <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A mobile `keyboard` custom event: the on-screen keyboard opened (with its height) or closed. */
export interface KeyboardState {
  timestamp: number;
  open: boolean;
  height: number | null;
}

function keyboardState(event: RrwebEvent): KeyboardState | null {
  if (event.type !== EventType.Custom || typeof event.data !== "object" || event.data === null) return null;
  const { tag, payload } = event.data as { tag?: unknown; payload?: unknown };
  if (tag !== "keyboard" || typeof payload !== "object" || payload === null) return null;
  const { open, height } = payload as { open?: unknown; height?: unknown };
  return {
    timestamp: event.timestamp,
    open: open === true,
    height: typeof height === "number" && Number.isFinite(height) ? height : null,
  };
}

export class WindowDerivation {
  readonly events: RrwebEvent[] = [];
  readonly keyboard: KeyboardState[] = [];
  readonly console: ConsoleRow[] = [];
  readonly network: NetworkRow[] = [];
  readonly markers: Marker[] = [];
  readonly checkpoints = new CheckpointBuilder();
  private activity: number[] = [];
  private sawMeta = false;

  add(page: readonly RrwebEvent[]): void {
    for (const event of page) this.events.push(event);
    this.checkpoints.add(page);
    for (const row of consoleRows(page, this.console.length)) this.console.push(row);
    appendSorted(this.network, networkRows(page, this.network.length));
    // markers() treats the first Meta of its input as the recording start; only the real first one is.
    const pageMarkers = markers(
      this.sawMeta ? [{ type: EventType.Meta, timestamp: 0, data: {} }, ...page] : page,
    );
    if (page.some((e) => e.type === EventType.Meta)) this.sawMeta = true;
    appendSorted(this.markers, pageMarkers);
    for (const event of page) {
      if (isActive(event) || event.type === EventType.FullSnapshot) this.activity.push(event.timestamp);
    }
    appendSorted(
      this.keyboard,
      page.map(keyboardState).filter((k): k is KeyboardState => k !== null),
    );
  }

  /** The keyboard as the last `keyboard` event at or before `t` left it (closed before any). */
  keyboardAt(t: number): KeyboardState | null {
    const after = firstAfter(this.keyboard, t);
    return after === 0 ? null : (this.keyboard[after - 1] as KeyboardState);
  }

  get startTime(): number {
    return this.events[0]?.timestamp ?? 0;
  }

  /** Timestamp of the first full snapshot (the earliest moment rrweb can draw). */
  get firstSnapshotTime(): number {
    for (const event of this.events) if (event.type === EventType.FullSnapshot) return event.timestamp;
    return this.startTime;
  }

  get endTime(): number {
    return this.events[this.events.length - 1]?.timestamp ?? 0;
  }

  /** Meta + FullSnapshot are in: rrweb can draw a first frame. */
  get playable(): boolean {
    let meta = false;
    for (const event of this.events) {
      if (event.type === EventType.Meta) meta = true;
      else if (event.type === EventType.FullSnapshot && meta) return true;
    }
    return false;
  }

  /** Index of the first event with a timestamp greater than `t`. */
  indexAfter(t: number): number {
    return firstAfter(this.events, t);
  }

  /** Index of the last Meta at or before `t` (where rrweb starts a seek from), or 0. */
  lastMetaIndex(t: number): number {
    for (let i = this.indexAfter(t) - 1; i >= 0; i--)
      if ((this.events[i] as RrwebEvent).type === EventType.Meta) return i;
    return 0;
  }

  gaps(thresholdMs: number): Gap[] {
    const gaps: Gap[] = [];
    let last = this.startTime;
    for (const t of this.activity) {
      if (t - last > thresholdMs) gaps.push({ start: last, end: t });
      last = Math.max(last, t);
    }
    if (this.endTime - last > thresholdMs) gaps.push({ start: last, end: this.endTime });
    return gaps;
  }

  allMarkers(posthogEvents: readonly PosthogEvent[]): Marker[] {
    const extra = markers([], posthogEvents);
    return [...this.markers, ...extra].sort((a, b) => a.timestamp - b.timestamp);
  }
}
