import type { LogsResponse } from "@replay-devkit/api";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { sendJson } from "../http.js";
import { intParam } from "../query.js";
import { recordingOr404 } from "./recording-lookup.js";

const DEFAULT_MARGIN_MS = 5000;
const MAX_MARGIN_MS = 10 * 60 * 1000;
const MAX_PAGE = 5000;

function cursorParam(query: URLSearchParams): { timestamp: number; seq: number } | undefined {
  const raw = query.get("after");
  if (raw === null || raw === "") return undefined;
  const match = /^(\d{1,15}):(\d{1,15})$/.exec(raw);
  if (!match) {
    throw new HttpError(
      "INVALID_QUERY",
      `Query parameter after must be the previous page's next cursor (<timestamp>:<seq>), got ${JSON.stringify(raw.slice(0, 60))}.`,
    );
  }
  return { timestamp: Number(match[1]), seq: Number(match[2]) };
}

/**
 * `GET /api/recordings/:id/logs?margin=&limit=&after=` → `{lines, next, from, to}`: the app's
 * output (`replay-devkit dev -- <command>`) stored between the recording's start and end, widened
 * by `margin` ms on both sides because a server's log line often lands just after the click's
 * request left the browser, or just after the last event was flushed.
 */
export async function recordingLogs(ctx: RouteContext): Promise<void> {
  const recording = await recordingOr404(ctx);
  const margin = intParam(ctx.query, "margin", 0, MAX_MARGIN_MS) ?? DEFAULT_MARGIN_MS;
  const limit = intParam(ctx.query, "limit", 1, MAX_PAGE) ?? 1000;
  const after = cursorParam(ctx.query);
  const start = Date.parse(recording.startTime);
  const end = Date.parse(recording.endTime);
  const from = (Number.isFinite(start) ? start : 0) - margin;
  const to = (Number.isFinite(end) ? end : Date.now()) + margin;
  const page = await ctx.options.store.appLogs(after ? { from, to, limit, after } : { from, to, limit });
  sendJson(ctx.res, 200, {
    lines: page.lines.map((line) => ({
      seq: line.seq,
      timestamp: line.timestamp,
      // Milliseconds since the recording's first event: negative for lines in the leading margin.
      offsetMs: Number.isFinite(start) ? line.timestamp - start : null,
      stream: line.stream,
      text: line.text,
    })),
    next: page.next ? `${page.next.timestamp}:${page.next.seq}` : null,
    from,
    to,
  } satisfies LogsResponse);
}
