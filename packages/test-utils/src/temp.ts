import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempDir {
  path: string;
  [Symbol.dispose](): void;
  cleanup(): void;
}

/** A fresh temp directory; `using dir = tempDir()` or call `cleanup()`. */
export function tempDir(prefix = "replay-devkit-"): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const cleanup = () => rmSync(path, { recursive: true, force: true });
  return { path, cleanup, [Symbol.dispose]: cleanup };
}
