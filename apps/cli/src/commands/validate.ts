import { defineCommand, type CommandContext } from "../command.js";
import { CliError, toCliError } from "../errors.js";
import { DEFAULT_MAX_FILE_BYTES, JSON_OPTION, decodeFile, readInputFile } from "../shared.js";

export const validate = defineCommand({
  name: "validate",
  summary: "Check that a file is a readable recording (exit 0 if valid, 4 if not)",
  description:
    "A bundle has every checksum checked, also where the content still parses; each file that differs from its manifest is listed by its path inside the zip.",
  positionals: [{ name: "file", description: "Recording file" }],
  options: { json: JSON_OPTION },
  examples: ["replay-devkit validate export.json", "replay-devkit validate bug.replay-bundle.zip --json"],
  async run(ctx, { options, positionals }) {
    const file = positionals[0] as string;
    await checkBundleFiles(ctx, file, options.json === true);
    const result = await decodeFile(ctx, file, DEFAULT_MAX_FILE_BYTES);
    const recordings = result.recordings.map((rec) => ({
      sessionId: rec.sessionId,
      windows: rec.windows.length,
      events: rec.windows.reduce((sum, w) => sum + w.events.length, 0),
      posthogEvents: rec.posthogEvents.length,
    }));
    if (options.json) {
      ctx.stdout.write(
        `${JSON.stringify({ valid: true, file, format: result.format, formatVersion: result.formatVersion, recordings }, null, 2)}\n`,
      );
      return;
    }
    const version = result.formatVersion ? ` ${result.formatVersion}` : "";
    const parts = recordings.map((r) => `${r.sessionId} (${r.events} events in ${r.windows} window(s))`);
    ctx.stdout.write(`${file}: valid ${result.format}${version}: ${parts.join(", ")}\n`);
  },
});

/** For a bundle: every file against the manifest's size and sha256, all of them named on failure. */
async function checkBundleFiles(ctx: CommandContext, file: string, json: boolean): Promise<void> {
  const bytes = await readInputFile(ctx, file, DEFAULT_MAX_FILE_BYTES);
  const { checkBundle, sniffFormat, DEFAULT_LIMITS } = await import("@replay-devkit/codec");
  let format: string;
  try {
    format = sniffFormat(bytes);
  } catch {
    return; // Not a file the codec recognises: decodeFile says why, naming the file.
  }
  if (format !== "bundle") return;
  let check;
  try {
    check = await checkBundle(bytes, {
      ...DEFAULT_LIMITS,
      maxDecompressedBytes: Math.max(DEFAULT_MAX_FILE_BYTES, 64 << 20),
    });
  } catch (error) {
    throw toCliError(error, file);
  }
  if (check.problems.length === 0) return;
  if (json) {
    ctx.stdout.write(
      `${JSON.stringify({ valid: false, file, format: "bundle", formatVersion: String(check.formatVersion), problems: check.problems }, null, 2)}\n`,
    );
  } else {
    for (const p of check.problems) ctx.stdout.write(`${file}: ${p.path} ${p.message}\n`);
  }
  const n = check.problems.length;
  throw new CliError(
    "REPLAY_DEVKIT_INVALID_INPUT",
    `${file}: ${n} file${n === 1 ? "" : "s"} of ${check.checked} differ${n === 1 ? "s" : ""} from the manifest (${check.problems.map((p) => p.path).join(", ")})`,
    { hint: "The bundle was modified or damaged; export it again from the source." },
  );
}
