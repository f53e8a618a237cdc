import { getSummary } from "../../recordings.js";
import { ID, json, scrubSummary, type McpTool } from "../tool.js";

export const getRecording: McpTool = (server, { ctx, data, guarded }) =>
  server.registerTool(
    "get_recording",
    {
      title: "Get recording metadata",
      description:
        "Metadata of one recording: start/end time, duration and active time, event count and size, browser " +
        "window ids, click/keypress counts, console log/warn/error counts, first URL and every visited URL.",
      inputSchema: { id: ID },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => guarded(async () => json(await scrubSummary(await getSummary(ctx, data, args.id)))),
  );
