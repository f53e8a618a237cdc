import type { RecordingAssetsResponse } from "@replay-devkit/api";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { send, sendJson } from "../http.js";
import { recordingOr404 } from "./recording-lookup.js";

/**
 * `GET /api/recordings/:id/assets/:sha256`: one pinned copy, by content, and only one this
 * recording points at (a share grant for one recording reads nothing else). The name is the hash
 * of the bytes, so it never changes: cached as immutable. Served with a sandboxing CSP and nosniff,
 * so an SVG opened on its own cannot run script on the devkit's origin.
 */
export async function pinnedAsset(ctx: RouteContext): Promise<void> {
  const id = (await recordingOr404(ctx)).id;
  const sha256 = (ctx.params.sha256 as string).toLowerCase();
  const store = ctx.options.store;
  const mine = (await store.assets.pinned(id)).some((a) => a.sha256 === sha256);
  const asset = mine ? await store.assets.get(sha256) : null;
  if (!asset)
    throw new HttpError(
      "NOT_FOUND",
      `Recording ${JSON.stringify(id.slice(0, 200))} has no pinned asset with sha256 ${JSON.stringify(sha256.slice(0, 80))}.`,
    );
  send(ctx.res, 200, asset.data, {
    "content-type": asset.contentType === "text/css" ? "text/css; charset=utf-8" : asset.contentType,
    "cache-control": "private, max-age=31536000, immutable",
    etag: `"${asset.sha256}"`,
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
  });
}

/**
 * `GET /api/recordings/:id/assets` → `{assets: [{url, status, sha256, contentType, bytes, reason,
 * firstSeen}], counts: {pinned, missing, pending}, pinnedBytes}`.
 */
export async function recordingAssets(ctx: RouteContext): Promise<void> {
  const id = (await recordingOr404(ctx)).id;
  const assets = await ctx.options.store.assets.list(id);
  const { pinnedBytes, ...counts } = await ctx.options.store.assets.summary(id);
  sendJson(ctx.res, 200, { assets, counts, pinnedBytes } satisfies RecordingAssetsResponse);
}
