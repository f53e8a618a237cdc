import { resolve } from "node:path";
import type { CommandContext } from "../command.js";
import { FolderTarget } from "./folder-target.js";
import type { ExportTarget } from "./target.js";

/** `--to` / `--from`: a folder path (relative to the working directory). */
export async function resolveTarget(text: string, ctx: CommandContext): Promise<ExportTarget> {
  return new FolderTarget(resolve(ctx.cwd, text));
}
