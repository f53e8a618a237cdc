/**
 * Where a batch export goes: a folder or an S3 prefix. Paths are relative, `/`-separated. Writes are
 * atomic (a reader never sees half a file): a folder writes a temporary name and renames it, S3 puts
 * the object in one request.
 */
export interface ExportTarget {
  /** Shown in messages (`/backups/replays`, `s3://bucket/prefix`). */
  readonly label: string;
  /** Removes what a killed run left behind (temporary files); resolves to how many. */
  removeLeftovers(): Promise<number>;
  /** The file's bytes, or null when there is none. */
  read(path: string): Promise<Uint8Array | null>;
  write(path: string, bytes: Uint8Array | string): Promise<void>;
  /** Every file below the target (relative paths), for `import --from`. */
  list(): Promise<string[]>;
}

/** A relative path that stays inside the target: no `..`, no absolute paths, no empty parts. */
export function checkRelativePath(path: string): string {
  const parts = path.split("/");
  if (path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..") || path.includes("\\")) {
    throw new Error(`not a safe relative path: ${JSON.stringify(path)}`);
  }
  return path;
}
