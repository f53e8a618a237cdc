import type { RrwebEvent } from "@replay-devkit/codec";

/**
 * Which recorded moments become video frames, and where the pointer and clicks are drawn. Pure,
 * so the renderer and its tests agree on every frame.
 */

/** Incremental sources that mean the user did something (PostHog's "active" time uses the same idea). */
const USER_SOURCES = new Set([1, 2, 3, 4, 5, 6, 12]); // mouse move, interaction, scroll, resize, input, touch, drag
const CLICK_TYPES = new Set([2, 4, 7]); // Click, DblClick, TouchStart
/** Idle stretches longer than this are cut down to {@link IDLE_KEEP_MS} at each end. */
export const IDLE_GAP_MS = 3000;
export const IDLE_KEEP_MS = 500;
/** How long a click ring stays on screen, in recorded time. */
export const CLICK_RING_MS = 600;

export interface FramePlan {
  /** Absolute recorded timestamps (ms), one per output frame, increasing. */
  times: number[];
  /** Recorded time left out as idle. */
  skippedMs: number;
  /** The clip in recorded time. */
  startMs: number;
  endMs: number;
}

export interface PlanOptions {
  /** ms since the window's first event (default 0). */
  fromMs?: number;
  /** ms since the window's first event (default: its last event). */
  toMs?: number;
  fps: number;
  skipIdle: boolean;
}

function activityTimes(events: readonly RrwebEvent[]): number[] {
  const times: number[] = [];
  for (const e of events) {
    const source = (e.data as { source?: unknown } | undefined)?.source;
    if (e.type === 2 || e.type === 4 || (e.type === 3 && USER_SOURCES.has(source as number)))
      times.push(e.timestamp);
  }
  return times;
}

/** Frame times for the clip: one every 1/fps of recorded time, with idle stretches cut. */
export function planFrames(events: readonly RrwebEvent[], opts: PlanOptions): FramePlan {
  const first = events[0]?.timestamp ?? 0;
  const last = events.at(-1)?.timestamp ?? first;
  const startMs = first + Math.max(0, opts.fromMs ?? 0);
  const endMs = Math.min(last, first + (opts.toMs ?? last - first));
  const step = 1000 / opts.fps;
  // Idle gaps: between consecutive activities (and the clip's ends) longer than IDLE_GAP_MS.
  const cuts: [number, number][] = [];
  if (opts.skipIdle) {
    const marks = [startMs, ...activityTimes(events).filter((t) => t > startMs && t < endMs), endMs];
    for (let i = 1; i < marks.length; i++) {
      const a = marks[i - 1] as number;
      const b = marks[i] as number;
      if (b - a > IDLE_GAP_MS) cuts.push([a + IDLE_KEEP_MS, b - IDLE_KEEP_MS]);
    }
  }
  const times: number[] = [];
  let skippedMs = 0;
  let cut = 0;
  for (let t = startMs; t <= endMs; t += step) {
    const gap = cuts[cut];
    if (gap && t > gap[0]) {
      skippedMs += gap[1] - gap[0];
      t += gap[1] - gap[0];
      cut++;
    }
    times.push(Math.min(t, endMs));
  }
  return { times, skippedMs, startMs, endMs };
}

/** Index of the first item of `sorted` whose time is greater than `t`. */
function indexAfter<T>(sorted: readonly T[], t: number, time: (item: T) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time(sorted[mid] as T) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Pointer {
  x: number;
  y: number;
}

export interface Click extends Pointer {
  /** 0 at the click, 1 when its ring is gone. */
  age: number;
}

interface Sample extends Pointer {
  t: number;
}

/** Pointer positions and clicks of a window, for {@link Pointers.at}. */
export class Pointers {
  private readonly moves: Sample[] = [];
  private readonly clicks: Sample[] = [];

  constructor(events: readonly RrwebEvent[]) {
    for (const e of events) {
      if (e.type !== 3) continue;
      const d = e.data as {
        source?: number;
        type?: number;
        x?: number;
        y?: number;
        positions?: { x: number; y: number; timeOffset?: number }[];
      };
      if ((d.source === 1 || d.source === 6) && Array.isArray(d.positions)) {
        for (const p of d.positions)
          if (Number.isFinite(p.x) && Number.isFinite(p.y))
            this.moves.push({ x: p.x, y: p.y, t: e.timestamp + (p.timeOffset ?? 0) });
      } else if (d.source === 2 && Number.isFinite(d.x) && Number.isFinite(d.y)) {
        const sample = { x: d.x as number, y: d.y as number, t: e.timestamp };
        this.moves.push(sample);
        if (CLICK_TYPES.has(d.type as number)) this.clicks.push(sample);
      }
    }
    this.moves.sort((a, b) => a.t - b.t);
  }

  /** Where the pointer is at `t` (the last known position), and the clicks still ringing. */
  at(t: number): { pointer: Pointer | null; clicks: Click[] } {
    const last = this.moves[indexAfter(this.moves, t, (m) => m.t) - 1];
    const clicks = this.clicks
      .filter((c) => c.t <= t && t - c.t < CLICK_RING_MS)
      .map((c) => ({ x: c.x, y: c.y, age: (t - c.t) / CLICK_RING_MS }));
    return { pointer: last ? { x: last.x, y: last.y } : null, clicks };
  }
}

/** Events that change what the page looks like (everything but pointer moves and clicks). */
export class PageChanges {
  private readonly times: number[] = [];

  constructor(events: readonly RrwebEvent[]) {
    for (const e of events) {
      const source = (e.data as { source?: unknown } | undefined)?.source;
      if (e.type === 3 && (source === 1 || source === 2 || source === 6)) continue;
      if (e.type === 2 || e.type === 3) this.times.push(e.timestamp);
    }
    this.times.sort((a, b) => a - b);
  }

  /** Whether any change happened in (from, to]. */
  between(from: number, to: number): boolean {
    const next = this.times[indexAfter(this.times, from, (x) => x)];
    return next !== undefined && next <= to;
  }
}

/** The recorded viewport at `t`: the last Meta or resize event at or before it, else the first one after. */
export function viewportAt(events: readonly RrwebEvent[], t: number): { width: number; height: number } {
  let size: { width: number; height: number } | null = null;
  for (const e of events) {
    const d = e.data as { width?: unknown; height?: unknown; source?: unknown };
    if (!(e.type === 4 || (e.type === 3 && d.source === 4))) continue;
    if (typeof d.width !== "number" || typeof d.height !== "number" || d.width <= 0 || d.height <= 0)
      continue;
    if (e.timestamp > t && size) break;
    size = { width: Math.round(d.width), height: Math.round(d.height) };
    if (e.timestamp > t) break;
  }
  return size ?? { width: 1280, height: 800 };
}
