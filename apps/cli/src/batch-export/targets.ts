import { resolve } from "node:path";
import type { CommandContext } from "../command.js";
import { FolderTarget } from "./folder-target.js";
import type { ExportTarget } from "./target.js";

/** `--to` / `--from`: `s3://BUCKET/PREFIX`, or a folder path (relative to the working directory). */
export async function resolveTarget(text: string, ctx: CommandContext): Promise<ExportTarget> {
  if (/^s3:\/\//i.test(text)) {
    const { s3Target } = await import("./s3-target.js");
    return s3Target(text, ctx.env);
  }
  return new FolderTarget(resolve(ctx.cwd, text));
}
