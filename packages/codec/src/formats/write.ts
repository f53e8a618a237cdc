import type { Recording } from "../types.js";
import { mergedEvents } from "./common.js";

export const POSTHOG_EXPORT_VERSION = "2023-04-28";

/**
 * PostHog "Export to JSON" (version 2023-04-28): one time-ordered `snapshots` array of unpacked
 * events, each tagged with its (string) window id. PostHog's importer reads it back.
 */
export function writePosthogExport(rec: Recording): string {
  const snapshots = mergedEvents(rec).map(({ windowId, event }) => ({ ...event, windowId }));
  const data: Record<string, unknown> = { id: rec.sessionId };
  // PostHog's person object is the only place the format keeps a distinct id.
  if (rec.person) data.person = rec.person;
  else if (rec.distinctId !== null) data.person = { distinct_ids: [rec.distinctId] };
  data.snapshots = snapshots;
  return JSON.stringify({ version: POSTHOG_EXPORT_VERSION, data });
}

/**
 * A bare rrweb event array that rrweb-player can load directly. With `windowId` (or a single
 * window) it holds that window's events; otherwise all windows merged in time order, each event
 * tagged with `windowId` so the split survives a round trip (players ignore the extra key).
 */
export function writeRrwebJson(rec: Recording, windowId?: string): string {
  if (windowId !== undefined) {
    const w = rec.windows.find((x) => x.windowId === windowId);
    return JSON.stringify(w ? w.events : []);
  }
  if (rec.windows.length <= 1) return JSON.stringify(rec.windows[0]?.events ?? []);
  return JSON.stringify(mergedEvents(rec).map(({ windowId: id, event }) => ({ ...event, windowId: id })));
}

/** The snapshot API's blob_v2 JSONL: one `[windowId, event]` line per event, in time order. */
export function writeBlobV2(rec: Recording): string {
  return mergedEvents(rec)
    .map(({ windowId, event }) => JSON.stringify([windowId, event]))
    .join("\n");
}
