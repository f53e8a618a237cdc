import type { IterateOptions } from "@replay-devkit/store";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { stringParam } from "../query.js";

const CURSOR = /^(-?\d+(?:\.\d+)?)(?::(\d+))?$/;

/**
 * `after` is either a timestamp (events strictly after it) or the `next` cursor of a previous page,
 * `<timestamp>:<n>`, meaning "from this timestamp, skipping the n events already returned there",
 * so pages never split or drop events that share a timestamp.
 */
export function iterateOptions(ctx: RouteContext): IterateOptions {
  const opts: IterateOptions = {};
  const windowId = stringParam(ctx.query, "window", 200);
  if (windowId !== undefined) opts.windowId = windowId;
  const after = ctx.query.get("after");
  if (after !== null && after !== "") {
    const match = CURSOR.exec(after);
    if (!match) {
      throw new HttpError(
        "INVALID_QUERY",
        "Query parameter after must be a timestamp in ms or a next cursor from a previous page.",
      );
    }
    const timestamp = Number(match[1]);
    if (match[2] === undefined) opts.afterTimestamp = timestamp;
    else opts.startAt = { timestamp, skip: Number(match[2]) };
  }
  return opts;
}
