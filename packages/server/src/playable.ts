import { playableWindow, type PlaybackNote } from "@replay-devkit/codec";
import type { IterateOptions, RecordingSummary, Store, WindowEvent } from "@replay-devkit/store";

/**
 * The events of a recording as a player needs them. Web recordings stream straight from the store.
 * Mobile recordings are stored raw (their PostHog export must equal what was posted) and become
 * rrweb DOM events here: each window is transformed whole, since a wireframe update depends on
 * everything before it, and the cursor options then apply to the transformed events.
 */
export function* playableEvents(
  store: Store,
  summary: RecordingSummary,
  opts: IterateOptions = {},
): Generator<WindowEvent> {
  if (summary.snapshotSource !== "mobile") {
    yield* store.iterateEvents(summary.id, opts);
    return;
  }
  const windowIds = opts.windowId === undefined ? store.windowIds(summary.id) : [opts.windowId];
  const merged: WindowEvent[] = [];
  for (const windowId of windowIds) {
    const raw = Array.from(store.iterateEvents(summary.id, { windowId }), (item) => item.event);
    for (const event of playableWindow({ windowId, events: raw }, { screen: summary.screen ?? null }).events)
      merged.push({ windowId, event });
  }
  // Stable: same-time events keep window order, then event order, as the store's own merge does.
  merged.sort((a, b) => a.event.timestamp - b.event.timestamp);
  let skip = opts.startAt?.skip ?? 0;
  for (const item of merged) {
    const ts = item.event.timestamp;
    if (opts.afterTimestamp !== undefined && ts <= opts.afterTimestamp) continue;
    if (opts.startAt !== undefined) {
      if (ts < opts.startAt.timestamp) continue;
      if (ts === opts.startAt.timestamp && skip > 0) {
        skip--;
        continue;
      }
    }
    yield item;
  }
}

/** What the mobile transform could not play as recorded, per window: the recording's playback report. */
export function playbackReport(
  store: Store,
  summary: RecordingSummary,
): { mobile: boolean; notes: (PlaybackNote & { windowId: string })[] } {
  if (summary.snapshotSource !== "mobile") return { mobile: false, notes: [] };
  const notes: (PlaybackNote & { windowId: string })[] = [];
  for (const windowId of store.windowIds(summary.id)) {
    const raw = Array.from(store.iterateEvents(summary.id, { windowId }), (item) => item.event);
    const found: PlaybackNote[] = [];
    playableWindow({ windowId, events: raw }, { screen: summary.screen ?? null, notes: found });
    for (const note of found) notes.push({ ...note, windowId });
  }
  return { mobile: true, notes };
}
