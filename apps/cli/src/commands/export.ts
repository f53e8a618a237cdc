import type { Recording } from "@replay-devkit/codec";
import { defineCommand } from "../command.js";
import { cliVersion } from "../assets.js";
import {
  DATA_OPTION,
  EXPORT_FORMATS,
  encodeRecording,
  loadStored,
  prepareForExport,
  writeOutput,
  type ExportFormat,
} from "../shared.js";

export const exportCommand = defineCommand({
  name: "export",
  summary: "Export a stored recording (scrubbed of secrets and personal data by default)",
  description:
    "Formats: posthog (PostHog Export-to-JSON), rrweb (JSON array of the first window's events), bundle (replay-devkit zip with a redaction log), har (HAR 1.2 of the network events), html (one self-contained file that plays the recording offline).",
  positionals: [{ name: "id", description: "Recording id" }],
  options: {
    format: {
      type: "string",
      short: "f",
      valueName: "format",
      description: "posthog, rrweb, bundle, har or html",
      choices: EXPORT_FORMATS,
      default: "posthog",
    },
    output: { type: "string", short: "o", valueName: "file", description: "Write here instead of stdout" },
    "no-scrub": { type: "boolean", description: "Export raw values (no privacy scrubbing)" },
    data: DATA_OPTION,
  },
  examples: [
    "replay-devkit export 019a… --format bundle -o bug.zip",
    "replay-devkit export 019a… -f har > network.har",
    "replay-devkit export 019a… --format html -o bug.html",
  ],
  async run(ctx, { options, positionals }) {
    const id = positionals[0] as string;
    const format = options.format as ExportFormat;
    const stored = await loadStored(ctx, options.data, id);
    const { data, binary, summary } = await exportData(stored, format, !options["no-scrub"]);
    const written = await writeOutput(ctx, options.output, data, binary);
    // The bundle and the HTML file carry their own redaction log; the other formats have nowhere to put it.
    if (summary && format !== "bundle" && format !== "html") ctx.stderr.write(`${summary}\n`);
    if (options["no-scrub"])
      ctx.stderr.write("warning: exported without scrubbing; the file may contain secrets.\n");
    if (written) ctx.stderr.write(`Wrote ${written}\n`);
  },
});

/** The command's logic without its I/O, shared with the MCP server: scrubs (unless told not to) and encodes. */
export async function exportData(
  stored: Recording,
  format: ExportFormat,
  scrub: boolean,
): Promise<{ data: string | Uint8Array; binary: boolean; summary: string | null }> {
  const { recording, redactions, summary } = await prepareForExport(stored, scrub);
  const { data, binary } = await encodeRecording(
    recording,
    format,
    redactions,
    `replay-devkit ${cliVersion()}`,
    scrub,
  );
  return { data, binary, summary };
}
