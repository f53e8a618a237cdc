import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { checkRelativePath, type ExportTarget } from "./target.js";

/** Temporary files end in this, so the next run can tell a killed run's leftovers from real files. */
const TEMP_SUFFIX = ".replay-devkit-partial";

/** A folder target: each file is written as `.<name>.<pid>.replay-devkit-partial`, then renamed. */
export class FolderTarget implements ExportTarget {
  readonly label: string;

  constructor(private readonly dir: string) {
    this.label = dir;
  }

  async removeLeftovers(): Promise<number> {
    let removed = 0;
    for (const path of await this.walk()) {
      if (!path.endsWith(TEMP_SUFFIX)) continue;
      await rm(join(this.dir, path), { force: true });
      removed++;
    }
    return removed;
  }

  async read(path: string): Promise<Uint8Array | null> {
    try {
      return await readFile(join(this.dir, checkRelativePath(path)));
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return null;
      throw error;
    }
  }

  async write(path: string, bytes: Uint8Array | string): Promise<void> {
    const full = join(this.dir, checkRelativePath(path));
    await mkdir(dirname(full), { recursive: true });
    const temp = join(dirname(full), `.${full.slice(dirname(full).length + 1)}.${process.pid}${TEMP_SUFFIX}`);
    await writeFile(temp, bytes);
    await rename(temp, full);
  }

  async list(): Promise<string[]> {
    return (await this.walk()).filter((p) => !p.endsWith(TEMP_SUFFIX));
  }

  private async walk(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.dir, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return [];
      throw error;
    }
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(this.dir, join(e.parentPath, e.name)).split(sep).join("/"))
      .sort();
  }
}
