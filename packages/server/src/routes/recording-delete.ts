import type { DeleteResponse } from "@replay-devkit/api";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { sendJson } from "../http.js";

/** `DELETE /api/recordings/:id`. */
export async function deleteRecording(ctx: RouteContext): Promise<void> {
  const id = ctx.params.id as string;
  if (!(await ctx.options.store.deleteRecording(id)))
    throw new HttpError("NOT_FOUND", `No recording with id ${JSON.stringify(id.slice(0, 200))}.`);
  sendJson(ctx.res, 200, { deleted: id } satisfies DeleteResponse);
}
