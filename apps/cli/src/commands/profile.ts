import { defineCommand, usageError } from "../command.js";
import { EXIT } from "../errors.js";
import { DATA_OPTION, JSON_OPTION } from "../shared.js";
import { loadTarget } from "../targets.js";

export const profile = defineCommand({
  name: "profile",
  summary: "Show where a recording's bytes go and which settings shrink it (exit 6 over --budget)",
  description:
    "Bytes and events per rrweb event type and incremental source, inlined CSS, data: URLs, the selectors with the most mutation bytes, rates, and the posthog-js setting for each heavy part. " +
    "Bytes are the UTF-8 size of each event's JSON, unpacked and uncompressed. The recording is loaded into memory.",
  positionals: [{ name: "target", description: "Recording id, or a recording file" }],
  options: {
    json: JSON_OPTION,
    budget: {
      type: "string",
      valueName: "rate",
      description:
        "Exit 6 when the recording is over this rate, e.g. 2MB/min, 500KB/min, 50KB/s (1 KB = 1024 B)",
    },
    data: DATA_OPTION,
  },
  examples: [
    "replay-devkit profile 019a…",
    "replay-devkit profile export.json --json",
    "replay-devkit profile 019a… --budget 2MB/min",
  ],
  async run(ctx, { options, positionals }) {
    const target = positionals[0] as string;
    const { parseBudget, profileJson, profileRecording, renderProfile } =
      await import("@replay-devkit/analysis");
    const { formatBytes } = await import("@replay-devkit/codec");
    const budget = options.budget === undefined ? null : parseBudget(options.budget);
    if (options.budget !== undefined && budget === null)
      throw usageError(
        profile,
        `--budget must be a size per time such as 2MB/min, 500KB/min or 50KB/s; got ${JSON.stringify(options.budget)}`,
      );
    const recording = await loadTarget(ctx, options.data, target);
    const report = profileRecording(recording);
    const over = budget !== null && report.bytesPerMinute > budget;
    if (options.json && budget !== null)
      ctx.stdout.write(
        `${JSON.stringify({ ...report, budget: { bytesPerMinute: budget, over } }, null, 2)}\n`,
      );
    else if (options.json) ctx.stdout.write(profileJson(report));
    else ctx.stdout.write(renderProfile(report));
    if (over) {
      ctx.stderr.write(
        `replay-devkit: ${formatBytes(report.bytesPerMinute)}/min, over the --budget of ${formatBytes(budget)}/min [REPLAY_DEVKIT_OVER_BUDGET]\n`,
      );
      return EXIT.FINDINGS;
    }
  },
});
