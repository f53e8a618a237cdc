import {
  toHar,
  writeBundle,
  writePosthogExport,
  writeRrwebJson,
  type Recording,
  type RedactionEntry,
} from "@replay-devkit/codec";
import { scanRecording, scrubRecording, type ScanReport } from "@replay-devkit/privacy";
import { HTML_CONTENT_TYPE, renderHtml } from "@replay-devkit/share";
import type { RecordingSummary, Store } from "@replay-devkit/store";
import { HttpError } from "./errors.js";

export interface PreparedExport {
  recording: Recording;
  redactions: RedactionEntry[];
}

/**
 * The single place every export passes through before it leaves the server: scrubbed by default
 * (secrets and personal data replaced by stable markers), raw only when the caller asked with
 * `?scrub=false`.
 */
export function prepareExport(recording: Recording, scrub: boolean): PreparedExport {
  if (!scrub) return { recording, redactions: [] };
  return scrubRecording(recording);
}

/** The privacy scan report for a stored recording: what an unscrubbed export would leak. */
export function scanExport(recording: Recording): ScanReport {
  return scanRecording(recording);
}

export const EXPORT_FORMATS = ["posthog", "rrweb", "bundle", "har", "html"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Everything an export depends on; plain data so it can cross to a worker thread. */
export interface ExportJob {
  kind: "export";
  id: string;
  format: ExportFormat;
  scrub: boolean;
  /** The `window` query parameter, when given. */
  window?: string;
  /** The server version (HAR creator, bundle producer). */
  version: string;
}

export interface FindingsJob {
  kind: "findings";
  id: string;
}

export type RenderJob = ExportJob | FindingsJob;

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

function fileSafe(id: string): string {
  return id.replace(/[^\w.-]/g, "_").slice(0, 120);
}

function summaryOr404(store: Store, id: string): RecordingSummary {
  const summary = store.getRecording(id);
  if (!summary) throw new HttpError("NOT_FOUND", `No recording with id ${JSON.stringify(id.slice(0, 200))}.`);
  return summary;
}

/** The 404 for a `window` the recording does not have; checked before any work is queued, and again by whoever renders. */
export function assertWindow(summary: RecordingSummary, windowParam: string | undefined): void {
  if (windowParam !== undefined && !summary.windowIds.includes(windowParam)) {
    throw new HttpError(
      "NOT_FOUND",
      `Recording ${summary.id} has no window ${JSON.stringify(windowParam)}; it has ${summary.windowIds.join(", ")}.`,
    );
  }
}

// A reader on another connection (a worker thread) can see an ingest land between reading the
// summary and reading the events; re-reading until the summary is unchanged gives a consistent
// pair. Inline, in the writer's own thread, the first attempt always matches.
const CONSISTENT_READ_ATTEMPTS = 3;

function loadConsistent(store: Store, id: string): { summary: RecordingSummary; recording: Recording } {
  let summary = summaryOr404(store, id);
  for (let attempt = 1; ; attempt++) {
    const recording = store.loadRecording(id);
    const after = summaryOr404(store, id);
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
export async function renderJob(store: Store, job: RenderJob): Promise<RenderedBody> {
  if (job.kind === "findings") {
    const { recording } = loadConsistent(store, job.id);
    return { body: JSON.stringify(scanExport(recording)), contentType: JSON_TYPE };
  }
  const { summary, recording: stored } = loadConsistent(store, job.id);
  assertWindow(summary, job.window);
  const { recording, redactions } = prepareExport(stored, job.scrub);
  const base = fileSafe(summary.id);
  const count = redactions.reduce((n, r) => n + (r.count ?? 1), 0);
  switch (job.format) {
    case "posthog":
      return {
        body: writePosthogExport(recording),
        contentType: JSON_TYPE,
        filename: `${base}.posthog.json`,
        redactions: count,
      };
    case "rrweb": {
      // One window is what a player can replay; the first is the default.
      const windowId = job.window ?? recording.windows[0]?.windowId;
      return {
        body: writeRrwebJson(recording, windowId),
        contentType: JSON_TYPE,
        filename:
          job.window === undefined ? `${base}.rrweb.json` : `${base}.${fileSafe(job.window)}.rrweb.json`,
        redactions: count,
      };
    }
    case "har":
      return {
        body: JSON.stringify(
          toHar(recording, { creator: "replay-devkit", creatorVersion: job.version }),
          null,
          2,
        ),
        contentType: JSON_TYPE,
        filename: `${base}.har`,
        redactions: count,
      };
    case "bundle":
      return {
        // createdAt from the recording's last change keeps a bundle of unchanged data byte-identical.
        body: await writeBundle(recording, {
          producer: `replay-devkit ${job.version}`,
          redactions,
          createdAt: new Date(summary.updatedAt),
          scrubbed: job.scrub,
        }),
        contentType: "application/zip",
        filename: `${base}.replay-bundle.zip`,
        redactions: count,
      };
    case "html":
      return {
        body: renderHtml(recording, {
          producer: `replay-devkit ${job.version}`,
          redactions,
          scrubbed: job.scrub,
        }),
        contentType: HTML_CONTENT_TYPE,
        filename: `${base}.replay.html`,
        redactions: count,
      };
  }
}
