import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { findFile, safeSegments, sendFile } from "../static-files.js";

const SCRIPT_NAME = /^[\w-]+(\.[\w-]+)*\.js(\.map)?$/;
const VERSION = /^\d+\.\d+\.\d+[\w.+-]*$/;

/**
 * posthog-js browser assets from the configured `dist`: `/static/array.js`, the versioned
 * `/static/<version>/<name>.js` the SDK tries first, and `/static/<name>.js?v=<version>`, its
 * fallback. The version segment is accepted and ignored: one posthog-js build is served.
 */
export async function posthogStatic(ctx: RouteContext): Promise<void> {
  const dir = ctx.options.posthogJsDir;
  // Decoded segments after /static/, never re-split: an encoded "/" must not become a separator.
  const segments = safeSegments(ctx.segments.slice(1));
  const name =
    segments.length === 1
      ? segments[0]
      : segments.length === 2 && VERSION.test(segments[0] as string)
        ? segments[1]
        : undefined;
  if (name === undefined || !SCRIPT_NAME.test(name)) {
    throw new HttpError(
      "NOT_FOUND",
      "Only posthog-js scripts are served under /static/: /static/<name>.js or /static/<version>/<name>.js.",
    );
  }
  if (!dir) {
    throw new HttpError(
      "NOT_FOUND",
      "posthog-js assets are not configured on this server (start it with the posthog-js dist directory).",
    );
  }
  const file = await findFile(dir, [name]);
  if (!file) throw new HttpError("NOT_FOUND", `posthog-js has no script ${name} in ${dir}.`);
  await sendFile(ctx.res, file);
}
