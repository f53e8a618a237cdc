import type { CommandContext } from "../command.js";
import { formatBytes } from "@replay-devkit/codec";
import { Progress } from "../progress.js";
import type { TransferResult } from "./devkit.js";

/** One line per recording copied, and a progress line on a terminal while they go. */
export async function copyEach(
  ctx: CommandContext,
  ids: readonly string[],
  verb: "push" | "pull",
  copy: (id: string) => Promise<TransferResult>,
  options: { json: boolean; progress: boolean },
): Promise<TransferResult[]> {
  const progress = new Progress(ctx.stderr, options.progress && !options.json);
  const results: TransferResult[] = [];
  for (const [index, id] of ids.entries()) {
    progress.update(`${verb} ${index + 1}/${ids.length} ${id}…`);
    const result = await copy(id);
    results.push(result);
    progress.done();
    if (!options.json) ctx.stderr.write(`${describe(result)}\n`);
  }
  if (options.json) ctx.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
  else if (ids.length > 1) {
    const changed = results.filter((r) => r.outcome !== "up-to-date").length;
    ctx.stderr.write(`${verb}: ${changed} of ${ids.length} recording(s) copied, the rest up to date\n`);
  }
  return results;
}

function describe(result: TransferResult): string {
  if (result.outcome === "up-to-date") return `${result.id}: up to date`;
  const parts = [`${result.events} events`];
  if (result.posthogEvents > 0) parts.push(`${result.posthogEvents} PostHog events`);
  parts.push(formatBytes(result.bytes));
  return `${result.id}: ${result.outcome} (${parts.join(", ")})`;
}
