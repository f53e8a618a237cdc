import type { Anchor, Timeline, TimelineEntry } from "./timeline.js";

const ANCHOR_KINDS = ["click", "input", "error", "warn", "request", "url", "event"] as const;

/**
 * Parses an anchor: `click[:selector]`, `input[:selector]`, `error[:text]`,
 * `warn[:text]`, `request[:url part]`, `url[:url part]`, `event[:name]`, or a time offset
 * (`90s`, `01:30`, `1500ms`; see parseTimePoint). Null when it is none of these.
 */
export function parseAnchor(text: string, parseTime: (text: string) => number | null): Anchor | null {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  const head = colon === -1 ? trimmed : trimmed.slice(0, colon);
  const rest = colon === -1 ? null : trimmed.slice(colon + 1).trim();
  if ((ANCHOR_KINDS as readonly string[]).includes(head)) {
    const value = rest === "" ? null : rest;
    const kind = head as (typeof ANCHOR_KINDS)[number];
    if (kind === "click" || kind === "input") return { kind, selector: value, text: trimmed };
    if (kind === "error" || kind === "warn") return { kind, contains: value, text: trimmed };
    return { kind, contains: value, text: trimmed };
  }
  const offset = parseTime(trimmed);
  return offset === null ? null : { kind: "time", offsetMs: offset, text: trimmed };
}

/** What a recording has to anchor on, for the message when an anchor matches nothing. */
export function describeAnchors(timeline: Timeline): string {
  const s = timeline.seen;
  const errors = timeline.entries.filter((e) => e.kind === "console" && e.level !== "warn").length;
  const parts = [
    s.clicks.length > 0 ? `clicks on ${s.clicks.slice(0, 5).join(", ")}` : "no clicks",
    s.inputs.length > 0 ? `inputs into ${s.inputs.slice(0, 3).join(", ")}` : null,
    s.requests.length > 0 ? `requests ${s.requests.slice(0, 4).join(", ")}` : "no requests",
    s.pages.length > 0 ? `pages ${s.pages.slice(0, 4).join(", ")}` : null,
    `${errors} console error${errors === 1 ? "" : "s"}`,
    s.events.length > 0 ? `events ${s.events.slice(0, 4).join(", ")}` : null,
  ];
  return `the recording has ${parts.filter((p) => p !== null).join("; ")}`;
}

export interface TimelineView extends Timeline {
  anchor: { text: string; offsetMs: number; windowMs: number; fromMs: number; toMs: number } | null;
  /** Index (in `entries`) of the entry the anchor matched, when it was an entry. */
  anchorIndex: number | null;
  scrubbed: boolean;
  /** Entries left out by {@link limitEntries} on either side of those shown. */
  omitted?: { before: number; after: number };
}

/**
 * Keeps at most `max` entries: those around the anchor when there is one, else the first ones. The
 * rest are counted in `omitted`, so a reader (or an agent with a small context) knows to narrow down.
 */
export function limitEntries(view: TimelineView, max: number): TimelineView {
  if (view.entries.length <= max) return view;
  const center = view.anchorIndex ?? 0;
  const start = Math.min(Math.max(0, center - Math.floor(max / 2)), view.entries.length - max);
  const entries = view.entries.slice(start, start + max);
  return {
    ...view,
    entries,
    anchorIndex: view.anchorIndex === null ? null : view.anchorIndex - start,
    omitted: { before: start, after: view.entries.length - start - max },
  };
}

/** Keeps the entries within `windowMs` of the anchor (a DOM entry counts if its span overlaps). */
export function windowAround(
  timeline: Timeline,
  anchor: { text: string; offsetMs: number; entry: TimelineEntry | null },
  windowMs: number,
  scrubbed: boolean,
): TimelineView {
  const fromMs = Math.max(0, anchor.offsetMs - windowMs);
  const toMs = anchor.offsetMs + windowMs;
  const entries = timeline.entries.filter((e) => {
    const endMs = e.kind === "dom" ? e.endOffsetMs : e.offsetMs;
    return endMs >= fromMs && e.offsetMs <= toMs;
  });
  const index = anchor.entry ? entries.indexOf(anchor.entry) : -1;
  return {
    ...timeline,
    entries,
    anchor: { text: anchor.text, offsetMs: anchor.offsetMs, windowMs, fromMs, toMs },
    anchorIndex: index === -1 ? null : index,
    scrubbed,
  };
}
