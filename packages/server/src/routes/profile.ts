import type { RouteContext } from "../context.js";
import { send } from "../http.js";
import { abortOnClose } from "./export.js";
import { recordingOr404 } from "./recording-lookup.js";

/**
 * `GET /api/recordings/:id/profile`: the `replay-devkit-profile` document (where the bytes go, and the
 * setting that shrinks each heavy part), the same bytes as `replay-devkit profile ID --json`.
 */
export async function recordingProfile(ctx: RouteContext): Promise<void> {
  const summary = await recordingOr404(ctx);
  const rendered = await ctx.state.exports.run({ kind: "profile", id: summary.id }, abortOnClose(ctx));
  send(ctx.res, 200, rendered.body, { "content-type": rendered.contentType });
}
