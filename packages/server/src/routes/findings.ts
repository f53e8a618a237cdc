import type { RouteContext } from "../context.js";
import { send } from "../http.js";
import { recordingOr404 } from "./recording-lookup.js";
import { abortOnClose } from "./export.js";

/** `GET /api/recordings/:id/findings`: the privacy scan of the stored (unscrubbed) recording. */
export async function findings(ctx: RouteContext): Promise<void> {
  const summary = await recordingOr404(ctx);
  const rendered = await ctx.state.exports.run({ kind: "findings", id: summary.id }, abortOnClose(ctx));
  send(ctx.res, 200, rendered.body, { "content-type": rendered.contentType });
}
