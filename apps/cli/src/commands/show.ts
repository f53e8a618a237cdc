import { formatBytes, formatDuration } from "@replay-devkit/codec";
import { defineCommand } from "../command.js";
import { getSummary } from "../recordings.js";
import { DATA_OPTION, JSON_OPTION } from "../shared.js";

export const show = defineCommand({
  name: "show",
  summary: "Show one recording's metadata",
  positionals: [{ name: "id", description: "Recording id (the PostHog $session_id)" }],
  options: { json: JSON_OPTION, data: DATA_OPTION },
  examples: ["replay-devkit show 019a…", "replay-devkit show 019a… --json"],
  async run(ctx, { options, positionals }) {
    const id = positionals[0] as string;
    const summary = await getSummary(ctx, options.data, id);
    if (options.json) {
      ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    const fields: [string, string][] = [
      ["id", summary.id],
      ["distinct id", summary.distinctId ?? "-"],
      ["source", summary.source],
      ["started", summary.startTime],
      ["ended", summary.endTime],
      ["duration", `${formatDuration(summary.durationMs)} (active ${formatDuration(summary.activeMs)})`],
      [
        "events",
        `${summary.eventCount} in ${summary.windowIds.length} window(s), ${formatBytes(summary.sizeBytes)}`,
      ],
      ["activity", `${summary.clickCount} clicks, ${summary.keypressCount} keypresses`],
      [
        "console",
        `${summary.consoleLogCount} logs, ${summary.consoleWarnCount} warnings, ${summary.consoleErrorCount} errors`,
      ],
      ["first url", summary.firstUrl ?? "-"],
      ["urls", summary.urls.length ? summary.urls.join("\n" + " ".repeat(13)) : "-"],
    ];
    ctx.stdout.write(fields.map(([k, v]) => `${k.padEnd(11)}  ${v}`).join("\n") + "\n");
  },
});
