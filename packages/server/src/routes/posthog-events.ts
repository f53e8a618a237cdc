import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { recordingOr404 } from "./recording-lookup.js";

/** `GET /api/recordings/:id/posthog-events` → `{events: [...]}`, in time order. */
export async function recordingPosthogEvents(ctx: RouteContext): Promise<void> {
  const id = (await recordingOr404(ctx)).id;
  sendJson(ctx.res, 200, { events: await ctx.options.store.posthogEvents(id) });
}
