// Copies the browser builds the render page loads (rrweb's UMD build and CSS, mp4-muxer, gifenc)
// into dist/lib, so the built package (and the CLI bundle, which copies dist/lib) needs no resolver.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
// Direct dependencies are linked in this package's node_modules (mp4-muxer exports no package.json).
const pkg = (name) => join(root, "node_modules", name);
const out = join(root, "dist", "lib");
mkdirSync(out, { recursive: true });
const files = {
  "rrweb.umd.cjs": join(pkg("rrweb"), "dist", "rrweb.umd.cjs"),
  "rrweb.css": join(pkg("rrweb"), "dist", "style.css"),
  "mp4-muxer.mjs": join(pkg("mp4-muxer"), "build", "mp4-muxer.mjs"),
  "gifenc.esm.js": join(pkg("gifenc"), "dist", "gifenc.esm.js"),
};
for (const [name, from] of Object.entries(files)) copyFileSync(from, join(out, name));
