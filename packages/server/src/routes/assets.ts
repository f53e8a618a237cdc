import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { send, sendJson } from "../http.js";
import { recordingOr404 } from "./recording-lookup.js";

/**
 * `GET /api/assets/:sha256`: one pinned copy, by content. The name is the hash of the bytes, so it
 * never changes: cached as immutable. Served with a sandboxing CSP and nosniff, so an SVG opened on
 * its own cannot run script on the devkit's origin.
 */
export function pinnedAsset(ctx: RouteContext): void {
  const sha256 = (ctx.params.sha256 as string).toLowerCase();
  const asset = ctx.options.store.assets.get(sha256);
  if (!asset)
    throw new HttpError("NOT_FOUND", `No pinned asset with sha256 ${JSON.stringify(sha256.slice(0, 80))}.`);
  send(ctx.res, 200, asset.data, {
    "content-type": asset.contentType === "text/css" ? "text/css; charset=utf-8" : asset.contentType,
    "cache-control": "public, max-age=31536000, immutable",
    etag: `"${asset.sha256}"`,
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
  });
}

/**
 * `GET /api/recordings/:id/assets` → `{assets: [{url, status, sha256, contentType, bytes, reason,
 * firstSeen}], pinnedBytes, counts: {pinned, missing, pending}}`.
 */
export function recordingAssets(ctx: RouteContext): void {
  const id = recordingOr404(ctx).id;
  const { pinnedBytes, ...counts } = ctx.options.store.assets.summary(id);
  sendJson(ctx.res, 200, { assets: ctx.options.store.assets.list(id), counts, pinnedBytes });
}
