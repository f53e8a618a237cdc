import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { CliError } from "./errors.js";

function inside(root: string, full: string): boolean {
  const rel = relative(root, full);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Resolves a file path an MCP client asked to write, refusing anything that lands outside `cwd`:
 * `..`, absolute paths elsewhere, and symlinks whose target is elsewhere. An agent's tool call should
 * not be able to overwrite ~/.bashrc, so the directory the server runs in is the whole write scope.
 */
export function resolveInsideCwd(cwd: string, path: string): string {
  const refuse = (why: string) =>
    new CliError("REPLAY_DEVKIT_USAGE", `refusing to write ${JSON.stringify(path)}: ${why}`, {
      hint: `Pass a file path inside ${cwd}, the directory the MCP server runs in, e.g. recordings/bug.fixture.jsonl.`,
    });
  if (path.trim() === "") throw refuse("the path is empty");
  if (path.includes("\0")) throw refuse("the path contains a NUL byte");
  const full = resolve(cwd, path);
  if (!inside(cwd, full)) throw refuse(`it is outside the working directory ${cwd}`);
  // Symlinks are resolved on the longest part of the path that exists; the rest cannot be a link yet.
  let existing = full;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  let realRoot: string;
  let realExisting: string;
  try {
    realRoot = realpathSync(cwd);
    realExisting = realpathSync(existing);
  } catch {
    throw refuse("its folder cannot be resolved");
  }
  const realFull = join(realExisting, relative(existing, full));
  if (!inside(realRoot, realFull)) throw refuse(`a symbolic link leads outside the working directory ${cwd}`);
  return full;
}
