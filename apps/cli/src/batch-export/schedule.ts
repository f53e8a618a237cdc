import { parseDuration } from "@replay-devkit/analysis";
import type { RecordingStore } from "@replay-devkit/store";
import { cliVersion } from "../assets.js";
import type { CommandContext } from "../command.js";
import { CliError } from "../errors.js";
import { batchExport } from "./run.js";
import { resolveTarget } from "./targets.js";

const MIN_INTERVAL_MS = 60_000;

/**
 * `serve --batch-export TARGET --every 1h`: the `export --all --to TARGET` job on a timer, in the
 * server process (scrubbed bundles of the recordings idle for `--idle`, idempotent, resumable). One run
 * at a time; a failed run is logged and the next one tries again. With several processes on one
 * database, give the option to one of them.
 */
export async function scheduledExport(
  ctx: CommandContext,
  to: string,
  every: string,
  idle: string,
): Promise<{ start(store: RecordingStore): () => void }> {
  const idleMs = idle === "0" ? 0 : parseDuration(idle);
  if (idleMs === null)
    throw new CliError(
      "REPLAY_DEVKIT_USAGE",
      `--idle must be a duration such as 30m, got ${JSON.stringify(idle)}`,
    );
  const intervalMs = parseDuration(every);
  if (intervalMs === null || intervalMs < MIN_INTERVAL_MS)
    throw new CliError(
      "REPLAY_DEVKIT_USAGE",
      `--every must be a duration of at least 1m, got ${JSON.stringify(every)}`,
      {
        hint: "For example --every 1h or --every 15m.",
      },
    );
  const target = await resolveTarget(to, ctx);
  return {
    start(store) {
      let running = false;
      const run = async () => {
        if (running) return;
        running = true;
        try {
          const report = await batchExport({
            store,
            target,
            format: "bundle",
            scrub: true,
            idleMs,
            filter: {},
            producer: `replay-devkit ${cliVersion()}`,
          });
          ctx.stderr.write(
            `batch export to ${target.label}: ${report.written.length} written, ${report.unchanged} unchanged, ${report.active} still active\n`,
          );
        } catch (error) {
          ctx.stderr.write(
            `batch export to ${target.label} failed: ${error instanceof Error ? error.message : String(error)}\n`,
          );
        } finally {
          running = false;
        }
      };
      void run();
      const timer = setInterval(() => void run(), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
