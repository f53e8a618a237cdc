import type { DoctorReport } from "@replay-devkit/api";
import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";

/**
 * `GET /api/doctor`: the capture doctor's checklist per client (page origin + browser). Private
 * like the rest of /api: it names the pages and browsers that talked to this devkit.
 */
export function doctor(ctx: RouteContext): void {
  sendJson(ctx.res, 200, ctx.state.doctor.report() satisfies DoctorReport);
}
