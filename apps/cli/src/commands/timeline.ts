import type { AnalysisField } from "@replay-devkit/analysis";
import { defineCommand, usageError } from "../command.js";
import { DATA_OPTION } from "../shared.js";
import { analysisUsage, loadTarget } from "../targets.js";

/** The option that carries each field of the shared timeline request. */
const FLAGS: Record<AnalysisField, string> = {
  around: "--around",
  window: "--window",
  windowId: "--window-id",
  bodyLimit: "--body-limit",
};

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
    const analysis = await import("@replay-devkit/analysis");
    const invalid = analysisUsage((field, message) => usageError(timeline, `${FLAGS[field]}: ${message}`));
    // Checked before any loading, so a typo fails fast.
    const query = invalid(() =>
      analysis.parseTimelineRequest({
        ...(options.around !== undefined && { around: options.around }),
        ...(options["window-id"] !== undefined && { windowId: options["window-id"] }),
        window: options.window,
        bodies: options.bodies,
        bodyLimit: options["body-limit"],
        scrub: !options["no-scrub"],
      }),
    );
    const stored = await loadTarget(ctx, options.data, target);
    const { view, summary } = invalid(() => analysis.timelineView(stored, query));
    ctx.stdout.write(analysis.renderTimeline(view, options.format as "text" | "md" | "json"));
    if (summary) ctx.stderr.write(`${summary}\n`);
    if (!query.scrub)
      ctx.stderr.write("warning: printed without scrubbing; the output may contain secrets.\n");
  },
});
