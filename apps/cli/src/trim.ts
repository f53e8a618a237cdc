import type { Recording } from "@replay-devkit/codec";

// rrweb event types (a numeric wire format, stable across rrweb versions).
const META = 4;
const FULL_SNAPSHOT = 2;

/**
 * Parses a point in a recording: an offset from its first event (`90s`, `1m30s`, `01:30`, `1500ms`)
 * or an absolute time (ISO 8601). Returns epoch ms, or null when the text is neither.
 */
export function parseTimePoint(text: string, startMs: number): number | null {
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text);
  if (clock) {
    const [, h, m, s, frac] = clock;
    const ms =
      (Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s)) * 1000 + Number((frac ?? "0").padEnd(3, "0"));
    return startMs + ms;
  }
  const parts = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(text);
  if (parts && text !== "" && parts.slice(1).some((p) => p !== undefined)) {
    const [, h, m, s, ms] = parts;
    return (
      startMs + Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(ms ?? 0)
    );
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const abs = Date.parse(text);
    return Number.isFinite(abs) ? abs : null;
  }
  return null;
}

export function firstTimestamp(rec: Recording): number | null {
  let first: number | null = null;
  for (const window of rec.windows) {
    const t = window.events[0]?.timestamp;
    if (t !== undefined && (first === null || t < first)) first = t;
  }
  return first;
}

/**
 * Keeps the part of a recording between two times. Each window starts at its last full snapshot at
 * or before `from` (with the meta event before it), because incremental events cannot be replayed
 * without the DOM they apply to; a window with no snapshot before `to` is dropped.
 */
export function trimRecording(rec: Recording, from: number | null, to: number | null): Recording {
  const windows: Recording["windows"] = [];
  for (const window of rec.windows) {
    const events = window.events;
    let start = 0;
    if (from !== null) {
      let snapshot = -1;
      for (let i = 0; i < events.length; i++) {
        const event = events[i];
        if (!event || event.timestamp > from) break;
        if (event.type === FULL_SNAPSHOT) snapshot = i;
      }
      if (snapshot === -1) snapshot = events.findIndex((e) => e.type === FULL_SNAPSHOT);
      if (snapshot === -1) continue;
      start = snapshot;
      if (start > 0 && events[start - 1]?.type === META) start -= 1;
    }
    const kept = events.slice(start).filter((e, i) => to === null || e.timestamp <= to || i === 0);
    if (kept.length > 0 && kept.some((e) => e.type === FULL_SNAPSHOT))
      windows.push({ ...window, events: kept });
  }
  const posthogEvents = rec.posthogEvents.filter((event) => {
    const t = event.timestamp ? Date.parse(event.timestamp) : Number.NaN;
    if (!Number.isFinite(t)) return true;
    return (from === null || t >= from) && (to === null || t <= to);
  });
  const trimmed: Recording = { ...rec, windows, posthogEvents };
  // The stored metadata describes the untrimmed recording; the codec recomputes it when absent.
  delete trimmed.metadata;
  return trimmed;
}
