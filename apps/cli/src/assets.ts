import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding the CLI's package.json. The sources (src/*.ts) and the bundle's entry
 * (dist/cli.js) sit one level below it, but esbuild moves this module into dist/chunks/ as soon as a
 * lazily loaded chunk shares it, so the depth is found rather than assumed.
 */
const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  let dir = from;
  for (let depth = 0; depth < 4; depth++) {
    const parent = dirname(dir);
    try {
      const pkg = JSON.parse(readFileSync(join(parent, "package.json"), "utf8")) as { name?: unknown };
      if (pkg.name === "replay-devkit") return parent;
    } catch {
      // No package.json here; keep walking up.
    }
    if (parent === dir) break;
    dir = parent;
  }
  return dirname(from);
}

let cachedVersion: string | undefined;

/** The CLI's own version, read from its package.json so the bundle and the sources agree. */
export function cliVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
        version?: unknown;
      };
      cachedVersion = typeof pkg.version === "string" ? pkg.version : "0.0.0";
    } catch {
      cachedVersion = "0.0.0";
    }
  }
  return cachedVersion;
}

/** The inspector's static export copied in by build.mjs; null when this install has none. */
export function inspectorDir(): string | null {
  const dir = join(PACKAGE_ROOT, "inspector");
  return existsSync(join(dir, "index.html")) ? dir : null;
}

/** The video renderer's browser files copied in by build.mjs; null when running from the sources. */
export function videoLibDir(): string | null {
  const dir = join(PACKAGE_ROOT, "video-lib");
  return existsSync(dir) ? dir : null;
}

/** posthog-js's `dist`, served under /static/ so a script-tag snippet needs no CDN. Null when not installed. */
export function posthogJsDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve("posthog-js/package.json")), "dist");
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

export function posthogJsVersion(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve("posthog-js/package.json"), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : null;
  } catch {
    return null;
  }
}
