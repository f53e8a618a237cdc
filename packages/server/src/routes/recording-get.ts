import type { RecordingSummary } from "@replay-devkit/api";
import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { recordingOr404 } from "./recording-lookup.js";

/** `GET /api/recordings/:id`. */
export async function getRecording(ctx: RouteContext): Promise<void> {
  sendJson(ctx.res, 200, (await recordingOr404(ctx)) satisfies RecordingSummary);
}
