import { timelineQuery } from "../analysis-jobs.js";
import type { RouteContext } from "../context.js";
import { send } from "../http.js";
import { boolParam, stringParam } from "../query.js";
import { abortOnClose } from "./export.js";
import { recordingOr404 } from "./recording-lookup.js";

/**
 * `GET /api/recordings/:id/timeline?around=&window=5s&windowId=&bodies=&bodyLimit=500&scrub=false`:
 * the `replay-devkit-timeline` document, the same bytes as `replay-devkit timeline ID --format json`
 * with the same options. Scrubbed by default. The query is checked here; the work runs in the export pool.
 */
export async function recordingTimeline(ctx: RouteContext): Promise<void> {
  const summary = await recordingOr404(ctx);
  const around = stringParam(ctx.query, "around", 1000);
  const window = stringParam(ctx.query, "window", 64);
  const windowId = stringParam(ctx.query, "windowId", 200);
  const bodies = boolParam(ctx.query, "bodies");
  const bodyLimit = stringParam(ctx.query, "bodyLimit", 16);
  const scrub = boolParam(ctx.query, "scrub");
  const query = timelineQuery({
    ...(around !== undefined && { around }),
    ...(window !== undefined && { window }),
    ...(windowId !== undefined && { windowId }),
    ...(bodies !== undefined && { bodies }),
    ...(bodyLimit !== undefined && { bodyLimit }),
    ...(scrub !== undefined && { scrub }),
  });
  const rendered = await ctx.state.exports.run(
    { kind: "timeline", id: summary.id, query },
    abortOnClose(ctx),
  );
  send(ctx.res, 200, rendered.body, { "content-type": rendered.contentType });
}
