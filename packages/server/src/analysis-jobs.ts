// The timeline and profile of a stored recording, rendered like exports: off the event loop in the
// export pool's workers (they scale with the recording's length), inline for in-memory stores. The
// bodies are byte-for-byte what `replay-devkit timeline ID --format json` and `profile ID --json`
// print, because both sides call the same @replay-devkit/analysis functions.
import {
  isAnalysisError,
  parseTimelineRequest,
  profileJson,
  profileRecording,
  renderTimeline,
  timelineView,
  type TimelineQuery,
} from "@replay-devkit/analysis";
import type { Recording } from "@replay-devkit/codec";
import { HttpError } from "./errors.js";

export interface TimelineJob {
  kind: "timeline";
  id: string;
  query: TimelineQuery;
}

export interface ProfileJob {
  kind: "profile";
  id: string;
}

export type AnalysisJob = TimelineJob | ProfileJob;

const JSON_TYPE = "application/json; charset=utf-8";

/** A rendered JSON body (the export pool's `RenderedBody`, without importing export.ts back). */
export interface AnalysisBody {
  body: string;
  contentType: string;
}

/** The query parameter that carries each field of the timeline request. */
const PARAMS = { around: "around", window: "window", windowId: "windowId", bodyLimit: "bodyLimit" } as const;

/** An analysis error as this API's error, naming the query parameter. */
function badRequest(error: unknown): unknown {
  if (!isAnalysisError(error)) return error;
  // An unknown tab is a 404 as for exports; an anchor that matches nothing is a valid query this recording cannot answer.
  const code =
    error.code === "UNKNOWN_WINDOW_ID"
      ? "NOT_FOUND"
      : error.code === "ANCHOR_NOT_FOUND"
        ? "UNPROCESSABLE"
        : "INVALID_QUERY";
  return new HttpError(code, `Query parameter ${PARAMS[error.field]}: ${error.message}.`, {
    cause: error,
    detail: error.code,
  });
}

/** Checks the timeline's query parameters before any work is queued. */
export function timelineQuery(params: {
  around?: string;
  window?: string;
  windowId?: string;
  bodies?: boolean;
  bodyLimit?: string;
  scrub?: boolean;
}): TimelineQuery {
  try {
    return parseTimelineRequest(params);
  } catch (error) {
    throw badRequest(error);
  }
}

export function isAnalysisJob(value: unknown): value is AnalysisJob {
  if (typeof value !== "object" || value === null) return false;
  const job = value as Record<string, unknown>;
  if (typeof job.id !== "string") return false;
  if (job.kind === "profile") return true;
  if (job.kind !== "timeline" || typeof job.query !== "object" || job.query === null) return false;
  const q = job.query as Record<string, unknown>;
  return (
    (q.around === null || typeof q.around === "string") &&
    (q.windowId === null || typeof q.windowId === "string") &&
    Number.isFinite(q.windowMs) &&
    Number.isSafeInteger(q.bodyLimit) &&
    typeof q.bodies === "boolean" &&
    typeof q.scrub === "boolean"
  );
}

/** Renders one analysis job from a loaded recording. */
export async function renderAnalysisJob(
  job: AnalysisJob,
  load: (id: string) => Promise<Recording>,
): Promise<AnalysisBody> {
  const recording = await load(job.id);
  if (job.kind === "profile")
    return { body: profileJson(profileRecording(recording)), contentType: JSON_TYPE };
  try {
    const { view } = timelineView(recording, job.query);
    return { body: renderTimeline(view, "json"), contentType: JSON_TYPE };
  } catch (error) {
    throw badRequest(error);
  }
}
