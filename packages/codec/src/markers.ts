import { isRecord } from "./json.js";
import type { Recording } from "./types.js";

// rrweb's numeric wire values (stable across versions); see POSTHOG-PROTOCOL.md §4.1.
const META = 4;
const INCREMENTAL = 3;
const SOURCE_MOUSE_INTERACTION = 2;
const SOURCE_SCROLL = 3;
const SOURCE_VIEWPORT_RESIZE = 4;
const SOURCE_INPUT = 5;
const CLICK = 2;
const FOCUS = 5;
const BLUR = 6;
const TOUCH_END = 9;

/**
 * A recorded user action or page load worth pointing at: the shared vocabulary of the test helpers
 * (`LoadedRecording.markers()`) and the CLI's timeline.
 */
export interface RecordingMarker {
  kind: "page" | "click" | "input" | "scroll" | "resize";
  windowId: string;
  /** Index of the event in its window's `events`. */
  eventIndex: number;
  /** Absolute event time (ms since epoch, as recorded). */
  timestamp: number;
  /** Milliseconds since the recording's first event. */
  offsetMs: number;
  /** The rrweb node id acted on (clicks, inputs, scrolls of an element). */
  nodeId?: number;
  /** The page URL (page markers). */
  href?: string;
  /** The typed value as recorded (inputs; masked values are `*`s). */
  text?: string;
  /** Checkbox/radio state (inputs). */
  isChecked?: boolean;
  /**
   * Inputs only: true when the field did not have focus, i.e. the page's own code set the value
   * (rrweb records those too). Only set when the window recorded focus events at all.
   */
  programmatic?: boolean;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function dataOf(event: { data?: unknown }): Record<string, unknown> {
  return isRecord(event.data) ? event.data : {};
}

// Browsers fire the click of a tap right after its touchend (300 ms at most with the old tap delay).
const SAME_TAP_MS = 500;

/**
 * Page loads (Meta events), clicks (touch taps count as clicks), inputs, scrolls and resizes of
 * every window, in time order. `startTime` is the recording's first event time (the base of
 * `offsetMs`); by default the earliest first event over the windows.
 */
export function recordingMarkers(rec: Recording, startTime?: number): RecordingMarker[] {
  let start = startTime;
  if (start === undefined) {
    start = Number.POSITIVE_INFINITY;
    for (const w of rec.windows) start = Math.min(start, w.events[0]?.timestamp ?? start);
    if (!Number.isFinite(start)) return [];
  }
  const out: RecordingMarker[] = [];
  for (const w of rec.windows) {
    const tracksFocus = w.events.some((e) => {
      const d = dataOf(e);
      return d.source === SOURCE_MOUSE_INTERACTION && d.type === FOCUS;
    });
    let focused: number | undefined;
    w.events.forEach((event, eventIndex) => {
      const base = {
        windowId: w.windowId,
        eventIndex,
        timestamp: event.timestamp,
        offsetMs: event.timestamp - (start as number),
      };
      const data = dataOf(event);
      if (event.type === META) {
        out.push({
          ...base,
          kind: "page",
          href: typeof data.href === "string" ? data.href : "",
          ...(num(data.width) !== undefined ? { width: num(data.width) } : {}),
          ...(num(data.height) !== undefined ? { height: num(data.height) } : {}),
        });
        return;
      }
      if (event.type !== INCREMENTAL) return;
      const id = num(data.id);
      switch (data.source) {
        case SOURCE_MOUSE_INTERACTION:
          if (data.type === FOCUS) focused = id;
          else if (data.type === BLUR && focused === id) focused = undefined;
          if (data.type === CLICK || data.type === TOUCH_END) {
            // A tap is recorded as TouchEnd and then Click; one action, one marker. Mobile SDKs send
            // TouchEnd alone, so only a click moments before is the same tap.
            const last = out.at(-1);
            if (
              data.type === TOUCH_END &&
              last?.kind === "click" &&
              event.timestamp - last.timestamp < SAME_TAP_MS
            )
              return;
            out.push({
              ...base,
              kind: "click",
              ...(id !== undefined ? { nodeId: id } : {}),
              ...(num(data.x) !== undefined ? { x: num(data.x) } : {}),
              ...(num(data.y) !== undefined ? { y: num(data.y) } : {}),
            });
          }
          return;
        case SOURCE_INPUT:
          out.push({
            ...base,
            kind: "input",
            ...(id !== undefined ? { nodeId: id } : {}),
            ...(typeof data.text === "string" ? { text: data.text } : {}),
            ...(typeof data.isChecked === "boolean" ? { isChecked: data.isChecked } : {}),
            ...(tracksFocus ? { programmatic: id !== focused } : {}),
          });
          return;
        case SOURCE_SCROLL:
          out.push({
            ...base,
            kind: "scroll",
            ...(id !== undefined ? { nodeId: id } : {}),
            ...(num(data.x) !== undefined ? { x: num(data.x) } : {}),
            ...(num(data.y) !== undefined ? { y: num(data.y) } : {}),
          });
          return;
        case SOURCE_VIEWPORT_RESIZE:
          out.push({
            ...base,
            kind: "resize",
            ...(num(data.width) !== undefined ? { width: num(data.width) } : {}),
            ...(num(data.height) !== undefined ? { height: num(data.height) } : {}),
          });
          return;
      }
    });
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}
