import { EXPORT_FORMATS, type ExportFormat } from "@replay-devkit/api";
import { defineCommand } from "../command.js";
import { exportStored } from "../exporting.js";
import { DATA_OPTION, writeOutput } from "../shared.js";

export const exportCommand = defineCommand({
  name: "export",
  summary: "Export a stored recording (scrubbed of secrets and personal data by default)",
  description:
    "Formats: posthog (PostHog Export-to-JSON), rrweb (JSON array of one window's events: --window, default the first), bundle (replay-devkit zip with a redaction log), har (HAR 1.2 of the network events). The bytes are those of GET /api/recordings/:id/export.",
  positionals: [{ name: "id", description: "Recording id" }],
  options: {
    format: {
      type: "string",
      short: "f",
      valueName: "format",
      description: "posthog, rrweb, bundle or har",
      choices: EXPORT_FORMATS,
      default: "posthog",
    },
    window: {
      type: "string",
      short: "w",
      valueName: "id",
      description: "The window an rrweb export holds (default: the first)",
    },
    output: { type: "string", short: "o", valueName: "file", description: "Write here instead of stdout" },
    "no-scrub": { type: "boolean", description: "Export raw values (no privacy scrubbing)" },
    data: DATA_OPTION,
  },
  examples: [
    "replay-devkit export 019a… --format bundle -o bug.zip",
    "replay-devkit export 019a… -f har > network.har",
    "replay-devkit export 019a… -f rrweb --window 019b… -o tab2.json",
  ],
  async run(ctx, { options, positionals }) {
    const id = positionals[0] as string;
    const format = options.format as ExportFormat;
    const { data, binary, summary } = await exportStored(ctx, options.data, id, {
      format,
      scrub: options["no-scrub"] ? "raw" : "scrubbed",
      ...(options.window === undefined ? {} : { window: options.window }),
    });
    const written = await writeOutput(ctx, options.output, data, binary);
    // The bundle carries its own redaction log; the other formats have nowhere to put it.
    if (summary && format !== "bundle") ctx.stderr.write(`${summary}\n`);
    if (options["no-scrub"])
      ctx.stderr.write("warning: exported without scrubbing; the file may contain secrets.\n");
    if (written) ctx.stderr.write(`Wrote ${written}\n`);
  },
});
