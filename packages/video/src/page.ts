import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The render page and the few files it loads, served on 127.0.0.1 (a secure context, so WebCodecs
 * exists) by a server that lives for one render. Nothing else is reachable from the page: the
 * renderer aborts every other request, so a replay never calls the recorded app.
 */

/** Browser builds the page loads, copied next to dist/ by build-page.mjs (the CLI copies them too). */
export const LIB_FILES = ["rrweb.umd.cjs", "rrweb.css", "mp4-muxer.mjs", "gifenc.esm.js"] as const;

/** Where the lib files are: `dir`, else dist/lib next to this module (built) or the sources' dist/lib. */
export function findLibDir(dir?: string): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [dir, join(here, "lib"), join(here, "..", "dist", "lib")]) {
    if (candidate && LIB_FILES.every((f) => existsSync(join(candidate, f)))) return candidate;
  }
  return null;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>replay-devkit render</title>
<link rel="stylesheet" href="/lib/rrweb.css">
<style>
html, body { margin: 0; background: #fff; overflow: hidden; }
#stage { position: absolute; left: 0; top: 0; }
.replayer-mouse, .replayer-mouse-tail { display: none !important; }
</style>
<script src="/lib/rrweb.umd.cjs"></script>
<script type="module">
import * as M from "/lib/mp4-muxer.mjs";
import * as G from "/lib/gifenc.esm.js";
window.__rd = { M, G };
</script>
</head><body><div id="stage"></div></body></html>`;

const TYPES: Record<string, string> = {
  ".cjs": "text/javascript",
  ".mjs": "text/javascript",
  ".js": "text/javascript",
  ".css": "text/css",
};

export interface RenderServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves the page, the lib files, the events as JSON and the pinned assets by sha256. */
export async function startRenderServer(
  libDir: string,
  assets: ReadonlyMap<string, { contentType: string; data: Uint8Array }>,
  /** The events as JSON, given the server's origin (pinned asset URLs point at it). */
  eventsFor: (origin: string) => string,
): Promise<RenderServer> {
  let eventsJson = "";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
      return;
    }
    if (path === "/events.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(eventsJson);
      return;
    }
    const lib = /^\/lib\/([\w.-]+)$/.exec(path)?.[1];
    if (lib && (LIB_FILES as readonly string[]).includes(lib)) {
      const ext = lib.slice(lib.lastIndexOf("."));
      res
        .writeHead(200, { "content-type": TYPES[ext] ?? "application/octet-stream" })
        .end(readFileSync(join(libDir, lib)));
      return;
    }
    const sha = /^\/assets\/([0-9a-f]{64})$/.exec(path)?.[1];
    const asset = sha ? assets.get(sha) : undefined;
    if (asset) {
      res.writeHead(200, { "content-type": asset.contentType }).end(asset.data);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  eventsJson = eventsFor(origin);
  return {
    origin,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
