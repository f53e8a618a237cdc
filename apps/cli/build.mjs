// Bundles the CLI and every @replay-devkit/* workspace package it uses into dist/, and copies the
// inspector's static export next to it, so the published tarball needs only its real dependencies.
import { cpSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const inspectorOut = join(root, "..", "inspector", "out");

if (!existsSync(join(inspectorOut, "index.html"))) {
  console.error(
    `replay-devkit build: the inspector is not built (${inspectorOut}/index.html is missing).\n` +
      "Run `pnpm --filter @replay-devkit/inspector build` first (turbo does this for `pnpm build`).",
  );
  process.exit(1);
}

rmSync(join(root, "dist"), { recursive: true, force: true });
await build({
  entryPoints: {
    cli: join(root, "src", "main.ts"),
    // The server renders exports in worker threads and finds this file next to its chunk's folder.
    "export-worker": createRequire(import.meta.url).resolve("@replay-devkit/server/export-worker"),
  },
  outdir: join(root, "dist"),
  bundle: true,
  // Split chunks let `--help` and the offline commands skip loading the server and the database.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Real dependencies: a native addon, and the browser SDK whose files are served as-is.
  // playwright-core drives chromium for `export --format mp4|gif`, loaded only there.
  external: ["better-sqlite3", "posthog-js", "playwright-core"],
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
  // Some bundled dependencies use require(); ESM output needs one in scope.
  banner: {
    js: 'import { createRequire as __rdCreateRequire } from "node:module"; const require = __rdCreateRequire(import.meta.url);',
  },
});

rmSync(join(root, "inspector"), { recursive: true, force: true });
cpSync(inspectorOut, join(root, "inspector"), { recursive: true });
// The video render page's browser files (rrweb, mp4-muxer, gifenc), built by @replay-devkit/video.
const videoLib = join(root, "..", "..", "packages", "video", "dist", "lib");
rmSync(join(root, "video-lib"), { recursive: true, force: true });
cpSync(videoLib, join(root, "video-lib"), { recursive: true });
console.log("replay-devkit build: dist/cli.js, dist/export-worker.js and inspector/ ready");
