import type { Recording } from "@replay-devkit/codec";
import { formatOffset } from "@replay-devkit/codec";
import { scrubRecording, summarizeRedactions } from "@replay-devkit/privacy";
import { describeAnchors, parseAnchor, windowAround, type TimelineView } from "./anchors.js";
import { AnalysisError } from "./errors.js";
import { parseDuration, parseTimePoint, recordingSpan } from "./time.js";
import { buildTimeline } from "./timeline.js";

/** Longest window either side of an anchor; beyond it the whole timeline is the better tool. */
export const MAX_WINDOW_MS = 24 * 3_600_000;
export const MAX_BODY_CHARS = 100_000;

/** A timeline request as every interface (CLI flags, MCP arguments, query parameters) spells it. */
export interface TimelineRequest {
  /** An anchor: `click[:selector]`, `error[:text]`, `request[:url part]`, ..., or a time (`90s`, `01:30`). */
  around?: string;
  /** How much to keep before and after the anchor (default `5s`). */
  window?: string;
  /** Only this browser window (tab). */
  windowId?: string;
  /** Keep request and response bodies (default false). */
  bodies?: boolean;
  /** Characters kept of each body (default 500). */
  bodyLimit?: string | number;
  /** Scrub secrets and personal data first (default true). */
  scrub?: boolean;
}

/** A request checked against everything that can be checked without the recording. */
export interface TimelineQuery {
  around: string | null;
  windowMs: number;
  windowId: string | null;
  bodies: boolean;
  bodyLimit: number;
  scrub: boolean;
}

export const TIMELINE_DEFAULTS = { window: "5s", bodyLimit: 500 } as const;

const ANCHOR_HELP =
  "use click:<selector>, input:<selector>, error, warn, request:<url part>, url:<url part>, event:<name> or a time such as 90s or 01:30";

/** Checks a request before any loading, so a typo fails fast. Throws {@link AnalysisError}. */
export function parseTimelineRequest(request: TimelineRequest): TimelineQuery {
  const windowText = request.window ?? TIMELINE_DEFAULTS.window;
  const windowMs = parseDuration(windowText);
  if (windowMs === null || windowMs > MAX_WINDOW_MS)
    throw new AnalysisError(
      "INVALID_WINDOW",
      "window",
      `window must be a duration such as 5s, 500ms or 2m (up to 24h); got ${JSON.stringify(windowText)}`,
    );
  const limit = request.bodyLimit ?? TIMELINE_DEFAULTS.bodyLimit;
  const bodyLimit = Number(limit);
  if (!/^\d+$/.test(String(limit)) || bodyLimit < 1 || bodyLimit > MAX_BODY_CHARS)
    throw new AnalysisError(
      "INVALID_BODY_LIMIT",
      "bodyLimit",
      `body limit must be a whole number from 1 to ${MAX_BODY_CHARS}; got ${JSON.stringify(String(limit))}`,
    );
  // Times are relative, so any start will do for the syntax check.
  if (request.around !== undefined && parseAnchor(request.around, (t) => parseTimePoint(t, 0)) === null)
    throw new AnalysisError(
      "INVALID_ANCHOR",
      "around",
      `${JSON.stringify(request.around)} is not an anchor; ${ANCHOR_HELP}`,
    );
  return {
    around: request.around ?? null,
    windowMs,
    windowId: request.windowId ?? null,
    bodies: request.bodies === true,
    bodyLimit,
    scrub: request.scrub !== false,
  };
}

/**
 * The timeline use case shared by the CLI, MCP and the server: scrubs (unless told not to), builds
 * the timeline and cuts the window around the anchor. `summary` is the scrubber's one-line report
 * (null when not scrubbing). Bad requests throw {@link AnalysisError}.
 */
export function timelineView(
  stored: Recording,
  query: TimelineQuery,
): { view: TimelineView; summary: string | null } {
  const { windowId, scrub } = query;
  if (windowId !== null && !stored.windows.some((w) => w.windowId === windowId))
    throw new AnalysisError(
      "UNKNOWN_WINDOW_ID",
      "windowId",
      `window ${JSON.stringify(windowId)} is not in this recording; it has ${stored.windows.map((w) => w.windowId).join(", ") || "no windows"}`,
    );
  let recording = stored;
  let summary: string | null = null;
  if (scrub) {
    const scrubbed = scrubRecording(stored);
    recording = scrubbed.recording;
    summary = summarizeRedactions(scrubbed.redactions);
  }
  const startMs = recordingSpan(recording)?.start ?? 0;
  const anchor =
    query.around === null
      ? undefined
      : (parseAnchor(query.around, (t) => {
          const at = parseTimePoint(t, startMs);
          return at === null ? null : at - startMs;
        }) ?? undefined);
  const built = buildTimeline(recording, {
    ...(windowId !== null && { windowId }),
    bodies: query.bodies,
    bodyLimit: query.bodyLimit,
    ...(anchor && { anchor }),
  });

  if (!anchor) return { view: { ...built, anchor: null, anchorIndex: null, scrubbed: scrub }, summary };
  if (anchor.kind === "time") {
    if (anchor.offsetMs < 0 || anchor.offsetMs > built.durationMs)
      throw new AnalysisError(
        "ANCHOR_NOT_FOUND",
        "around",
        `anchor ${anchor.text} is outside the recording, which runs ${formatOffset(0)}-${formatOffset(built.durationMs)}`,
      );
    const at = { text: anchor.text, offsetMs: anchor.offsetMs, entry: null };
    return { view: windowAround(built, at, query.windowMs, scrub), summary };
  }
  const entry = built.anchorEntry;
  if (!entry)
    throw new AnalysisError(
      "ANCHOR_NOT_FOUND",
      "around",
      `anchor ${anchor.text} matches nothing: ${describeAnchors(built)}`,
    );
  const at = { text: anchor.text, offsetMs: entry.offsetMs, entry };
  return { view: windowAround(built, at, query.windowMs, scrub), summary };
}
