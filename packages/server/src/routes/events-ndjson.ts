import type { RouteContext } from "../context.js";
import { writeChunk } from "../http.js";
import { iterateOptions } from "./events-query.js";
import { recordingOr404 } from "./recording-lookup.js";
import { pinnedRewrite } from "../pinned-events.js";

/** `GET /api/recordings/:id/events.ndjson`: every event as one `{windowId, event}` line, streamed. */
export async function recordingEventsNdjson(ctx: RouteContext): Promise<void> {
  const id = (await recordingOr404(ctx)).id;
  const opts = iterateOptions(ctx);
  const rewrite = await pinnedRewrite(ctx, id);
  const iterator = ctx.options.store.iterateEvents(id, opts);
  const { res } = ctx;
  res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
  try {
    let buffer = "";
    for await (const item of iterator) {
      if (res.destroyed) return;
      buffer += `${JSON.stringify(rewrite(item))}\n`;
      if (buffer.length >= 64 * 1024) {
        const wait = writeChunk(res, buffer);
        buffer = "";
        if (wait) await wait;
      }
    }
    if (buffer !== "" && !res.destroyed) res.write(buffer);
    res.end();
  } catch (error) {
    // Headers are gone; a cut stream is the only honest signal left.
    ctx.options.log(`replay-devkit: events stream for ${id} failed: ${String(error)}`);
    res.destroy();
  } finally {
    await iterator.return?.(undefined);
  }
}
