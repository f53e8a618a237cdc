import type { Recording } from "@replay-devkit/codec";
import { pickWindow, renderExport, type ExportFormat, type ScrubMode } from "@replay-devkit/export";
import { scanRecording, type ScanReport } from "@replay-devkit/privacy";
import type { RecordingStore, RecordingSummary } from "@replay-devkit/store";
import { renderAnalysisJob, type AnalysisJob } from "./analysis-jobs.js";
import { HttpError, toHttpError } from "./errors.js";

/** The privacy scan report for a stored recording: what an unscrubbed export would leak. */
export function scanExport(recording: Recording): ScanReport {
  return scanRecording(recording);
}

/** Everything an export depends on; plain data so it can cross to a worker thread. */
export interface ExportJob {
  kind: "export";
  id: string;
  format: ExportFormat;
  scrub: ScrubMode;
  /** The `window` query parameter, when given. */
  window?: string;
  /** The server version (HAR creator, bundle producer). */
  version: string;
}

export interface FindingsJob {
  kind: "findings";
  id: string;
}

export type RenderJob = ExportJob | FindingsJob | AnalysisJob;

/** A finished response body and the headers that depend on it. */
export interface RenderedBody {
  body: string | Uint8Array;
  contentType: string;
  /** Attachment name (exports only). */
  filename?: string;
  /** Redactions made by the scrubber (exports only). */
  redactions?: number;
}

const JSON_TYPE = "application/json; charset=utf-8";

async function summaryOr404(store: RecordingStore, id: string): Promise<RecordingSummary> {
  const summary = await store.getRecording(id);
  if (!summary) throw new HttpError("NOT_FOUND", `No recording with id ${JSON.stringify(id.slice(0, 200))}.`);
  return summary;
}

/** The 404 for a `window` the recording does not have; checked before any work is queued, and again by the renderer. */
export function assertWindow(summary: RecordingSummary, windowParam: string | undefined): void {
  try {
    pickWindow(summary.id, summary.windowIds, windowParam);
  } catch (error) {
    throw toHttpError(error);
  }
}

// A reader on another connection (a worker thread) can see an ingest land between reading the
// summary and reading the events; re-reading until the summary is unchanged gives a consistent
// pair. Inline, in the writer's own thread, the first attempt always matches.
const CONSISTENT_READ_ATTEMPTS = 3;

async function loadConsistent(
  store: RecordingStore,
  id: string,
): Promise<{ summary: RecordingSummary; recording: Recording }> {
  let summary = await summaryOr404(store, id);
  for (let attempt = 1; ; attempt++) {
    const recording = await store.loadRecording(id);
    const after = await summaryOr404(store, id);
    if (after.updatedAt === summary.updatedAt || attempt >= CONSISTENT_READ_ATTEMPTS) {
      return { summary: after.updatedAt === summary.updatedAt ? summary : after, recording };
    }
    summary = after;
  }
}

/**
 * Loads, scrubs and serialises one export, or scans one recording: the heavy part of
 * `/export` and `/findings`, run inline or in an export worker with the same result.
 */
export async function renderJob(store: RecordingStore, job: RenderJob): Promise<RenderedBody> {
  if (job.kind === "timeline" || job.kind === "profile")
    return renderAnalysisJob(job, async (id) => (await loadConsistent(store, id)).recording);
  if (job.kind === "findings") {
    const { recording } = await loadConsistent(store, job.id);
    return { body: JSON.stringify(scanExport(recording)), contentType: JSON_TYPE };
  }
  const { summary, recording } = await loadConsistent(store, job.id);
  assertWindow(summary, job.window);
  const rendered = await renderExport(
    { recording, updatedAt: summary.updatedAt },
    job.window === undefined
      ? { format: job.format, scrub: job.scrub }
      : { format: job.format, scrub: job.scrub, window: job.window },
    { name: "replay-devkit", version: job.version },
  );
  return {
    body: rendered.body,
    contentType: rendered.contentType,
    filename: rendered.filename,
    redactions: rendered.redactionCount,
  };
}
