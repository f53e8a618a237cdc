import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { send } from "../http.js";
import { findFile, safeSegments, sendFile } from "../static-files.js";

const NO_INSPECTOR_PAGE = `<!doctype html><meta charset="utf-8"><title>replay-devkit</title>
<p>replay-devkit is running. The inspector is not bundled with this server; the JSON API is at
<a href="/api/recordings">/api/recordings</a>.</p>\n`;

/**
 * The inspector's static export (`out/`) for any GET no other route took. Next's export writes
 * `recording.html` or `recording/index.html` depending on trailingSlash, so both are tried, as is
 * the bare file; `404.html` answers the rest when it exists.
 */
export async function inspectorStatic(ctx: RouteContext): Promise<void> {
  const dir = ctx.options.inspectorDir;
  // Unknown API paths answer JSON, never an HTML page a client would fail to parse.
  if (ctx.segments[0] === "api")
    throw new HttpError("NOT_FOUND", `No API route ${ctx.pathname}; see the server README for the API.`);
  const segments = safeSegments(ctx.segments);
  if (!dir) {
    if (segments.length === 0) {
      send(ctx.res, 200, NO_INSPECTOR_PAGE, { "content-type": "text/html; charset=utf-8" });
      return;
    }
    throw new HttpError("NOT_FOUND", `No route for ${ctx.pathname}; see the server README for the API.`);
  }
  const last = segments[segments.length - 1];
  const candidates: string[][] = [];
  if (segments.length === 0) candidates.push(["index.html"]);
  else {
    if (!ctx.pathname.endsWith("/")) candidates.push(segments);
    candidates.push([...segments.slice(0, -1), `${last}.html`], [...segments, "index.html"]);
  }
  for (const candidate of candidates) {
    const file = await findFile(dir, candidate);
    if (file) {
      // Next puts content hashes in _next/static names, so those may be cached for good.
      const immutable = segments[0] === "_next" && segments[1] === "static";
      await sendFile(ctx.res, file, 200, immutable ? "public, max-age=31536000, immutable" : "no-cache");
      return;
    }
  }
  const accept = String(ctx.req.headers.accept ?? "");
  const notFoundPage = accept.includes("text/html") ? await findFile(dir, ["404.html"]) : null;
  if (notFoundPage) {
    await sendFile(ctx.res, notFoundPage, 404);
    return;
  }
  throw new HttpError("NOT_FOUND", `No file or route for ${ctx.pathname}.`);
}
