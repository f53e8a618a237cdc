import { formatDuration } from "@replay-devkit/codec";
import { defineCommand, parseIntegerOption, usageError } from "../command.js";
import { queryRecordings } from "../recordings.js";
import { DATA_OPTION, JSON_OPTION } from "../shared.js";

export const list = defineCommand({
  name: "list",
  summary: "List stored recordings, newest first",
  positionals: [],
  options: {
    json: JSON_OPTION,
    data: DATA_OPTION,
    limit: { type: "string", valueName: "n", description: "At most this many (1-1000)", default: "100" },
    url: {
      type: "string",
      valueName: "text",
      description: "Only recordings that visited a URL containing this",
    },
    sort: {
      type: "string",
      valueName: "order",
      description:
        "newest, oldest, longest, shortest, updated, or FIELD:asc|desc (startTime, durationMs, activeMs, firstUrl, distinctId, clickCount, keypressCount, consoleErrorCount, sizeBytes, updatedAt)",
      default: "newest",
    },
  },
  examples: [
    "replay-devkit list",
    "replay-devkit list --json --url /checkout",
    "replay-devkit list --sort consoleErrorCount:desc",
  ],
  async run(ctx, { options }) {
    const limit = parseIntegerOption(list, "limit", options.limit, 1, 1000);
    // The store owns the orders it can run; loaded lazily so other commands start without SQLite.
    const { RECORDING_SORTS } = await import("@replay-devkit/store");
    const sort = RECORDING_SORTS.find((s) => s === options.sort);
    if (sort === undefined)
      throw usageError(
        list,
        `--sort must be one of ${RECORDING_SORTS.join(", ")}; got ${JSON.stringify(options.sort)}`,
      );
    const result = await queryRecordings(ctx, options.data, {
      limit,
      sort,
      ...(options.url ? { url: options.url } : {}),
    });
    if (options.json) {
      ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    if (result.recordings.length === 0) {
      ctx.stderr.write(
        "No recordings yet. Start `replay-devkit dev` and point posthog-js at it, or `replay-devkit import FILE`.\n",
      );
      return;
    }
    const rows = result.recordings.map((r) => [
      r.id,
      r.startTime.replace("T", " ").replace(/\.\d+Z$/, "Z"),
      formatDuration(r.durationMs),
      String(r.eventCount),
      String(r.consoleErrorCount),
      r.firstUrl ?? "",
    ]);
    ctx.stdout.write(table(["ID", "STARTED", "DURATION", "EVENTS", "ERRORS", "FIRST URL"], rows));
    if (result.total > result.recordings.length) {
      ctx.stderr.write(`Showing ${result.recordings.length} of ${result.total}; use --limit for more.\n`);
    }
  },
});

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}
