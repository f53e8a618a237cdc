import type { StoreChange } from "@replay-devkit/store";
import type { RouteContext } from "../context.js";

/**
 * `GET /api/stream`: server-sent events `created`, `updated` and `deleted`, each with
 * `{"id", "recording"}` data (`recording` is null for deleted). A comment line every keepalive
 * interval stops proxies and browsers from timing the stream out.
 */
export function stream(ctx: RouteContext): void {
  const { req, res, options, state } = ctx;
  let seq = 0;
  // Subscribe before the 200 goes out, so a closed store still gets a proper error response.
  const unsubscribe = options.store.onChange((change: StoreChange) => {
    if (res.destroyed || res.writableEnded) return;
    res.write(
      `id: ${++seq}\nevent: ${change.type}\ndata: ${JSON.stringify({ id: change.id, recording: change.recording })}\n\n`,
    );
  });
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write(`retry: 2000\n: replay-devkit ${options.version}\n\n`);
  state.streams.add(res);
  const keepalive = setInterval(() => {
    if (!res.destroyed) res.write(`: keepalive ${Date.now()}\n\n`);
  }, options.keepaliveMs);
  keepalive.unref();
  const stop = () => {
    clearInterval(keepalive);
    unsubscribe();
    state.streams.delete(res);
  };
  req.on("close", stop);
  res.on("close", stop);
}
