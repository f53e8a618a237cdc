// Pure derivations from one window's rrweb events: console and network rows, timeline markers and
// inactivity gaps. Kept free of React and the DOM so they are unit-tested in Node. Reading the
// console and network plugins is the codec's job (the same extraction the CLI, HAR export and
// testing package use), and what counts as a failed request is analysis's; this file only turns
// their entries into what the panes show.
import { classifyRequest, windowMarkers } from "@replay-devkit/analysis";
import {
  EventType,
  IncrementalSource,
  windowConsoleEntries,
  windowNetworkEntries,
  type ConsoleEntry,
  type NetworkEntry,
} from "@replay-devkit/codec";
import type { PosthogEvent, RrwebEvent } from "./api";

export { EventType, IncrementalSource };

/** Sources that mean the user did something (the player skips stretches without them). */
const ACTIVE_SOURCES = new Set<number>([
  IncrementalSource.MouseMove,
  IncrementalSource.MouseInteraction,
  IncrementalSource.Scroll,
  IncrementalSource.ViewportResize,
  IncrementalSource.Input,
  IncrementalSource.TouchMove,
  IncrementalSource.MediaInteraction,
  IncrementalSource.Drag,
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export type ConsoleLevel = "log" | "info" | "warn" | "error" | "debug";

/** One console pane row. `index` identifies it within its window (arrival order). */
export interface ConsoleRow {
  index: number;
  timestamp: number;
  level: ConsoleLevel;
  /** Arguments rendered as readable text (the plugin JSON-stringifies each one). */
  args: string[];
  trace: string[];
}

/** One network pane row: the codec's entry, with what the pane derives for display. */
export interface NetworkRow extends Omit<NetworkEntry, "windowId" | "initiatorType"> {
  /** Identifies the row within its window (arrival order). */
  index: number;
  initiatorType: string;
  sizeBytes: number | null;
  failed: boolean;
}

export type MarkerKind = "click" | "navigation" | "console-error" | "failed-request" | "custom";

export interface Marker {
  kind: MarkerKind;
  timestamp: number;
  label: string;
}

export interface Gap {
  start: number;
  end: number;
}

/** The pane's five level filters; rarer console methods fold into the nearest one. */
function consoleLevel(level: string): ConsoleLevel {
  switch (level) {
    case "error":
    case "assert":
      return "error";
    case "warn":
      return "warn";
    case "info":
      return "info";
    case "debug":
    case "trace":
      return "debug";
    default:
      return "log";
  }
}

/** The console plugin JSON-stringifies each argument; show strings without their quotes. */
export function renderConsoleArg(raw: unknown): string {
  if (typeof raw !== "string") return JSON.stringify(raw) ?? String(raw);
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "string" ? value : raw;
  } catch {
    return raw;
  }
}

// Rows carry no window id (a derivation holds one window), so the codec is given an empty one.
const THIS_WINDOW = "";

export function toConsoleRow(entry: ConsoleEntry, index: number): ConsoleRow {
  return {
    index,
    timestamp: entry.timestamp,
    level: consoleLevel(entry.level),
    args: entry.payload.map(renderConsoleArg),
    trace: entry.trace,
  };
}

/** Console rows of one window's events, in time order, indexed from `firstIndex`. */
export function consoleRows(events: readonly RrwebEvent[], firstIndex = 0): ConsoleRow[] {
  return windowConsoleEntries(events, THIS_WINDOW).map((entry, i) => toConsoleRow(entry, firstIndex + i));
}

/**
 * The pane's view of a codec entry, or null for entries that are not requests: posthog-js also
 * observes paint and first-input timings through the network plugin, named "first-paint" or
 * "pointerdown" and without an initiator.
 */
export function toNetworkRow(entry: NetworkEntry, index: number): NetworkRow | null {
  const { status, failed, timingOnly } = classifyRequest(entry);
  if (timingOnly) return null;
  const { windowId: _windowId, initiatorType, ...rest } = entry;
  return {
    ...rest,
    index,
    status,
    initiatorType: initiatorType ?? "other",
    // Cached and cross-origin responses report a transfer size of 0: not a size worth showing.
    sizeBytes: entry.transferSize || null,
    requestBody: entry.requestBody || null,
    responseBody: entry.responseBody || null,
    failed,
  };
}

/** Network rows of one window's events, in time order, indexed from `firstIndex`. */
export function networkRows(events: readonly RrwebEvent[], firstIndex = 0): NetworkRow[] {
  const rows: NetworkRow[] = [];
  for (const entry of windowNetworkEntries(events, THIS_WINDOW)) {
    const row = toNetworkRow(entry, firstIndex + rows.length);
    if (row) rows.push(row);
  }
  return rows;
}

export function markers(
  events: readonly RrwebEvent[],
  posthogEvents: readonly PosthogEvent[] = [],
): Marker[] {
  const out: Marker[] = [];
  // Clicks and page loads by analysis's one rule; the first page load opens the window, later ones navigate.
  let seenPage = false;
  for (const m of windowMarkers(events, THIS_WINDOW, 0)) {
    if (m.kind === "click") out.push({ kind: "click", timestamp: m.timestamp, label: "click" });
    else if (m.kind === "page") {
      if (seenPage) out.push({ kind: "navigation", timestamp: m.timestamp, label: m.href || "navigation" });
      seenPage = true;
    }
  }
  for (const event of events) {
    if (event.type === EventType.Custom && isObject(event.data) && typeof event.data.tag === "string") {
      // posthog-js's own bookkeeping tags would bury the interesting ones.
      if (!event.data.tag.startsWith("$"))
        out.push({ kind: "custom", timestamp: event.timestamp, label: event.data.tag });
    }
  }
  for (const entry of consoleRows(events)) {
    if (entry.level === "error")
      out.push({ kind: "console-error", timestamp: entry.timestamp, label: entry.args.join(" ") });
  }
  for (const entry of networkRows(events)) {
    if (entry.failed) {
      out.push({
        kind: "failed-request",
        timestamp: entry.timestamp,
        label: `${entry.method} ${entry.url} → ${entry.status}`,
      });
    }
  }
  for (const event of posthogEvents) {
    if (event.event === "$exception")
      out.push({ kind: "console-error", timestamp: event.timestamp, label: "$exception" });
    else if (!event.event.startsWith("$"))
      out.push({ kind: "custom", timestamp: event.timestamp, label: event.event });
  }
  out.sort((a, b) => a.timestamp - b.timestamp);
  return out;
}

export function isActive(event: RrwebEvent): boolean {
  return (
    event.type === EventType.IncrementalSnapshot &&
    isObject(event.data) &&
    typeof event.data.source === "number" &&
    ACTIVE_SOURCES.has(event.data.source)
  );
}

/**
 * Stretches with no user activity longer than `thresholdMs`. The player fast-forwards through
 * them itself, because rrweb's built-in skip scans every event on every cast (quadratic on long
 * recordings) and cannot be tuned per gap.
 */
export function inactiveGaps(events: readonly RrwebEvent[], thresholdMs: number): Gap[] {
  const gaps: Gap[] = [];
  const first = events[0];
  if (!first) return gaps;
  let lastActive = first.timestamp;
  for (const event of events) {
    if (!isActive(event) && event.type !== EventType.FullSnapshot) continue;
    if (event.timestamp - lastActive > thresholdMs) gaps.push({ start: lastActive, end: event.timestamp });
    lastActive = Math.max(lastActive, event.timestamp);
  }
  const last = events[events.length - 1];
  if (last && last.timestamp - lastActive > thresholdMs)
    gaps.push({ start: lastActive, end: last.timestamp });
  return gaps;
}

/** Index of the last item whose timestamp is <= t (items sorted by timestamp), or -1. */
export function lastAtOrBefore<T extends { timestamp: number }>(items: readonly T[], t: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((items[mid] as T).timestamp <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
