import type { EventsPageResponse } from "@replay-devkit/api";
import type { WindowEvent } from "@replay-devkit/store";
import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { intParam } from "../query.js";
import { iterateOptions } from "./events-query.js";
import { recordingOr404 } from "./recording-lookup.js";
import { pinnedRewrite } from "../pinned-events.js";

/** `GET /api/recordings/:id/events?window=&after=&limit=&assets=pinned` → `{events: [{windowId, event}], next}`. */
export async function recordingEvents(ctx: RouteContext): Promise<void> {
  const id = (await recordingOr404(ctx)).id;
  const limit = intParam(ctx.query, "limit", 1, 10_000) ?? 1000;
  const opts = iterateOptions(ctx);
  const rewrite = await pinnedRewrite(ctx, id);
  const events: WindowEvent[] = [];
  let next: string | null = null;
  let lastTs = Number.NaN;
  let atLastTs = 0;
  if (opts.startAt) {
    lastTs = opts.startAt.timestamp;
    atLastTs = opts.startAt.skip;
  }
  const iterator = ctx.options.store.iterateEvents(id, opts);
  try {
    for await (const item of iterator) {
      if (events.length === limit) {
        next = `${lastTs}:${atLastTs}`;
        break;
      }
      events.push(rewrite(item));
      if (item.event.timestamp === lastTs) atLastTs++;
      else {
        lastTs = item.event.timestamp;
        atLastTs = 1;
      }
    }
  } finally {
    await iterator.return?.(undefined);
  }
  sendJson(ctx.res, 200, { events, next } satisfies EventsPageResponse);
}
