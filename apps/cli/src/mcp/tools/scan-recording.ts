import * as z from "zod";
import { scanLoaded } from "../../scan-report.js";
import { loadStored } from "../../shared.js";
import { ID, invalidArgument, json, type McpTool } from "../tool.js";

export const scanRecordingTool: McpTool = (server, { ctx, data, guarded }) =>
  server.registerTool(
    "scan_recording",
    {
      title: "Scan a recording for leaks",
      description:
        "Privacy scan: secrets and personal data the recording holds (emails, tokens, card numbers, password " +
        "fields, unmasked text under mask selectors…), each with where it is and the posthog-js setting that " +
        "would have masked it. The same report as `replay-devkit scan --json`; previews never show the value.",
      inputSchema: {
        id: ID,
        maskTextSelector: z
          .string()
          .max(2000)
          .optional()
          .describe(
            "posthog-js maskTextSelector to check masking against (default: what the recording says)",
          ),
        blockSelector: z
          .string()
          .max(2000)
          .optional()
          .describe("posthog-js blockSelector to check against (default: what the recording says)"),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(async () => {
        const stored = await loadStored(ctx, data, args.id);
        const report = await scanLoaded(
          stored,
          args.id,
          {
            threshold: 0,
            ...(args.maskTextSelector !== undefined && { maskTextSelector: args.maskTextSelector }),
            ...(args.blockSelector !== undefined && { blockSelector: args.blockSelector }),
          },
          (message) => invalidArgument("scan_recording", message),
        );
        return json(report);
      }),
  );
