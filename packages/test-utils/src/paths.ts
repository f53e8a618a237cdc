import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace root (the folder holding pnpm-workspace.yaml). */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** ../shared/fixtures next to the repo, or REPLAY_DEVKIT_SHARED_FIXTURES. Read-only: never write there. */
export const SHARED_FIXTURES =
  process.env.REPLAY_DEVKIT_SHARED_FIXTURES ??
  [resolve(REPO_ROOT, "..", "shared", "fixtures"), "/work/shared/fixtures"].find((dir) => existsSync(dir)) ??
  resolve(REPO_ROOT, "..", "shared", "fixtures");

export const CAPTURE_FIXTURES = join(SHARED_FIXTURES, "posthog-js-capture");
export const PUBLIC_FIXTURES = join(SHARED_FIXTURES, "public");

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`pnpm-workspace.yaml not found above ${start}`);
    dir = parent;
  }
}
