import * as z from "zod";
import { loadStored } from "../../shared.js";
import { analysisUsage } from "../../targets.js";
import { ID, invalidArgument, text, TIME, type McpTool } from "../tool.js";

export const getTimeline: McpTool = (server, { ctx, data, guarded }) =>
  server.registerTool(
    "get_timeline",
    {
      title: "Get a recording's timeline",
      description:
        "What happened in a recording, one row per thing, as offsets mm:ss.mmm from its start: page loads, " +
        "clicks and inputs with stable CSS selectors, DOM changes, console warnings/errors, network requests " +
        "(method, URL, status, duration), custom events. With `around`, only `window` before and after the " +
        "first match of the anchor: the evidence window for a bug report. An anchor that matches nothing " +
        "returns an error listing the clicks, requests, pages and events that exist.",
      inputSchema: {
        id: ID,
        around: TIME.optional().describe(
          "Anchor: error[:text], warn[:text], click[:selector], input[:selector], request[:url part] " +
            "(also 'request:POST /api'), url:<url part>, event:<name>, or a time such as 90s or 01:30",
        ),
        window: TIME.default("5s").describe(
          "How much to keep before and after the anchor, e.g. 5s, 500ms, 2m",
        ),
        format: z
          .enum(["md", "json"])
          .default("md")
          .describe("md: a compact table; json: the replay-devkit-timeline document"),
        windowId: z.string().max(200).optional().describe("Only this browser window (tab) of the recording"),
        maxEntries: z
          .number()
          .int()
          .min(1)
          .max(5000)
          .default(200)
          .describe(
            "At most this many rows, kept around the anchor (or from the start); the header says how many were left out",
          ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const analysis = await import("@replay-devkit/analysis");
        // The tool's arguments are named like the request's fields.
        const invalid = analysisUsage((_field, message) => invalidArgument("get_timeline", message));
        const query = invalid(() =>
          analysis.parseTimelineRequest({
            ...(args.around !== undefined && { around: args.around }),
            ...(args.windowId !== undefined && { windowId: args.windowId }),
            window: args.window,
          }),
        );
        const stored = await loadStored(ctx, data, args.id);
        const { view } = invalid(() => analysis.timelineView(stored, query));
        return text(analysis.renderTimeline(analysis.limitEntries(view, args.maxEntries), args.format));
      }),
  );
