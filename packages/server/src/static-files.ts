import { createReadStream, promises as fs } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import type { ServerResponse } from "node:http";
import { HttpError } from "./errors.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
};

/**
 * Checks decoded path segments before they touch the file system: no parent or current-directory
 * segments, no separators or NUL smuggled in through percent-encoding, no hidden files.
 */
export function safeSegments(segments: readonly string[]): string[] {
  for (const segment of segments) {
    if (segment === "" || segment.startsWith(".") || /[/\\\0]/.test(segment) || /^[a-zA-Z]:/.test(segment)) {
      throw new HttpError(
        "INVALID_PATH",
        "The path has a segment that is not allowed (.., hidden names, separators or NUL).",
      );
    }
  }
  return [...segments];
}

/** Resolves a file strictly inside `root`, following symlinks only if they stay inside. Null when absent. */
export async function findFile(
  root: string,
  segments: readonly string[],
): Promise<{ path: string; size: number } | null> {
  const base = resolve(root);
  const candidate = resolve(join(base, ...safeSegments(segments)));
  if (candidate !== base && !candidate.startsWith(base + sep)) return null;
  try {
    const [realBase, realFile] = await Promise.all([fs.realpath(base), fs.realpath(candidate)]);
    if (realFile !== realBase && !realFile.startsWith(realBase + sep)) return null;
    const stat = await fs.stat(realFile);
    return stat.isFile() ? { path: realFile, size: stat.size } : null;
  } catch {
    return null;
  }
}

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

export function sendFile(
  res: ServerResponse,
  file: { path: string; size: number },
  status = 200,
  cacheControl = "no-cache",
): Promise<void> {
  return new Promise((resolvePromise) => {
    res.writeHead(status, {
      "content-type": contentTypeOf(file.path),
      "content-length": String(file.size),
      "cache-control": cacheControl,
      "x-content-type-options": "nosniff",
    });
    if (res.req.method === "HEAD") {
      res.end();
      resolvePromise();
      return;
    }
    const stream = createReadStream(file.path);
    stream.on("error", () => {
      res.destroy();
      resolvePromise();
    });
    res.on("close", () => {
      stream.destroy();
      resolvePromise();
    });
    stream.pipe(res);
  });
}
