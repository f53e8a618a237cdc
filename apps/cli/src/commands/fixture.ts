import { defineCommand, usageError } from "../command.js";
import { CliError } from "../errors.js";
import { firstTimestamp, parseTimePoint, trimRecording } from "../trim.js";
import { DATA_OPTION, loadStored, prepareForExport, writeOutput } from "../shared.js";

export const fixture = defineCommand({
  name: "fixture",
  summary: "Write a stored recording as a scrubbed regression fixture for vitest + msw",
  description:
    "--from/--to take an offset from the recording's start (90s, 1m30s, 01:30) or an ISO time; each window then starts at its last full snapshot before --from so it can still be rebuilt.",
  positionals: [{ name: "id", description: "Recording id" }],
  options: {
    output: {
      type: "string",
      short: "o",
      valueName: "file",
      description: "Fixture file to write (- for stdout)",
    },
    from: { type: "string", valueName: "time", description: "Start of the part to keep" },
    to: { type: "string", valueName: "time", description: "End of the part to keep" },
    "no-scrub": { type: "boolean", description: "Keep raw values (no privacy scrubbing)" },
    data: DATA_OPTION,
  },
  examples: ["replay-devkit fixture 019a… -o test/fixtures/checkout.fixture.jsonl --from 5s --to 40s"],
  async run(ctx, { options, positionals }) {
    const id = positionals[0] as string;
    if (!options.output) throw usageError(fixture, "-o FILE is required (use -o - for stdout)");
    const stored = await loadStored(ctx, options.data, id);
    const start = firstTimestamp(stored) ?? 0;
    const point = (name: "from" | "to"): number | null => {
      const text = options[name];
      if (text === undefined) return null;
      const value = parseTimePoint(text, start);
      if (value === null)
        throw usageError(
          fixture,
          `--${name} must be an offset like 90s, 1m30s, 01:30 or an ISO time; got ${JSON.stringify(text)}`,
        );
      return value;
    };
    const from = point("from");
    const to = point("to");
    if (from !== null && to !== null && to < from) throw usageError(fixture, "--to is before --from");
    const part = from === null && to === null ? stored : trimRecording(stored, from, to);
    if (part.windows.length === 0) {
      throw new CliError(
        "REPLAY_DEVKIT_INVALID_INPUT",
        `recording ${id} has no full snapshot in that range`,
        {
          hint: "Widen --from/--to; `replay-devkit show ID` prints the recording's duration.",
        },
      );
    }
    const { recording, summary } = await prepareForExport(part, !options["no-scrub"]);
    const { writeFixture } = await import("@replay-devkit/codec");
    const written = await writeOutput(ctx, options.output, writeFixture(recording), false);
    if (summary) ctx.stderr.write(`${summary}\n`);
    if (written) ctx.stderr.write(`Wrote ${written}\n`);
  },
});
