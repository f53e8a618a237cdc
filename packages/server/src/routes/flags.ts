import type { RouteContext } from "../context.js";
import { readBody, sendJson } from "../http.js";
import { flagsResponse } from "../remote-config.js";

/**
 * `/flags/` (v2) and legacy `/decide/`. The body is read (bounded) but not interpreted: flags come
 * from the server options. SDKs from about 1.200 to 1.349 ask `/flags/?config=true` and SDKs before
 * that ask `/decide/`; both get the RemoteConfig keys merged in, which is how they learn to record.
 */
export async function flags(ctx: RouteContext): Promise<void> {
  if (ctx.req.method === "POST") await readBody(ctx.req, ctx.options.limits.maxBodyBytes);
  const legacy = ctx.segments[0] === "decide" || ctx.query.get("config") === "true";
  sendJson(ctx.res, 200, flagsResponse(ctx.options.remote, legacy));
}
