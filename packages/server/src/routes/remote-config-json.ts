import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { checkToken, remoteConfigFor } from "../remote-config.js";

/** `GET /array/<token>/config`: the JSON fallback posthog-js uses when config.js did not load. */
export function remoteConfigJson(ctx: RouteContext): void {
  const token = checkToken(ctx.params.token);
  ctx.options.auth.checkProject(token);
  sendJson(ctx.res, 200, remoteConfigFor(ctx.options.remote, token));
}
