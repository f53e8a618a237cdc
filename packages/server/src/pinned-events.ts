import { rewriteAssetUrls } from "@replay-devkit/codec";
import type { WindowEvent } from "@replay-devkit/store";
import type { RouteContext } from "./context.js";
import { HttpError } from "./errors.js";

/**
 * `?assets=pinned` on the events routes: the stream the inspector and embed play, with every pinned
 * asset URL pointing at `/api/assets/<sha256>` on this server. Without it the events are exactly as
 * recorded (the PostHog and rrweb exports never rewrite: they stay lossless).
 */
export function pinnedRewrite(ctx: RouteContext, id: string): (item: WindowEvent) => WindowEvent {
  const mode = ctx.query.get("assets");
  if (mode === null || mode === "" || mode === "original") return (item) => item;
  if (mode !== "pinned")
    throw new HttpError("INVALID_QUERY", "Query parameter assets must be pinned or original.");
  const pinned = ctx.options.store.assets.pinned(id);
  if (pinned.length === 0) return (item) => item;
  const base = `http://${ctx.req.headers.host ?? "127.0.0.1"}/api/assets/`;
  const map = new Map(pinned.map((a) => [a.url, `${base}${a.sha256}`]));
  const resolve = (url: string) => map.get(url);
  return (item) => {
    const event = rewriteAssetUrls(item.event, resolve);
    return event === item.event ? item : { ...item, event };
  };
}
