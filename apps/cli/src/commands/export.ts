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
import { VIDEO_FORMATS, exportVideo, isVideoFormat } from "../video-export.js";

export const exportCommand = defineCommand({
  name: "export",
  summary: "Export a stored recording (scrubbed of secrets and personal data by default)",
  description:
    "Formats: posthog (PostHog Export-to-JSON), rrweb (JSON array of the first window's events), bundle (replay-devkit zip with a redaction log), har (HAR 1.2 of the network events), " +
    "mp4 and gif (the replay rendered in headless Chromium with the pointer and clicks drawn, idle time cut, pinned assets; needs chromium and playwright-core).",
  positionals: [{ name: "id", description: "Recording id" }],
  options: {
    format: {
      type: "string",
      short: "f",
      valueName: "format",
      description: "posthog, rrweb, bundle, har, mp4 or gif",
      choices: [...EXPORT_FORMATS, ...VIDEO_FORMATS],
      default: "posthog",
    },
    output: { type: "string", short: "o", valueName: "file", description: "Write here instead of stdout" },
    "no-scrub": { type: "boolean", description: "Export raw values (no privacy scrubbing)" },
    from: {
      type: "string",
      valueName: "time",
      description: "mp4/gif: clip start, an offset like 90s, 1m30s, 01:30 or an ISO time",
    },
    to: { type: "string", valueName: "time", description: "mp4/gif: clip end" },
    fps: {
      type: "string",
      valueName: "n",
      description: "mp4/gif: frames per second (default 15 for mp4, 8 for gif)",
    },
    data: DATA_OPTION,
  },
  examples: [
    "replay-devkit export 019a… --format bundle -o bug.zip",
    "replay-devkit export 019a… -f har > network.har",
    "replay-devkit export 019a… -f mp4 --from 1m --to 1m30s -o bug.mp4",
  ],
  async run(ctx, { options, positionals }) {
    const id = positionals[0] as string;
    const stored = await loadStored(ctx, options.data, id);
    if (isVideoFormat(options.format)) {
      const video = await exportVideo(ctx, stored, {
        format: options.format,
        from: options.from,
        to: options.to,
        fps: options.fps,
        scrub: !options["no-scrub"],
        data: options.data,
      });
      const written = await writeOutput(ctx, options.output, video.data, true);
      ctx.stderr.write(`${video.summary}\n`);
      if (options["no-scrub"])
        ctx.stderr.write("warning: rendered without scrubbing; the video may show secrets.\n");
      if (written) ctx.stderr.write(`Wrote ${written}\n`);
      return;
    }
    const format = options.format as ExportFormat;
    const { data, binary, summary } = await exportData(stored, format, !options["no-scrub"]);
    const written = await writeOutput(ctx, options.output, data, binary);
    // The bundle carries its own redaction log; the other formats have nowhere to put it.
    if (summary && format !== "bundle") ctx.stderr.write(`${summary}\n`);
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
  );
  return { data, binary, summary };
}
