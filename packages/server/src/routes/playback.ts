import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { playbackReport } from "../playable.js";
import { recordingOr404 } from "./recording-lookup.js";

/** `GET /api/recordings/:id/playback` → `{mobile, notes}`: what could not be played as recorded. */
export function recordingPlayback(ctx: RouteContext): void {
  sendJson(ctx.res, 200, playbackReport(ctx.options.store, recordingOr404(ctx)));
}
