import { EXPORT_FORMATS } from "@replay-devkit/api";
import * as z from "zod";
import { exportStored } from "../../exporting.js";
import { resolveInsideCwd } from "../../paths.js";
import { ID, PATH, text, writeToolFile, type McpTool } from "../tool.js";

export const exportRecording: McpTool = (server, { ctx, data, guarded }) =>
  server.registerTool(
    "export_recording",
    {
      title: "Export a recording",
      description:
        "Export a recording, scrubbed of secrets and personal data, to a file inside the server's working " +
        "directory. Formats: posthog (PostHog Export-to-JSON), rrweb (JSON array of one window's events: " +
        "`window`, default the first), bundle (replay-devkit zip with a redaction log), har (HAR 1.2 of the " +
        "network requests). The bytes are those of `replay-devkit export` and the server's export route.",
      inputSchema: {
        id: ID,
        format: z.enum(EXPORT_FORMATS).describe("posthog, rrweb, bundle or har"),
        path: PATH,
        window: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe("rrweb: the window id to export (default: the first)"),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const full = resolveInsideCwd(ctx.cwd, args.path);
        // Always scrubbed: an agent gets no raw export (README: no unscrubbed option over MCP).
        const {
          data: bytes,
          binary,
          summary,
        } = await exportStored(ctx, data, args.id, {
          format: args.format,
          scrub: "scrubbed",
          ...(args.window === undefined ? {} : { window: args.window }),
        });
        const written = await writeToolFile(ctx, full, bytes, binary);
        const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
        return text(`Wrote ${written} (${size} bytes, ${args.format}).${summary ? `\n${summary}` : ""}`);
      }),
  );
