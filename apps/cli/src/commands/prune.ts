import { parseDuration } from "@replay-devkit/analysis";
import { defineCommand, usageError } from "../command.js";
import { DATA_OPTION, JSON_OPTION, withDataStore } from "../shared.js";

export const prune = defineCommand({
  name: "prune",
  summary: "Delete recordings older than a duration (7d, 12h, 30m, 2w)",
  positionals: [],
  options: {
    "older-than": { type: "string", valueName: "duration", description: "Age limit, e.g. 7d, 12h, 30m, 2w" },
    json: JSON_OPTION,
    data: DATA_OPTION,
  },
  examples: ["replay-devkit prune --older-than 7d"],
  async run(ctx, { options }) {
    const text = options["older-than"];
    if (!text) throw usageError(prune, "--older-than is required, e.g. --older-than 7d");
    const ms = parseDuration(text);
    if (ms === null)
      throw usageError(prune, `--older-than must look like 7d, 12h, 30m or 2w; got ${JSON.stringify(text)}`);
    const cutoff = new Date(Date.now() - ms);
    const deleted = (await withDataStore(ctx, options.data, "read", (s) => s.pruneOlderThan(cutoff))) ?? 0;
    if (options.json) ctx.stdout.write(`${JSON.stringify({ deleted, olderThan: cutoff.toISOString() })}\n`);
    else ctx.stderr.write(`Deleted ${deleted} recording(s) older than ${cutoff.toISOString()}\n`);
  },
});
