import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { isAnalysisError, type AnalysisField } from "@replay-devkit/analysis";
import type { Recording } from "@replay-devkit/codec";
import type { CommandContext } from "./command.js";
import { CliError } from "./errors.js";
import { decodeFile, loadStored } from "./shared.js";

/** Loads a recording from a file when the path exists, else from the store by id. */
export async function loadTarget(
  ctx: CommandContext,
  data: string | undefined,
  target: string,
): Promise<Recording> {
  // A path that exists wins over an id: ids never contain path separators, files usually do.
  const recording = existsSync(resolve(ctx.cwd, target))
    ? (await decodeFile(ctx, target)).recordings[0]
    : await loadStored(ctx, data, target);
  if (!recording) throw new CliError("REPLAY_DEVKIT_INVALID_INPUT", `${target}: the file holds no recording`);
  return recording;
}

/**
 * Runs an analysis call, turning its `AnalysisError` (which names a request field, never an
 * interface's option) into the caller's usage error; `phrase` names the field its own way.
 */
export function analysisUsage(phrase: (field: AnalysisField, message: string) => CliError) {
  return <T>(call: () => T): T => {
    try {
      return call();
    } catch (error) {
      if (isAnalysisError(error)) throw phrase(error.field, error.message);
      throw error;
    }
  };
}
