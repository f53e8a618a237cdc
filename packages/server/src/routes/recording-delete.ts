import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { sendJson } from "../http.js";

/** `DELETE /api/recordings/:id`. */
export function deleteRecording(ctx: RouteContext): void {
  const id = ctx.params.id as string;
  if (!ctx.options.store.deleteRecording(id))
    throw new HttpError("NOT_FOUND", `No recording with id ${JSON.stringify(id.slice(0, 200))}.`);
  // Pinned copies no other recording points at go with it.
  ctx.options.store.assets.deleteOrphans();
  sendJson(ctx.res, 200, { deleted: id });
}
