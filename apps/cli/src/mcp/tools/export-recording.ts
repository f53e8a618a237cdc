import * as z from "zod";
import { exportData } from "../../export-data.js";
import { resolveInsideCwd } from "../../paths.js";
import { EXPORT_FORMATS, loadStored } from "../../shared.js";
import { ID, PATH, text, writeToolFile, type McpTool } from "../tool.js";

export const exportRecording: McpTool = (server, { ctx, data, guarded }) =>
  server.registerTool(
    "export_recording",
    {
      title: "Export a recording",
      description:
        "Export a recording, scrubbed of secrets and personal data, to a file inside the server's working " +
        "directory. Formats: posthog (PostHog Export-to-JSON), rrweb (JSON array of the first window's " +
        "events), bundle (replay-devkit zip with a redaction log), har (HAR 1.2 of the network requests).",
      inputSchema: {
        id: ID,
        format: z.enum(EXPORT_FORMATS).describe("posthog, rrweb, bundle or har"),
        path: PATH,
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const full = resolveInsideCwd(ctx.cwd, args.path);
        const stored = await loadStored(ctx, data, args.id);
        const { data: bytes, binary, summary } = await exportData(stored, args.format, true);
        const written = await writeToolFile(ctx, full, bytes, binary);
        const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
        return text(`Wrote ${written} (${size} bytes, ${args.format}).${summary ? `\n${summary}` : ""}`);
      }),
  );
