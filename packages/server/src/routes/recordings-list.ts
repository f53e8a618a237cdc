import type { RecordingListResponse } from "@replay-devkit/api";
import { RECORDING_SORTS } from "@replay-devkit/store";
import type { RouteContext } from "../context.js";
import { sendJson } from "../http.js";
import { boolParam, dateParam, enumParam, intParam, stringParam } from "../query.js";

/** `GET /api/recordings`: newest first unless `sort` says otherwise, with filters and paging. */
export async function listRecordings(ctx: RouteContext): Promise<void> {
  const q = ctx.query;
  const limit = intParam(q, "limit", 1, 1000) ?? 100;
  const offset = intParam(q, "offset", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const filter = {
    url: stringParam(q, "url"),
    distinctId: stringParam(q, "distinctId"),
    hasErrors: boolParam(q, "hasErrors"),
    minDurationMs: intParam(q, "minDurationMs", 0, Number.MAX_SAFE_INTEGER),
    from: dateParam(q, "from"),
    to: dateParam(q, "to"),
    sort: enumParam(q, "sort", RECORDING_SORTS),
    limit,
    offset,
  };
  const { recordings, total } = await ctx.options.store.listRecordings(
    Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)),
  );
  sendJson(ctx.res, 200, { recordings, total, limit, offset } satisfies RecordingListResponse);
}
