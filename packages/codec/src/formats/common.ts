import { CodecError, describe } from "../errors.js";
import { isRecord } from "../json.js";
import type { Limits } from "../limits.js";
import { unpackEvent } from "../pack.js";
import { sha256Hex } from "../platform.js";
import type { CaptureEvent, Recording, RecordingWindow, RrwebEvent } from "../types.js";

export interface WindowedEvent {
  windowId: string;
  event: RrwebEvent;
}

/** Collects events per window (first-seen window order) and sorts each window by time, stably. */
export class RecordingBuilder {
  private readonly windows = new Map<string, RrwebEvent[]>();
  private count = 0;

  constructor(private readonly limits: Limits) {}

  add(windowId: string, raw: unknown, path: string): void {
    this.count++;
    if (this.limits.maxEvents !== undefined && this.count > this.limits.maxEvents) {
      throw new CodecError(
        "TOO_LARGE",
        `The file holds more than the limit of ${this.limits.maxEvents} events`,
      );
    }
    let list = this.windows.get(windowId);
    if (!list) {
      list = [];
      this.windows.set(windowId, list);
    }
    list.push(unpackEvent(raw, { limits: this.limits, path }));
  }

  get size(): number {
    return this.count;
  }

  build(sessionId: string, distinctId: string | null, posthogEvents: CaptureEvent[] = []): Recording {
    const windows: RecordingWindow[] = [];
    for (const [windowId, events] of this.windows) windows.push({ windowId, events: sortByTime(events) });
    return { sessionId, distinctId, windows, posthogEvents };
  }
}

export function sortByTime(events: RrwebEvent[]): RrwebEvent[] {
  for (let i = 1; i < events.length; i++) {
    if ((events[i] as RrwebEvent).timestamp < (events[i - 1] as RrwebEvent).timestamp)
      return events.sort((a, b) => a.timestamp - b.timestamp);
  }
  return events;
}

/** All events of a recording in time order, each with its window (ties keep window order). */
export function mergedEvents(rec: Recording): WindowedEvent[] {
  const all: WindowedEvent[] = [];
  for (const w of rec.windows) for (const event of w.events) all.push({ windowId: w.windowId, event });
  return all.sort((a, b) => a.event.timestamp - b.event.timestamp);
}

/** Window ids may be numbers in PostHog exports; the model always uses strings. */
export function windowIdOf(value: unknown, path: string): string {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new CodecError("INVALID_EVENT", `Expected a window id (a string or number), got ${describe(value)}`, {
    path,
  });
}

/** Copy of an event without the file-level `windowId` key (it lives on the window, not the event). */
export function withoutWindowId(event: unknown): unknown {
  if (!isRecord(event) || !("windowId" in event)) return event;
  const { windowId: _drop, ...rest } = event;
  return rest;
}

/** A stable session id for files that carry none (bare rrweb arrays, blob_v2): a hash of the content. */
export async function derivedSessionId(bytes: Uint8Array): Promise<string> {
  return `imported-${(await sha256Hex(bytes)).slice(0, 32)}`;
}
