import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";

/** The stored recording named by the `:id` path parameter, or a 404. */
export async function recordingOr404(ctx: RouteContext) {
  const id = ctx.params.id as string;
  const recording = await ctx.options.store.getRecording(id);
  if (!recording)
    throw new HttpError("NOT_FOUND", `No recording with id ${JSON.stringify(id.slice(0, 200))}.`);
  return recording;
}
