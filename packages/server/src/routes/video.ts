import type { Recording, RrwebEvent } from "@replay-devkit/codec";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { send } from "../http.js";
import { assertWindow } from "../export.js";
import { boolParam, enumParam, intParam, stringParam } from "../query.js";
import { abortOnClose } from "./export.js";
import { recordingOr404 } from "./recording-lookup.js";

const VIDEO_FORMATS = ["mp4", "gif"] as const;
const HOUR_MS = 3_600_000;

/**
 * `GET /api/recordings/:id/video?format=mp4|gif&window=&from=&to=&scrub=`: the replay as a video,
 * rendered by the `video` renderer the host passed to createHandler (`dev` passes
 * @replay-devkit/video's). The window's events are scrubbed in the export pool like every export;
 * one video renders at a time (503 BUSY otherwise).
 */
export async function recordingVideo(ctx: RouteContext): Promise<void> {
  const render = ctx.options.video;
  if (!render)
    throw new HttpError(
      "NOT_FOUND",
      "This server renders no video; run `replay-devkit dev` (with chromium and playwright-core installed), or `replay-devkit export --format mp4`.",
    );
  const summary = recordingOr404(ctx);
  const format = enumParam(ctx.query, "format", VIDEO_FORMATS) ?? "mp4";
  const scrub = boolParam(ctx.query, "scrub") ?? true;
  const window = stringParam(ctx.query, "window", 200) ?? summary.windowIds[0];
  assertWindow(summary, window);
  const fromMs = intParam(ctx.query, "from", 0, 24 * HOUR_MS);
  const toMs = intParam(ctx.query, "to", 1, 24 * HOUR_MS);
  if (ctx.state.videoBusy)
    throw new HttpError("BUSY", "Another video is rendering; try again when it is done.");
  ctx.state.videoBusy = true;
  try {
    // The rrweb export of the window is exactly the scrubbed events, rendered off the event loop.
    const rendered = await ctx.state.exports.run(
      {
        kind: "export",
        id: summary.id,
        format: "rrweb",
        scrub,
        version: ctx.options.version,
        ...(window ? { window } : {}),
      },
      abortOnClose(ctx),
    );
    const text =
      typeof rendered.body === "string" ? rendered.body : Buffer.from(rendered.body).toString("utf8");
    const events = JSON.parse(text) as RrwebEvent[];
    const recording: Recording = {
      sessionId: summary.id,
      distinctId: summary.distinctId,
      windows: [{ windowId: window ?? summary.id, events }],
      posthogEvents: [],
      metadata: summary,
    };
    const store = ctx.options.store;
    const assets = store.assets.pinned(summary.id).flatMap((a) => {
      const stored = store.assets.get(a.sha256);
      return stored ? [{ ...a, data: new Uint8Array(stored.data) }] : [];
    });
    const video = await render({
      recording,
      format,
      assets,
      ...(fromMs === undefined ? {} : { fromMs }),
      ...(toMs === undefined ? {} : { toMs }),
    });
    send(ctx.res, 200, video.data, {
      "content-type": video.contentType,
      "content-disposition": `attachment; filename="${summary.id}.${format}"`,
      "x-replay-devkit-redactions": String(rendered.redactions ?? 0),
    });
  } finally {
    ctx.state.videoBusy = false;
  }
}
