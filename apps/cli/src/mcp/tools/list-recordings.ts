import { RECORDING_SORTS, type RecordingSort } from "@replay-devkit/store";
import * as z from "zod";
import { queryRecordings } from "../../recordings.js";
import { json, scrubSummary, type McpTool } from "../tool.js";

export const listRecordings: McpTool = (server, { ctx, data, guarded }) =>
  server.registerTool(
    "list_recordings",
    {
      title: "List recordings",
      description:
        "List stored session recordings (newest first by default) with their metadata: id, start time, duration, " +
        "click/keypress counts, console error count, visited URLs. Use the id with the other tools.",
      inputSchema: {
        url: z
          .string()
          .max(2000)
          .optional()
          .describe("Only recordings that visited a URL containing this text"),
        hasErrors: z
          .boolean()
          .optional()
          .describe("true: only recordings with console errors; false: only those without"),
        limit: z.number().int().min(1).max(1000).default(20).describe("At most this many (1-1000)"),
        sort: z
          .enum(RECORDING_SORTS as [RecordingSort, ...RecordingSort[]])
          .default("newest")
          .describe("Order: newest, oldest, longest, shortest, updated, or FIELD:asc|desc"),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const result = await queryRecordings(ctx, data, {
          limit: args.limit,
          sort: args.sort,
          ...(args.url !== undefined && { url: args.url }),
          ...(args.hasErrors !== undefined && { hasErrors: args.hasErrors }),
        });
        const recordings = await Promise.all(result.recordings.map(scrubSummary));
        return json({ recordings, total: result.total });
      }),
  );
