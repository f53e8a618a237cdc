import { isRecord } from "./json.js";
import type { CaptureEvent, Recording, RrwebEvent } from "./types.js";

const META = 4;
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const CUSTOM = 5;
/** How far apart a page view and its FullSnapshot may be recorded. */
const PAGEVIEW_SKEW_MS = 5000;
/** Events whose key is their whole JSON below this size; larger ones are keyed by type, time and size. */
const EXACT_KEY_CHARS = 4096;
const RECENT_KEYS = 64;
const KNOWN_URLS = 64;

/** What the playback doctor found and did, per window and kind (counted, so the list stays short). */
export type PlaybackRepairCode =
  /** A FullSnapshot had no Meta before it; one was synthesized (size from the last Meta, URL from PostHog events). */
  | "synthesized-meta"
  /** A FullSnapshot had no Meta before it and no earlier Meta gave a size: it replays without a viewport. */
  | "missing-meta"
  /** Incremental events came before the window's first FullSnapshot; rrweb cannot apply them (kept). */
  | "incremental-before-snapshot"
  /** Events arrived out of time order; playback sorts them. */
  | "out-of-order"
  /** The same event came twice; the copy was dropped. */
  | "duplicate";

export interface PlaybackRepair {
  code: PlaybackRepairCode;
  windowId: string;
  count: number;
  /** The first affected event's time (epoch ms). */
  timestamp: number;
  message: string;
}

interface WindowState {
  meta: { href: string; width: number; height: number } | null;
  sawFullSnapshot: boolean;
  /** A Meta came since the last FullSnapshot (other events may sit between the two). */
  metaPending: boolean;
  lastTimestamp: number | null;
  recent: string[];
}

export interface PlaybackDoctorState {
  windows: Record<string, WindowState>;
  /** Page URLs PostHog events reported, [timestamp, url], newest last. */
  urls: [number, string][];
  repairs: PlaybackRepair[];
}

const MESSAGES: Record<PlaybackRepairCode, string> = {
  "synthesized-meta":
    "FullSnapshot without a Meta event: synthesized one so the page replays with its size and URL",
  "missing-meta": "FullSnapshot without a Meta event, and no earlier Meta to take the viewport size from",
  "incremental-before-snapshot":
    "incremental events before the window's first FullSnapshot (rrweb cannot apply them)",
  "out-of-order": "events out of time order (playback sorts them)",
  duplicate: "duplicated events (the copies were dropped)",
};

/**
 * Finds and repairs what makes a replay blank, frozen or unstyled, event by event as they are
 * stored (import or live ingest), so it works on streams and keeps its state between batches
 * (`toJSON`). Pure: no I/O, no clock.
 */
export class PlaybackDoctor {
  private readonly state: PlaybackDoctorState;
  private fresh: PlaybackRepair[] = [];

  /**
   * `duplicatesAcrossCalls: false` (live capture) only drops a copy within one `repair` call: a
   * request the server failed is sent again, and its events must then be stored, not dropped.
   */
  constructor(
    state?: PlaybackDoctorState,
    private readonly options: { duplicatesAcrossCalls?: boolean } = {},
  ) {
    this.state = state ?? { windows: {}, urls: [], repairs: [] };
  }

  get repairs(): readonly PlaybackRepair[] {
    return this.state.repairs;
  }

  /** The repairs noted since the last call (for a store that adds them up batch by batch). */
  takeFresh(): PlaybackRepair[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  toJSON(): PlaybackDoctorState {
    return this.state;
  }

  /** Notes the page URLs of PostHog events ($pageview and anything with $current_url). */
  noteCaptureEvents(events: readonly CaptureEvent[]): void {
    for (const event of events) {
      const url = event.properties.$current_url;
      const time = event.timestamp === undefined ? Number.NaN : Date.parse(event.timestamp);
      if (typeof url === "string" && url !== "" && Number.isFinite(time)) this.noteUrl(time, url);
    }
  }

  noteUrl(timestamp: number, url: string): void {
    const urls = this.state.urls;
    urls.push([timestamp, url]);
    urls.sort((a, b) => a[0] - b[0]);
    if (urls.length > KNOWN_URLS) urls.splice(0, urls.length - KNOWN_URLS);
  }

  /** The events of one window as they arrive, repaired: Meta events added, duplicates dropped. */
  repair(windowId: string, events: readonly RrwebEvent[]): RrwebEvent[] {
    const w = (this.state.windows[windowId] ??= {
      meta: null,
      sawFullSnapshot: false,
      metaPending: false,
      lastTimestamp: null,
      recent: [],
    });
    if (this.options.duplicatesAcrossCalls === false) w.recent = [];
    const out: RrwebEvent[] = [];
    for (const [index, event] of events.entries()) {
      const key = eventKey(event);
      if (w.recent.includes(key)) {
        this.note("duplicate", windowId, event.timestamp);
        continue;
      }
      w.recent.push(key);
      if (w.recent.length > RECENT_KEYS) w.recent.shift();
      if (w.lastTimestamp !== null && event.timestamp < w.lastTimestamp)
        this.note("out-of-order", windowId, event.timestamp);
      if (event.type === META && isRecord(event.data)) {
        const { href, width, height } = event.data;
        if (typeof width === "number" && typeof height === "number")
          w.meta = { href: typeof href === "string" ? href : (w.meta?.href ?? ""), width, height };
        w.metaPending = true;
      } else if (event.type === FULL_SNAPSHOT) {
        if (!w.metaPending) {
          if (w.meta) {
            const href = pageviewAfter(events, index) ?? this.urlAt(event.timestamp) ?? w.meta.href;
            const meta = {
              type: META,
              timestamp: event.timestamp,
              data: { href, width: w.meta.width, height: w.meta.height },
            };
            out.push(meta as RrwebEvent);
            w.meta = { ...w.meta, href };
            this.note("synthesized-meta", windowId, event.timestamp);
          } else {
            this.note("missing-meta", windowId, event.timestamp);
          }
        }
        w.sawFullSnapshot = true;
        w.metaPending = false;
      } else if (event.type === INCREMENTAL && !w.sawFullSnapshot) {
        this.note("incremental-before-snapshot", windowId, event.timestamp);
      }
      w.lastTimestamp = Math.max(w.lastTimestamp ?? event.timestamp, event.timestamp);
      out.push(event);
    }
    return out;
  }

  /** The URL PostHog last reported at or before `timestamp` (a page view lands just before its snapshot). */
  private urlAt(timestamp: number): string | null {
    let best: string | null = null;
    // A $pageview is sent when the page loads, the snapshot a few ms later; allow a little skew.
    for (const [t, url] of this.state.urls) if (t <= timestamp + PAGEVIEW_SKEW_MS) best = url;
    return best;
  }

  private note(code: PlaybackRepairCode, windowId: string, timestamp: number): void {
    const repair = { code, windowId, count: 1, timestamp, message: MESSAGES[code] };
    addRepairs(this.state.repairs, [repair]);
    addRepairs(this.fresh, [repair]);
  }
}

/** Adds `more` into `into`, one entry per code and window with the counts summed. */
export function addRepairs(into: PlaybackRepair[], more: readonly PlaybackRepair[]): void {
  for (const r of more) {
    const found = into.find((x) => x.code === r.code && x.windowId === r.windowId);
    if (found) {
      found.count += r.count;
      found.timestamp = Math.min(found.timestamp, r.timestamp);
    } else into.push({ ...r });
  }
}

/**
 * The URL of a page view recorded in the same batch just after a FullSnapshot: posthog-js adds a
 * `$pageview` (or `$url_changed`) custom event with the page's href once the new page's recorder runs.
 */
function pageviewAfter(events: readonly RrwebEvent[], index: number): string | null {
  const at = (events[index] as RrwebEvent).timestamp;
  for (let i = index + 1; i < events.length; i++) {
    const e = events[i] as RrwebEvent;
    if (e.timestamp > at + PAGEVIEW_SKEW_MS) break;
    if (e.type === FULL_SNAPSHOT) break;
    if (e.type !== CUSTOM || !isRecord(e.data)) continue;
    const { tag, payload } = e.data;
    if (
      (tag === "$pageview" || tag === "$url_changed") &&
      isRecord(payload) &&
      typeof payload.href === "string"
    )
      return payload.href;
  }
  return null;
}

function eventKey(event: RrwebEvent): string {
  const json = JSON.stringify(event.data) ?? "";
  return json.length < EXACT_KEY_CHARS
    ? `${event.type}:${event.timestamp}:${json}`
    : `${event.type}:${event.timestamp}:#${json.length}`;
}

/** The doctor over a whole recording (windows in time order): the repaired copy and what was done. */
export function doctorRecording(rec: Recording): { recording: Recording; repairs: PlaybackRepair[] } {
  const doctor = new PlaybackDoctor();
  doctor.noteCaptureEvents(rec.posthogEvents);
  const windows = rec.windows.map((w) => ({ ...w, events: doctor.repair(w.windowId, w.events) }));
  return { recording: { ...rec, windows }, repairs: [...doctor.repairs] };
}

/** One line per repair, for `validate` and logs. */
export function formatRepairs(repairs: readonly PlaybackRepair[]): string[] {
  return repairs.map(
    (r) =>
      `${r.code} x${r.count} in window ${r.windowId} (first at ${new Date(r.timestamp).toISOString()}): ${r.message}`,
  );
}
