import type { PosthogEventsResponse } from "@replay-devkit/api";
import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { recordingOr404 } from "./recording-lookup.js";

/** `GET /api/recordings/:id/posthog-events` → `{events: [...]}`, in time order. */
export function recordingPosthogEvents(ctx: RouteContext): void {
  const id = recordingOr404(ctx).id;
  sendJson(ctx.res, 200, { events: ctx.options.store.posthogEvents(id) } satisfies PosthogEventsResponse);
}
