import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { scanExport } from "../export.js";
import { recordingOr404 } from "./recording-lookup.js";

/** `GET /api/recordings/:id/findings`: the privacy scan of the stored (unscrubbed) recording. */
export function findings(ctx: RouteContext): void {
  const summary = recordingOr404(ctx);
  sendJson(ctx.res, 200, scanExport(ctx.options.store.loadRecording(summary.id)));
}
