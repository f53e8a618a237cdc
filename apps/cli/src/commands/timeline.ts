import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Recording } from "@replay-devkit/codec";
import { defineCommand, parseDuration, usageError } from "../command.js";
import { CliError } from "../errors.js";
import { DATA_OPTION, decodeFile, loadStored, prepareForExport } from "../shared.js";
import type { TimelineView } from "../timeline.js";
import { parseTimePoint } from "../trim.js";

/** Longest window either side of an anchor; beyond it the whole timeline is the better tool. */
const MAX_WINDOW_MS = 24 * 3_600_000;
const MAX_BODY_CHARS = 100_000;

/** Loads a recording from a file when the path exists, else from the store by id. */
export async function loadTarget(
  ctx: Parameters<typeof loadStored>[0],
  data: string | undefined,
  target: string,
): Promise<Recording> {
  // A path that exists wins over an id: ids never contain path separators, files usually do.
  const recording = existsSync(resolve(ctx.cwd, target))
    ? (await decodeFile(ctx, target)).recordings[0]
    : await loadStored(ctx, data, target);
  if (!recording) throw new CliError("REPLAY_DEVKIT_INVALID_INPUT", `${target}: the file holds no recording`);
  return recording;
}

export const timeline = defineCommand({
  name: "timeline",
  summary: "Print a compact timeline of a recording, or the evidence window around one action",
  description:
    "Page loads, clicks and inputs (with stable selectors), DOM changes between actions, console warnings and errors, requests and custom events, as offsets mm:ss.mmm from the start. " +
    "--around takes click[:selector], input[:selector], error[:text], warn[:text], request[:url part], url[:url part], event[:name] or a time (90s, 01:30). " +
    "Output is scrubbed of secrets and personal data like exports are. The recording is loaded into memory.",
  positionals: [{ name: "target", description: "Recording id, or a recording file" }],
  options: {
    around: {
      type: "string",
      valueName: "anchor",
      description: "Keep only --window either side of this anchor",
    },
    window: {
      type: "string",
      valueName: "duration",
      description: "How much to keep before and after the anchor",
      default: "5s",
    },
    format: {
      type: "string",
      short: "f",
      valueName: "format",
      description: "text, md or json",
      choices: ["text", "md", "json"],
      default: "text",
    },
    "window-id": { type: "string", valueName: "id", description: "Only this browser window (tab)" },
    bodies: { type: "boolean", description: "Include request and response bodies (cut at --body-limit)" },
    "body-limit": {
      type: "string",
      valueName: "chars",
      description: "Characters kept of each body",
      default: "500",
    },
    "no-scrub": { type: "boolean", description: "Print raw values (no privacy scrubbing)" },
    data: DATA_OPTION,
  },
  examples: [
    "replay-devkit timeline 019a…",
    "replay-devkit timeline 019a… --around error --window 5s --format md",
    "replay-devkit timeline bug.json --around 'click:#pay' --bodies --format json",
    "replay-devkit timeline 019a… --around request:/api/items --window 2s",
  ],
  async run(ctx, { options, positionals }) {
    const target = positionals[0] as string;
    const windowMs = parseTimelineWindow(options.window);
    if (windowMs === null) throw usageError(timeline, windowMessage(options.window));
    const bodyLimit = Number(options["body-limit"]);
    if (!/^\d+$/.test(options["body-limit"]) || bodyLimit < 1 || bodyLimit > MAX_BODY_CHARS)
      throw usageError(
        timeline,
        `--body-limit must be a whole number from 1 to ${MAX_BODY_CHARS}; got ${JSON.stringify(options["body-limit"])}`,
      );

    const tl = await import("../timeline.js");
    // The anchor is checked before any loading, so a typo fails fast; times are relative, so 0 is fine here.
    if (options.around !== undefined && tl.parseAnchor(options.around, (t) => parseTimePoint(t, 0)) === null)
      throw usageError(timeline, anchorMessage(options.around));

    const stored = await loadTarget(ctx, options.data, target);
    const scrub = !options["no-scrub"];
    const { view, summary } = await timelineView(
      stored,
      {
        ...(options.around !== undefined && { around: options.around }),
        ...(options["window-id"] !== undefined && { windowId: options["window-id"] }),
        windowMs,
        bodies: options.bodies,
        bodyLimit,
        scrub,
      },
      (message) => usageError(timeline, message),
    );

    ctx.stdout.write(await renderTimeline(view, options.format as TimelineFormat));
    if (summary) ctx.stderr.write(`${summary}\n`);
    if (!scrub) ctx.stderr.write("warning: printed without scrubbing; the output may contain secrets.\n");
  },
});

/** Parses `--window`; null when it is not a duration or is over the cap. */
export function parseTimelineWindow(text: string): number | null {
  const ms = parseDuration(text);
  return ms === null || ms > MAX_WINDOW_MS ? null : ms;
}

export function windowMessage(text: string): string {
  return `--window must be a duration such as 5s, 500ms or 2m (up to 24h); got ${JSON.stringify(text)}`;
}

function anchorMessage(text: string): string {
  return `--around ${JSON.stringify(text)} is not an anchor; use click:<selector>, input:<selector>, error, warn, request:<url part>, url:<url part>, event:<name> or a time such as 90s or 01:30`;
}

export interface TimelineRequest {
  around?: string;
  windowMs: number;
  windowId?: string;
  bodies: boolean;
  bodyLimit: number;
  scrub: boolean;
}

export type TimelineFormat = "text" | "md" | "json";

/**
 * The command's logic without its I/O, shared with the MCP server: scrubs (unless told not to),
 * builds the timeline and cuts the window around the anchor. Bad requests go through `invalid`, so
 * each caller words the error for its own interface.
 */
export async function timelineView(
  stored: Recording,
  request: TimelineRequest,
  invalid: (message: string) => CliError,
): Promise<{ view: TimelineView; summary: string | null }> {
  const tl = await import("../timeline.js");
  if (request.around !== undefined && tl.parseAnchor(request.around, (t) => parseTimePoint(t, 0)) === null)
    throw invalid(anchorMessage(request.around));
  const { windowId, scrub } = request;
  if (windowId !== undefined && !stored.windows.some((w) => w.windowId === windowId))
    throw invalid(
      `window ${JSON.stringify(windowId)} is not in this recording; it has ${stored.windows.map((w) => w.windowId).join(", ") || "no windows"}`,
    );
  const { recording, summary } = await prepareForExport(stored, scrub);
  const first = Math.min(...recording.windows.map((w) => w.events[0]?.timestamp ?? Number.POSITIVE_INFINITY));
  const startMs = Number.isFinite(first) ? first : 0;
  const anchor =
    request.around === undefined
      ? undefined
      : tl.parseAnchor(request.around, (t) => {
          const at = parseTimePoint(t, startMs);
          return at === null ? null : at - startMs;
        });
  const built = tl.buildTimeline(recording, {
    ...(windowId !== undefined && { windowId }),
    bodies: request.bodies,
    bodyLimit: request.bodyLimit,
    ...(anchor && { anchor }),
  });

  if (!anchor) return { view: { ...built, anchor: null, anchorIndex: null, scrubbed: scrub }, summary };
  if (anchor.kind === "time") {
    if (anchor.offsetMs < 0 || anchor.offsetMs > built.durationMs)
      throw invalid(
        `--around ${anchor.text} is outside the recording, which runs ${tl.formatOffset(0)}-${tl.formatOffset(built.durationMs)}`,
      );
    const at = { text: anchor.text, offsetMs: anchor.offsetMs, entry: null };
    return { view: tl.windowAround(built, at, request.windowMs, scrub), summary };
  }
  const entry = built.anchorEntry;
  if (!entry) throw invalid(`--around ${anchor.text} matches nothing: ${tl.describeAnchors(built)}`);
  const at = { text: anchor.text, offsetMs: entry.offsetMs, entry };
  return { view: tl.windowAround(built, at, request.windowMs, scrub), summary };
}

export async function renderTimeline(view: TimelineView, format: TimelineFormat): Promise<string> {
  const tl = await import("../timeline.js");
  if (format === "json") return `${JSON.stringify(tl.toJsonDocument(view), null, 2)}\n`;
  if (format === "md") return tl.renderMarkdown(view);
  return tl.renderText(view);
}
