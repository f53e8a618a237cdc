import { parseTimePoint, recordingSpan } from "@replay-devkit/analysis";
import type { Recording } from "@replay-devkit/codec";
import { CliError } from "./errors.js";
import { prepareForExport } from "./shared.js";
import { trimRecording } from "./trim.js";

/** A fixture request's time fields; each interface names them its own way (`--from`, `from`). */
export type FixtureField = "from" | "to";

/**
 * The `fixture` logic without its I/O, shared with the MCP server: trims to from/to, scrubs (unless
 * told not to) and encodes the fixture. `name` spells a field as the caller's interface does and
 * `invalid` turns a message into its usage error.
 */
export async function fixtureText(
  stored: Recording,
  id: string,
  range: { from?: string; to?: string },
  scrub: boolean,
  name: (field: FixtureField) => string,
  invalid: (message: string) => CliError,
): Promise<{ text: string; summary: string | null }> {
  const start = recordingSpan(stored)?.start ?? 0;
  const point = (field: FixtureField): number | null => {
    const text = range[field];
    if (text === undefined) return null;
    const value = parseTimePoint(text, start);
    if (value === null)
      throw invalid(
        `${name(field)} must be an offset like 90s, 1m30s, 01:30 or an ISO time; got ${JSON.stringify(text)}`,
      );
    return value;
  };
  const from = point("from");
  const to = point("to");
  if (from !== null && to !== null && to < from) throw invalid(`${name("to")} is before ${name("from")}`);
  const part = from === null && to === null ? stored : trimRecording(stored, from, to);
  if (part.windows.length === 0) {
    throw new CliError("REPLAY_DEVKIT_INVALID_INPUT", `recording ${id} has no full snapshot in that range`, {
      hint: `Widen ${name("from")}/${name("to")}; \`replay-devkit show ID\` prints the recording's duration.`,
    });
  }
  const { recording, summary } = await prepareForExport(part, scrub);
  const { writeFixture } = await import("@replay-devkit/codec");
  return { text: writeFixture(recording), summary };
}
