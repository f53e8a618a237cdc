import { defineCommand, usageError } from "../command.js";
import { EXIT } from "../errors.js";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { CommandContext } from "../command.js";
import { DATA_OPTION, JSON_OPTION, openDataStore } from "../shared.js";
import { loadTarget } from "./timeline.js";

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
    const { parseBudget, profileRecording, renderProfile, formatSize } = await import("../profile.js");
    const budget = options.budget === undefined ? null : parseBudget(options.budget);
    if (options.budget !== undefined && budget === null)
      throw usageError(
        profile,
        `--budget must be a size per time such as 2MB/min, 500KB/min or 50KB/s; got ${JSON.stringify(options.budget)}`,
      );
    const recording = await loadTarget(ctx, options.data, target);
    const report = {
      ...profileRecording(recording),
      pinnedAssets: existsSync(resolve(ctx.cwd, target))
        ? null
        : await pinnedAssetCounts(ctx, options.data, target),
    };
    const over = budget !== null && report.bytesPerMinute > budget;
    if (options.json)
      ctx.stdout.write(
        `${JSON.stringify({ ...report, ...(budget !== null && { budget: { bytesPerMinute: budget, over } }) }, null, 2)}\n`,
      );
    else {
      ctx.stdout.write(renderProfile(report));
      const a = report.pinnedAssets;
      if (a && a.pinned + a.missing + a.pending > 0)
        ctx.stdout.write(
          `\nPinned assets: ${a.pinned} (${formatSize(a.pinnedBytes)}), ${a.missing} missing, ${a.pending} pending; not counted above (kept beside the events)\n`,
        );
    }
    if (over) {
      ctx.stderr.write(
        `replay-devkit: ${formatSize(report.bytesPerMinute)}/min, over the --budget of ${formatSize(budget)}/min [REPLAY_DEVKIT_OVER_BUDGET]\n`,
      );
      return EXIT.FINDINGS;
    }
  },
});

/** Copies of the recording's assets `dev` pinned: their count and bytes (kept apart from the events). */
async function pinnedAssetCounts(ctx: CommandContext, data: string | undefined, id: string) {
  const store = await openDataStore(ctx, data, "read");
  if (!store) return null;
  try {
    return store.assets.summary(id);
  } finally {
    store.close();
  }
}
