import { defineCommand } from "../command.js";
import { cliVersion } from "../assets.js";
import { CliError } from "../errors.js";
import {
  EXPORT_FORMATS,
  decodeFile,
  encodeRecording,
  prepareForExport,
  writeOutput,
  type ExportFormat,
} from "../shared.js";

export const convert = defineCommand({
  name: "convert",
  summary: "Convert a recording file to another format (offline: no server, no database)",
  description:
    "Reads any format the codec knows and writes posthog, rrweb, bundle, har or html. Like every export path it scrubs secrets and personal data unless --no-scrub is given.",
  positionals: [{ name: "input", description: "Recording file" }],
  options: {
    to: {
      type: "string",
      short: "t",
      valueName: "format",
      description: "posthog, rrweb, bundle, har or html",
      choices: EXPORT_FORMATS,
    },
    output: { type: "string", short: "o", valueName: "file", description: "Output file (- for stdout)" },
    "no-scrub": { type: "boolean", description: "Keep raw values (no privacy scrubbing)" },
  },
  examples: ["replay-devkit convert export.json --to rrweb -o events.json"],
  async run(ctx, { options, positionals }) {
    const input = positionals[0] as string;
    if (!options.to) throw usage("--to is required (posthog, rrweb, bundle, har or html)");
    if (!options.output) throw usage("-o FILE is required (use -o - for stdout)");
    const result = await decodeFile(ctx, input);
    if (result.recordings.length > 1) {
      ctx.stderr.write(
        `${input} holds ${result.recordings.length} recordings; converting the first (${result.recordings[0]?.sessionId}).\n`,
      );
    }
    const source = result.recordings[0];
    if (!source) throw new CliError("REPLAY_DEVKIT_INVALID_INPUT", `${input}: the file holds no recording`);
    const { recording, redactions, summary } = await prepareForExport(source, !options["no-scrub"]);
    const { data, binary } = await encodeRecording(
      recording,
      options.to as ExportFormat,
      [...result.redactions, ...redactions],
      `replay-devkit ${cliVersion()}`,
      !options["no-scrub"],
    );
    const written = await writeOutput(ctx, options.output, data, binary);
    if (summary && options.to !== "bundle") ctx.stderr.write(`${summary}\n`);
    if (written) ctx.stderr.write(`${input} (${result.format}) → ${written} (${options.to})\n`);
  },
});

function usage(message: string): CliError {
  return new CliError("REPLAY_DEVKIT_USAGE", message, {
    hint: "Run `replay-devkit convert --help` for usage.",
  });
}
