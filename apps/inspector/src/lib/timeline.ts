// Pure derivations from one window's rrweb events: console and network rows, timeline markers and
// inactivity gaps. Kept free of React and the DOM so they are unit-tested in Node. Reading the
// console and network plugins is the codec's job (the same extraction the CLI, HAR export and
// testing package use); this file only turns its entries into what the panes show.
import {
  windowConsoleEntries,
  windowNetworkEntries,
  type ConsoleEntry,
  type NetworkEntry,
} from "@replay-devkit/codec";
import type { PosthogEvent, RrwebEvent } from "./api";

export const EventType = {
  DomContentLoaded: 0,
  Load: 1,
  FullSnapshot: 2,
  IncrementalSnapshot: 3,
  Meta: 4,
  Custom: 5,
  Plugin: 6,
  /** rrweb 2.x: an asset (stylesheet, image) captured for offline replay. */
  Asset: 7,
  /** rrweb 2.x: a note placed on the recording's timeline. */
  Annotation: 8,
} as const;

export const IncrementalSource = {
  Mutation: 0,
  MouseMove: 1,
  MouseInteraction: 2,
  Scroll: 3,
  ViewportResize: 4,
  Input: 5,
  TouchMove: 6,
  MediaInteraction: 7,
  Drag: 12,
} as const;

const MOUSE_CLICK = 2;
const MOUSE_DBLCLICK = 4;
const ACTIVE_SOURCES = new Set<number>([1, 2, 3, 4, 5, 6, 7, 12]);

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

export type MarkerKind =
  "click" | "navigation" | "console-error" | "failed-request" | "custom" | "annotation";

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

const HAS_SCHEME = /^[a-z][a-z\d+.-]*:/i;

/**
 * The pane's view of a codec entry, or null for entries that are not requests: posthog-js also
 * observes paint and first-input timings through the network plugin, named "first-paint" or
 * "pointerdown" and without an initiator.
 */
export function toNetworkRow(entry: NetworkEntry, index: number): NetworkRow | null {
  if (entry.initiatorType === null && !HAS_SCHEME.test(entry.url)) return null;
  // A 0 from the fetch/XHR wrapper is a request that failed. A 0 from Resource Timing alone is
  // a cross-origin (opaque) response whose status the browser hides: unknown, not failed.
  const wrapped = entry.initiatorType === "fetch" || entry.initiatorType === "xmlhttprequest";
  const status = entry.status === 0 && !wrapped ? null : entry.status;
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
    failed: status !== null && (status >= 400 || status === 0),
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
  let seenMeta = false;
  for (const event of events) {
    if (event.type === EventType.IncrementalSnapshot && isObject(event.data)) {
      const { source, type } = event.data;
      if (
        source === IncrementalSource.MouseInteraction &&
        (type === MOUSE_CLICK || type === MOUSE_DBLCLICK)
      ) {
        out.push({
          kind: "click",
          timestamp: event.timestamp,
          label: type === MOUSE_DBLCLICK ? "double click" : "click",
        });
      }
    } else if (event.type === EventType.Meta && isObject(event.data)) {
      // The first Meta opens the recording; later ones are page loads.
      if (seenMeta) {
        out.push({
          kind: "navigation",
          timestamp: event.timestamp,
          label: String(event.data.href ?? "navigation"),
        });
      }
      seenMeta = true;
    } else if (
      event.type === EventType.Custom &&
      isObject(event.data) &&
      typeof event.data.tag === "string"
    ) {
      // posthog-js's own bookkeeping tags would bury the interesting ones.
      if (!event.data.tag.startsWith("$"))
        out.push({ kind: "custom", timestamp: event.timestamp, label: event.data.tag });
    } else if (event.type === EventType.Annotation) {
      out.push({ kind: "annotation", timestamp: event.timestamp, label: annotationLabel(event.data) });
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

/** What an Annotation event says: its tag or text, with its payload's text when it has one. */
function annotationLabel(data: unknown): string {
  if (!isObject(data)) return "annotation";
  const head = [data.tag, data.label, data.text].find((v): v is string => typeof v === "string" && v !== "");
  const payload = isObject(data.payload) ? data.payload : null;
  const detail = payload && typeof payload.text === "string" ? payload.text : null;
  return [head ?? "annotation", detail].filter(Boolean).join(": ");
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

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`
    : `${m}:${String(s).padStart(2, "0")}`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return "–";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
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
