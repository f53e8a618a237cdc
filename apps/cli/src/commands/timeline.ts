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
    const windowMs = parseDuration(options.window);
    if (windowMs === null || windowMs > MAX_WINDOW_MS)
      throw usageError(
        timeline,
        `--window must be a duration such as 5s, 500ms or 2m (up to 24h); got ${JSON.stringify(options.window)}`,
      );
    const bodyLimit = Number(options["body-limit"]);
    if (!/^\d+$/.test(options["body-limit"]) || bodyLimit < 1 || bodyLimit > MAX_BODY_CHARS)
      throw usageError(
        timeline,
        `--body-limit must be a whole number from 1 to ${MAX_BODY_CHARS}; got ${JSON.stringify(options["body-limit"])}`,
      );

    const tl = await import("../timeline.js");
    // The anchor is checked before any loading, so a typo fails fast; times are relative, so 0 is fine here.
    if (options.around !== undefined && tl.parseAnchor(options.around, (t) => parseTimePoint(t, 0)) === null)
      throw usageError(
        timeline,
        `--around ${JSON.stringify(options.around)} is not an anchor; use click:<selector>, input:<selector>, error, warn, request:<url part>, url:<url part>, event:<name> or a time such as 90s or 01:30`,
      );

    const stored = await loadTarget(ctx, options.data, target);
    const windowId = options["window-id"];
    if (windowId !== undefined && !stored.windows.some((w) => w.windowId === windowId))
      throw usageError(
        timeline,
        `window ${JSON.stringify(windowId)} is not in this recording; it has ${stored.windows.map((w) => w.windowId).join(", ") || "no windows"}`,
      );
    const scrub = !options["no-scrub"];
    const { recording, summary } = await prepareForExport(stored, scrub);
    const first = Math.min(
      ...recording.windows.map((w) => w.events[0]?.timestamp ?? Number.POSITIVE_INFINITY),
    );
    const startMs = Number.isFinite(first) ? first : 0;
    const anchor =
      options.around === undefined
        ? undefined
        : tl.parseAnchor(options.around, (t) => {
            const at = parseTimePoint(t, startMs);
            return at === null ? null : at - startMs;
          });
    const built = tl.buildTimeline(recording, {
      ...(windowId !== undefined && { windowId }),
      bodies: options.bodies,
      bodyLimit,
      ...(anchor && { anchor }),
    });

    let view: TimelineView;
    if (!anchor) view = { ...built, anchor: null, anchorIndex: null, scrubbed: scrub };
    else if (anchor.kind === "time") {
      if (anchor.offsetMs < 0 || anchor.offsetMs > built.durationMs)
        throw usageError(
          timeline,
          `--around ${anchor.text} is outside the recording, which runs ${tl.formatOffset(0)}-${tl.formatOffset(built.durationMs)}`,
        );
      view = tl.windowAround(
        built,
        { text: anchor.text, offsetMs: anchor.offsetMs, entry: null },
        windowMs,
        scrub,
      );
    } else {
      const entry = built.anchorEntry;
      if (!entry)
        throw usageError(timeline, `--around ${anchor.text} matches nothing: ${tl.describeAnchors(built)}`);
      view = tl.windowAround(built, { text: anchor.text, offsetMs: entry.offsetMs, entry }, windowMs, scrub);
    }

    if (options.format === "json") ctx.stdout.write(`${JSON.stringify(tl.toJsonDocument(view), null, 2)}\n`);
    else if (options.format === "md") ctx.stdout.write(tl.renderMarkdown(view));
    else ctx.stdout.write(tl.renderText(view));
    if (summary) ctx.stderr.write(`${summary}\n`);
    if (!scrub) ctx.stderr.write("warning: printed without scrubbing; the output may contain secrets.\n");
  },
});
