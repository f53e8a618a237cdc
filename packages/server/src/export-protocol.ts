// Messages between the export pool (main thread) and its workers. Both sides check what they
// receive: a worker built from another version of this file must fail loudly, not misrender.
import type { StoreDescriptor } from "@replay-devkit/store";
import type { HttpErrorCode } from "./errors.js";
import { HTTP_STATUS } from "./errors.js";
import { isAnalysisJob } from "./analysis-jobs.js";
import { EXPORT_FORMATS, SCRUB_MODES } from "@replay-devkit/export";
import type { RenderJob } from "./export.js";

export interface WorkerData {
  /** The storage the worker opens read-only, on its own connection. */
  store: StoreDescriptor;
}

export interface JobMessage {
  id: number;
  job: RenderJob;
}

export type WorkerReply =
  | { type: "ready" }
  | {
      type: "done";
      id: number;
      ok: true;
      body: Uint8Array;
      contentType: string;
      filename?: string;
      redactions?: number;
    }
  | {
      type: "done";
      id: number;
      ok: false;
      code: HttpErrorCode;
      message: string;
      detail?: string;
      /** The worker-side stack, for the server log. */
      stack: string;
    };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function isWorkerData(value: unknown): value is WorkerData {
  if (!isRecord(value) || !isRecord(value.store)) return false;
  const store = value.store;
  if (store.driver === "sqlite") return typeof store.path === "string" && store.path !== "";
  return store.driver === "postgres" && typeof store.url === "string" && store.url !== "";
}

function isRenderJob(value: unknown): value is RenderJob {
  if (!isRecord(value) || typeof value.id !== "string") return false;
  if (value.kind === "findings" || isAnalysisJob(value)) return true;
  return (
    value.kind === "export" &&
    (EXPORT_FORMATS as readonly unknown[]).includes(value.format) &&
    (SCRUB_MODES as readonly unknown[]).includes(value.scrub) &&
    typeof value.version === "string" &&
    (value.window === undefined || typeof value.window === "string")
  );
}

export function isJobMessage(value: unknown): value is JobMessage {
  return isRecord(value) && Number.isSafeInteger(value.id) && isRenderJob(value.job);
}

export function isWorkerReply(value: unknown): value is WorkerReply {
  if (!isRecord(value)) return false;
  if (value.type === "ready") return true;
  if (value.type !== "done" || !Number.isSafeInteger(value.id)) return false;
  if (value.ok === true) {
    return (
      value.body instanceof Uint8Array &&
      typeof value.contentType === "string" &&
      (value.filename === undefined || typeof value.filename === "string") &&
      (value.redactions === undefined || Number.isSafeInteger(value.redactions))
    );
  }
  return (
    value.ok === false &&
    typeof value.code === "string" &&
    Object.hasOwn(HTTP_STATUS, value.code) &&
    typeof value.message === "string" &&
    (value.detail === undefined || typeof value.detail === "string") &&
    typeof value.stack === "string"
  );
}
