import type { PosthogEventsResponse } from "@replay-devkit/api";
import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { recordingOr404 } from "./recording-lookup.js";

/** `GET /api/recordings/:id/posthog-events` → `{events: [...]}`, in time order. */
export async function recordingPosthogEvents(ctx: RouteContext): Promise<void> {
  const id = (await recordingOr404(ctx)).id;
  const events = await ctx.options.store.posthogEvents(id);
  sendJson(ctx.res, 200, { events } satisfies PosthogEventsResponse);
}
