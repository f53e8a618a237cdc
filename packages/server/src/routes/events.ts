import type { WindowEvent } from "@replay-devkit/store";
import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { intParam } from "../query.js";
import { iterateOptions } from "./events-query.js";
import { recordingOr404 } from "./recording-lookup.js";
import { playableEvents } from "../playable.js";

/** `GET /api/recordings/:id/events?window=&after=&limit=` → `{events: [{windowId, event}], next}`. */
export function recordingEvents(ctx: RouteContext): void {
  const recording = recordingOr404(ctx);
  const limit = intParam(ctx.query, "limit", 1, 10_000) ?? 1000;
  const opts = iterateOptions(ctx);
  const events: WindowEvent[] = [];
  let next: string | null = null;
  let lastTs = Number.NaN;
  let atLastTs = 0;
  if (opts.startAt) {
    lastTs = opts.startAt.timestamp;
    atLastTs = opts.startAt.skip;
  }
  const iterator = playableEvents(ctx.options.store, recording, opts);
  try {
    for (const item of iterator) {
      if (events.length === limit) {
        next = `${lastTs}:${atLastTs}`;
        break;
      }
      events.push(item);
      if (item.event.timestamp === lastTs) atLastTs++;
      else {
        lastTs = item.event.timestamp;
        atLastTs = 1;
      }
    }
  } finally {
    iterator.return(undefined);
  }
  sendJson(ctx.res, 200, { events, next });
}
