import type { HealthResponse } from "@replay-devkit/api";
import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";

/** `GET /health`: how `replay-devkit dev` recognises an instance already running on the port. */
export function health(ctx: RouteContext): void {
  sendJson(ctx.res, 200, {
    ok: true,
    name: "replay-devkit",
    version: ctx.options.version,
    rejectedEvents: ctx.state.rejectedEvents,
  } satisfies HealthResponse);
}
