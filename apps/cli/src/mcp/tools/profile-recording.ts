import { loadStored } from "../../shared.js";
import { ID, text, type McpTool } from "../tool.js";

export const profileRecordingTool: McpTool = (server, { ctx, data, guarded }) =>
  server.registerTool(
    "profile_recording",
    {
      title: "Profile a recording's size",
      description:
        "Where a recording's bytes go (by rrweb event type and source, inlined CSS, data: URLs, busiest " +
        "selectors), events/s and bytes/min, and the posthog-js setting that shrinks each heavy part. " +
        "The same report as `replay-devkit profile --json`.",
      inputSchema: { id: ID },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const { profileJson, profileRecording } = await import("@replay-devkit/analysis");
        return text(profileJson(profileRecording(await loadStored(ctx, data, args.id))).trimEnd());
      }),
  );
