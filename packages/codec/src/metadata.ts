import { addRepairs, type PlaybackRepair } from "./playback-doctor.js";
import { CodecError, describe } from "./errors.js";
import { isRecord } from "./json.js";
import type { CaptureEvent, Recording, RrwebEvent, SessionMetadata } from "./types.js";

/** PostHog's inactivity threshold: an active segment ends 5 s after its last interaction. */
export const ACTIVITY_GAP_MS = 5000;
const MAX_URLS = 25;
const MAX_URL_LENGTH = 4096;
// IncrementalSource values PostHog counts as user activity (segmentation.ts).
const ACTIVE_SOURCES = new Set([1, 2, 3, 4, 5, 6, 7, 12]);
// MouseInteractions Click, ContextMenu, DblClick, TouchEnd.
const CLICK_TYPES = new Set([2, 3, 4, 9]);
const MOUSE_ACTIVITY_SOURCES = new Set([1, 2, 6]);
const WARN_LEVELS = new Set(["warn", "countReset"]);
const ERROR_LEVELS = new Set(["error", "assert"]);

/**
 * The accumulator's persisted state. Plain JSON so the store can keep it next to a recording and
 * update metadata on every ingest without re-reading old events.
 */
export interface MetadataState {
  version: 1;
  sessionId: string;
  distinctId: string | null;
  startMs: number | null;
  endMs: number | null;
  /** Fallback time range from PostHog events, used only when there are no rrweb events. */
  posthogStartMs: number | null;
  posthogEndMs: number | null;
  /** Activity chains `[start, lastActive, end]`, sorted and disjoint. */
  activity: [number, number, number][];
  clickCount: number;
  keypressCount: number;
  mouseActivityCount: number;
  consoleLogCount: number;
  consoleWarnCount: number;
  consoleErrorCount: number;
  firstUrl: string | null;
  firstUrlAt: number | null;
  urls: string[];
  eventCount: number;
  sizeBytes: number;
  windowIds: string[];
  /** What the playback doctor repaired (absent in states written before it). */
  repairs?: PlaybackRepair[];
}

function emptyState(sessionId: string): MetadataState {
  return {
    version: 1,
    sessionId,
    distinctId: null,
    startMs: null,
    endMs: null,
    posthogStartMs: null,
    posthogEndMs: null,
    activity: [],
    clickCount: 0,
    keypressCount: 0,
    mouseActivityCount: 0,
    consoleLogCount: 0,
    consoleWarnCount: 0,
    consoleErrorCount: 0,
    firstUrl: null,
    firstUrlAt: null,
    urls: [],
    eventCount: 0,
    sizeBytes: 0,
    windowIds: [],
  };
}

function checkState(state: unknown): MetadataState {
  if (!isRecord(state))
    throw new CodecError("INVALID_EVENT", `Metadata state must be an object, got ${describe(state)}`, {
      path: "state",
    });
  if (state.version !== 1) {
    throw new CodecError(
      "UNKNOWN_VERSION",
      `Unknown metadata state version ${describe(state.version)}; this codec reads version 1`,
      { path: "state.version" },
    );
  }
  if (!Array.isArray(state.activity) || !Array.isArray(state.urls) || !Array.isArray(state.windowIds)) {
    throw new CodecError("INVALID_EVENT", "Metadata state is missing activity, urls or windowIds", {
      path: "state",
    });
  }
  return structuredCloneState(state as unknown as MetadataState);
}

function structuredCloneState(state: MetadataState): MetadataState {
  return {
    ...state,
    activity: state.activity.map((c) => [c[0], c[1], c[2]]),
    urls: [...state.urls],
    windowIds: [...state.windowIds],
    ...(state.repairs ? { repairs: state.repairs.map((r) => ({ ...r })) } : {}),
  };
}

/** UTF-8 byte length of a string without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Size of events as PostHog counts it: the bytes of their JSONL lines (one JSON text + newline each). */
export function eventsSizeBytes(events: readonly RrwebEvent[]): number {
  let total = 0;
  for (const event of events) total += utf8Length(JSON.stringify(event)) + 1;
  return total;
}

/**
 * Builds `SessionMetadata` incrementally. Feed it events in any batches (per window, per ingest);
 * `toJSON()` gives a state that a new accumulator continues from.
 */
export class MetadataAccumulator {
  private state: MetadataState;

  constructor(sessionId: string, state?: MetadataState) {
    this.state = state === undefined ? emptyState(sessionId) : { ...checkState(state), sessionId };
  }

  addEvents(windowId: string, events: RrwebEvent[], sizeBytes?: number): void {
    this.noteWindow(windowId, events.length, sizeBytes ?? eventsSizeBytes(events));
    // Activity is defined on time order; sorting each batch keeps the common in-order case exact.
    this.ingest(isSorted(events) ? events : [...events].sort((a, b) => a.timestamp - b.timestamp));
  }

  private noteWindow(windowId: string, count: number, sizeBytes: number): void {
    const s = this.state;
    if (!s.windowIds.includes(windowId)) s.windowIds.push(windowId);
    s.eventCount += count;
    s.sizeBytes += sizeBytes;
  }

  private ingest(ordered: readonly RrwebEvent[]): void {
    for (const event of ordered) this.addEvent(event);
  }

  private addEvent(event: RrwebEvent): void {
    const s = this.state;
    const t = event.timestamp;
    // PostHog drops timestamps <= 0 as unset; we keep 0 because fixtures are often rebased to it.
    const valid = Number.isFinite(t) && t >= 0;
    if (valid) {
      if (s.startMs === null || t < s.startMs) s.startMs = t;
      if (s.endMs === null || t > s.endMs) s.endMs = t;
    }
    const data = (event as { data?: unknown }).data;
    const d = isRecord(data) ? data : {};
    let active = false;
    switch (event.type as number) {
      case 3: {
        const source = d.source as number;
        active = ACTIVE_SOURCES.has(source);
        if (source === 2 && CLICK_TYPES.has(d.type as number)) s.clickCount++;
        if (source === 5) s.keypressCount++;
        if (MOUSE_ACTIVITY_SOURCES.has(source)) s.mouseActivityCount++;
        if (source === 11 && typeof d.level === "string") this.countConsole(d.level);
        break;
      }
      case 4:
        if (typeof d.href === "string") this.addUrl(d.href, t);
        break;
      case 5:
        if (isRecord(d.payload) && typeof d.payload.href === "string") this.addUrl(d.payload.href, t);
        break;
      case 6:
        if (d.plugin === "rrweb/console@1" && isRecord(d.payload) && typeof d.payload.level === "string") {
          this.countConsole(d.payload.level);
        }
        break;
      default:
        break;
    }
    if (valid) this.addActivity(t, active);
  }

  private countConsole(level: string): void {
    if (WARN_LEVELS.has(level)) this.state.consoleWarnCount++;
    else if (ERROR_LEVELS.has(level)) this.state.consoleErrorCount++;
    else this.state.consoleLogCount++;
  }

  private addUrl(raw: string, at: number): void {
    const url = raw.trim().slice(0, MAX_URL_LENGTH);
    if (url === "") return;
    const s = this.state;
    if (s.firstUrlAt === null || (Number.isFinite(at) && at < s.firstUrlAt)) {
      s.firstUrl = url;
      s.firstUrlAt = Number.isFinite(at) ? at : s.firstUrlAt;
    }
    if (s.urls.length < MAX_URLS && !s.urls.includes(url)) s.urls.push(url);
  }

  private addActivity(t: number, active: boolean): void {
    const chains = this.state.activity;
    // First chain whose reach (lastActive + gap) is at or after t.
    let lo = 0;
    let hi = chains.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((chains[mid] as [number, number, number])[1] + ACTIVITY_GAP_MS < t) lo = mid + 1;
      else hi = mid;
    }
    if (!active) {
      const chain = chains[lo];
      if (chain && chain[0] <= t && t > chain[2]) chain[2] = t;
      return;
    }
    let first = lo;
    let last = lo;
    while (last < chains.length && (chains[last] as [number, number, number])[0] - ACTIVITY_GAP_MS <= t)
      last++;
    if (first === last) {
      chains.splice(first, 0, [t, t, t]);
      return;
    }
    const merged: [number, number, number] = [t, t, t];
    for (; first < last; first++) {
      const c = chains[first] as [number, number, number];
      merged[0] = Math.min(merged[0], c[0]);
      merged[1] = Math.max(merged[1], c[1]);
      merged[2] = Math.max(merged[2], c[2]);
    }
    chains.splice(lo, last - lo, merged);
  }

  addPosthogEvent(e: CaptureEvent): void {
    const s = this.state;
    const at = e.timestamp === undefined ? Number.NaN : Date.parse(e.timestamp);
    if (Number.isFinite(at)) {
      if (s.posthogStartMs === null || at < s.posthogStartMs) s.posthogStartMs = at;
      if (s.posthogEndMs === null || at > s.posthogEndMs) s.posthogEndMs = at;
    }
    if (s.distinctId === null) {
      const distinct = e.distinct_id ?? e.properties.distinct_id;
      if (typeof distinct === "string" && distinct !== "") s.distinctId = distinct;
    }
    if (e.event === "$pageview" && typeof e.properties.$current_url === "string") {
      this.addUrl(e.properties.$current_url, at);
    }
  }

  setDistinctId(id: string | null): void {
    this.state.distinctId = id;
  }

  toJSON(): MetadataState {
    return structuredCloneState(this.state);
  }

  metadata(): SessionMetadata {
    const s = this.state;
    const start = s.startMs ?? s.posthogStartMs ?? 0;
    const end = s.endMs ?? s.posthogEndMs ?? start;
    let activeMs = 0;
    for (const [chainStart, , chainEnd] of s.activity) activeMs += Math.max(1, chainEnd - chainStart);
    return {
      id: s.sessionId,
      distinctId: s.distinctId,
      startTime: new Date(start).toISOString(),
      endTime: new Date(end).toISOString(),
      durationMs: end - start,
      activeMs: Math.floor(activeMs),
      clickCount: s.clickCount,
      keypressCount: s.keypressCount,
      mouseActivityCount: s.mouseActivityCount,
      consoleLogCount: s.consoleLogCount,
      consoleWarnCount: s.consoleWarnCount,
      consoleErrorCount: s.consoleErrorCount,
      firstUrl: s.firstUrl,
      urls: [...s.urls],
      eventCount: s.eventCount,
      sizeBytes: s.sizeBytes,
      windowIds: [...s.windowIds],
      ...(s.repairs && s.repairs.length > 0 ? { repairs: s.repairs.map((r) => ({ ...r })) } : {}),
    };
  }

  /** Records what the playback doctor repaired in this session's events. */
  addRepairs(repairs: readonly PlaybackRepair[]): void {
    if (repairs.length === 0) return;
    addRepairs((this.state.repairs ??= []), repairs);
  }
}

function isSorted(events: readonly RrwebEvent[]): boolean {
  for (let i = 1; i < events.length; i++) {
    if ((events[i] as RrwebEvent).timestamp < (events[i - 1] as RrwebEvent).timestamp) return false;
  }
  return true;
}

/** One-shot metadata for a whole recording (same results as feeding an accumulator). */
export function computeMetadata(recording: Recording): SessionMetadata {
  return computeMetadataWithSizes(recording);
}

/** `computeMetadata`, reusing window sizes a writer already knows (JSONL bytes per window). */
export function computeMetadataWithSizes(
  recording: Recording,
  sizeOf?: (windowId: string) => number | undefined,
): SessionMetadata {
  const acc = new MetadataAccumulator(recording.sessionId);
  if (recording.distinctId !== null) acc.setDistinctId(recording.distinctId);
  // Activity spans windows, so every event goes through one time-ordered pass.
  const all: RrwebEvent[] = [];
  for (const w of recording.windows) {
    acc["noteWindow"](w.windowId, w.events.length, sizeOf?.(w.windowId) ?? eventsSizeBytes(w.events));
    for (const event of w.events) all.push(event);
  }
  all.sort((a, b) => a.timestamp - b.timestamp);
  acc["ingest"](all);
  for (const p of recording.posthogEvents) acc.addPosthogEvent(p);
  return acc.metadata();
}
