import { EventType, type Recording } from "@replay-devkit/codec";

const { Meta: META, FullSnapshot: FULL_SNAPSHOT } = EventType;

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
