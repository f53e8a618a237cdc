import type { CommandContext } from "../command.js";
import { devkitSource } from "./devkit-source.js";
import { posthogSource } from "./posthog-source.js";
import type { PullSettings, PullSource, PullTarget } from "./source.js";

/**
 * The dispatch point of `pull`: every place recordings come from, asked in this order. The devkit
 * source (recognised by `GET <--from>/health` answering name "replay-devkit") comes before
 * `posthogSource`, because a devkit URL given with `--from` would otherwise be read as a PostHog host.
 */
export const PULL_SOURCES: readonly PullSource[] = [devkitSource, posthogSource];

export async function resolvePullSource(
  target: PullTarget,
  ctx: CommandContext,
  settings: PullSettings,
): Promise<PullSource | null> {
  for (const source of PULL_SOURCES) {
    if (await source.recognise(target, ctx, settings)) return source;
  }
  return null;
}
