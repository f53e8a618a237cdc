import { isRecord } from "../json.js";
import type { CaptureEvent, Recording, RecordingWindow } from "../types.js";
import { isMobileEvents, transformMobileEvents, type MobileTransformOptions } from "./transform.js";
import type { PlaybackNote, ScreenSize } from "./types.js";

function positive(value: unknown): number | null {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : null;
}

/** `$screen_width`/`$screen_height` of the first event that has both (mobile SDKs add them to every event). */
export function screenSizeOf(events: readonly CaptureEvent[]): ScreenSize | null {
  for (const event of events) {
    const props = isRecord(event) && isRecord(event.properties) ? event.properties : {};
    const width = positive(props.$screen_width);
    const height = positive(props.$screen_height);
    if (width !== null && height !== null) return { width, height };
  }
  return null;
}

/**
 * A window as any rrweb replayer can play it: mobile wireframe events transformed into DOM events,
 * web events returned untouched (the same object). Storage keeps the raw events; call this where a
 * recording is played.
 */
export function playableWindow(
  window: RecordingWindow,
  opts: MobileTransformOptions & { notes?: PlaybackNote[] } = {},
): RecordingWindow {
  if (!isMobileEvents(window.events)) return window;
  const result = transformMobileEvents(window.events, opts);
  if (opts.notes) for (const n of result.notes) opts.notes.push(n);
  return { windowId: window.windowId, events: result.events };
}

/** {@link playableWindow} for every window; the screen size comes from the metadata or the session's events. */
export function playableRecording(rec: Recording, notes?: PlaybackNote[]): Recording {
  const screen = () => rec.metadata?.screen ?? screenSizeOf(rec.posthogEvents ?? []);
  const opts: MobileTransformOptions & { notes?: PlaybackNote[] } = { screen };
  if (notes) opts.notes = notes;
  const windows = rec.windows.map((w) => playableWindow(w, opts));
  return windows.every((w, i) => w === rec.windows[i]) ? rec : { ...rec, windows };
}
