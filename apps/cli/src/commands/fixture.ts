import { defineCommand, usageError } from "../command.js";
import { fixtureText } from "../fixture-text.js";
import { DATA_OPTION, loadStored, writeOutput } from "../shared.js";

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
    const { text, summary } = await fixtureText(
      stored,
      id,
      {
        ...(options.from !== undefined && { from: options.from }),
        ...(options.to !== undefined && { to: options.to }),
      },
      !options["no-scrub"],
      (field) => `--${field}`,
      (message) => usageError(fixture, message),
    );
    const written = await writeOutput(ctx, options.output, text, false);
    if (summary) ctx.stderr.write(`${summary}\n`);
    if (written) ctx.stderr.write(`Wrote ${written}\n`);
  },
});
