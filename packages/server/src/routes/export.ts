import type { RouteContext } from "../context.js";
import { send } from "../http.js";
import { assertWindow, EXPORT_FORMATS, type ExportJob } from "../export.js";
import { boolParam, enumParam, stringParam } from "../query.js";
import { recordingOr404 } from "./recording-lookup.js";

/** Aborts when the client goes away, so a job still waiting for a worker is dropped. */
export function abortOnClose(ctx: RouteContext): AbortSignal {
  const controller = new AbortController();
  ctx.res.once("close", () => controller.abort());
  return controller.signal;
}

/**
 * `GET /api/recordings/:id/export?format=posthog|rrweb|bundle|har|html&window=&scrub=false`. Scrubbed
 * by default; the redaction count travels in `X-Replay-Devkit-Redactions` (and inside bundles).
 * Cheap checks (404, bad query) answer here; loading and serialising run in the export pool.
 */
export async function exportRecording(ctx: RouteContext): Promise<void> {
  const summary = recordingOr404(ctx);
  const format = enumParam(ctx.query, "format", EXPORT_FORMATS) ?? "posthog";
  const scrub = boolParam(ctx.query, "scrub") ?? true;
  const windowParam = stringParam(ctx.query, "window", 200);
  assertWindow(summary, windowParam);
  const job: ExportJob = { kind: "export", id: summary.id, format, scrub, version: ctx.options.version };
  if (windowParam !== undefined) job.window = windowParam;
  const rendered = await ctx.state.exports.run(job, abortOnClose(ctx));
  send(ctx.res, 200, rendered.body, {
    "content-type": rendered.contentType,
    "content-disposition": `attachment; filename="${rendered.filename ?? "export"}"`,
    "x-replay-devkit-redactions": String(rendered.redactions ?? 0),
  });
}
