import { apiPath } from "@replay-devkit/api";
import { rewriteAssetUrls } from "@replay-devkit/codec";
import type { WindowEvent } from "@replay-devkit/store";
import { GRANT_PARAM } from "./auth.js";
import type { RouteContext } from "./context.js";
import { HttpError } from "./errors.js";

/**
 * `?assets=pinned` on the events routes: the stream the inspector and embed play, with every pinned
 * asset URL pointing at this server's copy (`/api/recordings/:id/assets/:sha256`, root-relative so it
 * works behind any proxy; a share link's grant travels along). Without it the events are exactly
 * as recorded: the PostHog and rrweb exports never rewrite, they stay lossless.
 */
export async function pinnedRewrite(
  ctx: RouteContext,
  id: string,
): Promise<(item: WindowEvent) => WindowEvent> {
  const mode = ctx.query.get("assets");
  if (mode === null || mode === "" || mode === "original") return (item) => item;
  if (mode !== "pinned")
    throw new HttpError("INVALID_QUERY", "Query parameter assets must be pinned or original.");
  const pinned = await ctx.options.store.assets.pinned(id);
  if (pinned.length === 0) return (item) => item;
  const grant = ctx.query.get(GRANT_PARAM);
  const suffix = grant === null ? "" : `?${GRANT_PARAM}=${encodeURIComponent(grant)}`;
  const map = new Map(pinned.map((a) => [a.url, `${apiPath("asset", { id, sha256: a.sha256 })}${suffix}`]));
  const resolve = (url: string) => map.get(url);
  return (item) => {
    const event = rewriteAssetUrls(item.event, resolve);
    return event === item.event ? item : { ...item, event };
  };
}
