import type { RouteContext } from "../context.js";
import { send } from "../http.js";
import { checkToken, remoteConfigScript } from "../remote-config.js";

/** `GET /array/<token>/config.js`: a script that defines the RemoteConfig that turns recording on. */
export function remoteConfigJs(ctx: RouteContext): void {
  const token = checkToken(ctx.params.token);
  ctx.options.auth.checkProject(token);
  send(ctx.res, 200, remoteConfigScript(ctx.options.remote, token), {
    "content-type": "application/javascript; charset=utf-8",
  });
}
