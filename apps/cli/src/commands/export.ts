import { EXPORT_FORMATS, type ExportFormat } from "@replay-devkit/api";
import { cliVersion } from "../assets.js";
import { BATCH_EXPORT_OPTIONS, runBatchExport } from "../batch-export/command.js";
import { defineCommand, usageError } from "../command.js";
import { exportStored } from "../exporting.js";
import { DATA_OPTION, writeOutput } from "../shared.js";

export const exportCommand = defineCommand({
  name: "export",
  summary: "Export a stored recording (scrubbed of secrets and personal data by default)",
  description:
    "Formats: posthog (PostHog Export-to-JSON), rrweb (JSON array of one window's events: --window, default the first), bundle (replay-devkit zip with a redaction log), har (HAR 1.2 of the network events). The bytes are those of GET /api/recordings/:id/export.",
  positionals: [{ name: "id", description: "Recording id (or --all)", required: false }],
  options: {
    format: {
      type: "string",
      short: "f",
      valueName: "format",
      description: "posthog, rrweb, bundle or har (default posthog; bundle with --all)",
      choices: EXPORT_FORMATS,
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
    ...BATCH_EXPORT_OPTIONS,
  },
  examples: [
    "replay-devkit export 019a… --format bundle -o bug.zip",
    "replay-devkit export 019a… -f har > network.har",
    "replay-devkit export 019a… -f rrweb --window 019b… -o tab2.json",
    "replay-devkit export --all --to /backups/replays --since 7d",
  ],
  async run(ctx, { options, positionals }) {
    if (options.all) {
      if (positionals[0] !== undefined)
        throw usageError(exportCommand, "give a recording id or --all, not both");
      // --format's default is for one recording; a batch defaults to bundles, which carry their redaction log.
      await runBatchExport(
        exportCommand,
        ctx,
        {
          ...options,
          format: (options.format as ExportFormat | undefined) ?? "bundle",
          scrub: !options["no-scrub"],
        },
        `replay-devkit ${cliVersion()}`,
      );
      return;
    }
    const id = positionals[0];
    if (id === undefined) throw usageError(exportCommand, "missing <id> (or --all --to DIR)");
    const format = (options.format as ExportFormat | undefined) ?? "posthog";
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
