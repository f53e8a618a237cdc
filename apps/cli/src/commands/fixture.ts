import type { Recording } from "@replay-devkit/codec";
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
    const { text, summary } = await fixtureText(
      stored,
      id,
      {
        ...(options.from !== undefined && { from: options.from }),
        ...(options.to !== undefined && { to: options.to }),
      },
      !options["no-scrub"],
      (message) => usageError(fixture, message),
    );
    const written = await writeOutput(ctx, options.output, text, false);
    if (summary) ctx.stderr.write(`${summary}\n`);
    if (written) ctx.stderr.write(`Wrote ${written}\n`);
  },
});

/**
 * The command's logic without its I/O, shared with the MCP server: trims to --from/--to, scrubs
 * (unless told not to) and encodes the fixture. `invalid` words a bad time for the caller's interface.
 */
export async function fixtureText(
  stored: Recording,
  id: string,
  range: { from?: string; to?: string },
  scrub: boolean,
  invalid: (message: string) => CliError,
): Promise<{ text: string; summary: string | null }> {
  const start = firstTimestamp(stored) ?? 0;
  const point = (name: "from" | "to"): number | null => {
    const text = range[name];
    if (text === undefined) return null;
    const value = parseTimePoint(text, start);
    if (value === null)
      throw invalid(
        `--${name} must be an offset like 90s, 1m30s, 01:30 or an ISO time; got ${JSON.stringify(text)}`,
      );
    return value;
  };
  const from = point("from");
  const to = point("to");
  if (from !== null && to !== null && to < from) throw invalid("--to is before --from");
  const part = from === null && to === null ? stored : trimRecording(stored, from, to);
  if (part.windows.length === 0) {
    throw new CliError("REPLAY_DEVKIT_INVALID_INPUT", `recording ${id} has no full snapshot in that range`, {
      hint: "Widen --from/--to; `replay-devkit show ID` prints the recording's duration.",
    });
  }
  const { recording, summary } = await prepareForExport(part, scrub);
  const { writeFixture } = await import("@replay-devkit/codec");
  return { text: writeFixture(recording), summary };
}
