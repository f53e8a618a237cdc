import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Store } from "@replay-devkit/store";
import { HttpError } from "./errors.js";
import { renderJob, type RenderJob, type RenderedBody } from "./export.js";
import { isWorkerReply, type JobMessage, type WorkerData, type WorkerReply } from "./export-protocol.js";

export interface ExportPoolOptions {
  /** Worker threads rendering exports and scans at once; 0 renders inline on the main thread. */
  threads: number;
  /** Jobs allowed to wait for a free worker; one more is refused with 503 BUSY. */
  queue: number;
  /** A worker with nothing to do for this long exits (its heap and database connection with it). */
  idleMs: number;
  /** The worker entry file; null when none was found (inline). */
  entry: URL | null;
  /** Old-generation heap cap of each worker in MB; undefined: V8's default. */
  maxHeapMb?: number | undefined;
  /**
   * A job still rendering after this long is stopped (its worker ended and replaced) and answered
   * 503; undefined: DEFAULT_JOB_TIMEOUT_MS. Inline jobs cannot be stopped and have no limit.
   */
  jobTimeoutMs?: number | undefined;
  log: (line: string) => void;
}

export interface ExportPoolStats {
  /** `worker` when exports run in worker threads, `inline` when on the main thread. */
  mode: "worker" | "inline";
  /** Worker threads alive now. */
  workers: number;
  /** Jobs being rendered now. */
  running: number;
  /** Jobs waiting for a worker. */
  queued: number;
  /** Workers that died while rendering (each was replaced by a fresh one on the next job). */
  crashes: number;
  /** Running jobs stopped because their client left or they ran past the time limit (worker ended). */
  stopped: number;
}

/** Long enough for an hour-long recording's bundle on a slow machine. */
export const DEFAULT_JOB_TIMEOUT_MS = 5 * 60_000;

interface Pending {
  id: number;
  /** The running job's time limit. */
  timer?: NodeJS.Timeout;
  job: RenderJob;
  resolve: (rendered: RenderedBody) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  pending: Pending | null;
  idleTimer: NodeJS.Timeout | null;
  /** Set when the pool ended this worker on purpose, so its exit is not a crash. */
  retiring: boolean;
}

/** Where the built worker sits: next to this module (dist/), or one folder up (a bundle that puts shared code in chunks/). */
export function findWorkerEntry(explicit?: string | URL): URL | null {
  if (explicit !== undefined) {
    const url = typeof explicit === "string" ? pathToFileURL(explicit) : explicit;
    if (url.protocol !== "file:" || !existsSync(fileURLToPath(url)))
      throw new Error(`${url.href} is not an existing file`);
    return url;
  }
  // Running from TypeScript sources (tests) there is no built worker next to this file.
  if (!import.meta.url.endsWith(".js")) return null;
  for (const relative of ["./export-worker.js", "../export-worker.js"]) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** An in-memory database has no file a second connection could open. */
export function fileBacked(path: string): boolean {
  return path !== "" && path !== ":memory:" && !path.startsWith("file::memory:");
}

/**
 * Runs the heavy part of `/export` and `/findings` (load, scrub or scan, serialise) in a few
 * worker threads that read the database on their own read-only connections (WAL lets them read
 * while the server writes), so capture uploads keep being answered during an hour-long export.
 * Concurrency is bounded and the wait queue too (503 BUSY beyond it). A worker that crashes is
 * replaced on the next job; a worker that cannot start at all turns the pool inline for good.
 */
export class ExportPool {
  private readonly store: Store;
  private readonly options: ExportPoolOptions;
  private readonly slots = new Set<Slot>();
  private readonly waiting: Pending[] = [];
  /** Workers told to stop that have not exited yet (terminate() waits for them). */
  private readonly exiting = new Set<Promise<number>>();
  private nextId = 1;
  private closed = false;
  private inline: boolean;
  private running = 0;
  private crashes = 0;
  private cancelled = 0;

  constructor(store: Store, options: ExportPoolOptions) {
    this.store = store;
    this.options = options;
    this.inline = options.threads === 0 || options.entry === null || !fileBacked(store.path);
  }

  get stats(): ExportPoolStats {
    return {
      mode: this.inline ? "inline" : "worker",
      workers: this.slots.size,
      running: this.running,
      queued: this.waiting.length,
      crashes: this.crashes,
      stopped: this.cancelled,
    };
  }

  /** Renders a job; `signal` (the client went away) drops it while it still waits for a worker. */
  run(job: RenderJob, signal?: AbortSignal): Promise<RenderedBody> {
    if (this.closed) return Promise.reject(shuttingDown());
    if (this.inline) return this.runInline(job);
    if (signal?.aborted) return Promise.reject(clientLeft());
    if (this.running + this.waiting.length >= this.options.threads + this.options.queue) {
      return Promise.reject(
        new HttpError(
          "BUSY",
          `replay-devkit is already preparing ${this.running + this.waiting.length} exports or scans; try again in a few seconds.`,
        ),
      );
    }
    return new Promise<RenderedBody>((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, job, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        pending.onAbort = () => {
          const index = this.waiting.indexOf(pending);
          if (index === -1) return;
          this.waiting.splice(index, 1);
          reject(clientLeft());
        };
        signal.addEventListener("abort", pending.onAbort, { once: true });
      }
      this.waiting.push(pending);
      this.pump();
    });
  }

  /** Refuses new jobs and drops waiting ones; idle workers exit now, busy ones after their job. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.waiting.splice(0)) this.settle(pending, shuttingDown(), false);
    for (const slot of [...this.slots]) if (slot.pending === null) void this.retire(slot);
  }

  /** close(), then ends busy workers too (their requests get 503); resolves when every thread has exited. */
  async terminate(): Promise<void> {
    this.close();
    const exits: Promise<unknown>[] = [];
    for (const slot of [...this.slots]) {
      const pending = slot.pending;
      slot.pending = null;
      if (pending) {
        this.running--;
        this.settle(pending, shuttingDown(), false);
      }
      exits.push(this.retire(slot));
    }
    await Promise.all([...exits, ...this.exiting]);
  }

  private async runInline(job: RenderJob): Promise<RenderedBody> {
    this.running++;
    try {
      return await renderJob(this.store, job);
    } finally {
      this.running--;
    }
  }

  private idleSlot(): Slot | undefined {
    for (const slot of this.slots) if (slot.ready && slot.pending === null) return slot;
    return undefined;
  }

  private pump(): void {
    if (this.closed || this.inline) return;
    for (let slot = this.idleSlot(); slot && this.waiting.length > 0; slot = this.idleSlot()) {
      this.assign(slot, this.waiting.shift() as Pending);
    }
    // Jobs go only to workers that said they are ready, so a worker that fails to load never
    // holds one; start as many as the waiting jobs need, up to the limit.
    let starting = 0;
    for (const slot of this.slots) if (!slot.ready) starting++;
    while (this.slots.size < this.options.threads && starting < this.waiting.length) {
      this.spawn();
      starting++;
    }
  }

  private assign(slot: Slot, pending: Pending): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    if (pending.signal && pending.onAbort) pending.signal.removeEventListener("abort", pending.onAbort);
    slot.pending = pending;
    this.running++;
    // From here a client that leaves, or a job over its time limit, costs the worker: a thread
    // cannot be interrupted mid-render, so it is ended and a fresh one takes the next job.
    if (pending.signal) {
      pending.onAbort = () => this.stopRunning(slot, pending, clientLeft("while it was being prepared"));
      pending.signal.addEventListener("abort", pending.onAbort, { once: true });
    }
    const limit = this.options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    pending.timer = setTimeout(() => this.stopRunning(slot, pending, timedOut(limit)), limit);
    pending.timer.unref();
    // Only a busy worker keeps the process alive; an idle one must not hold up exit.
    slot.worker.ref();
    const message: JobMessage = { id: pending.id, job: pending.job };
    slot.worker.postMessage(message);
  }

  private spawn(): Slot {
    const data: WorkerData = { dbPath: this.store.path };
    const worker = new Worker(this.options.entry as URL, {
      workerData: data,
      stdout: false,
      stderr: false,
      ...(this.options.maxHeapMb === undefined
        ? {}
        : { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } }),
    });
    const slot: Slot = { worker, ready: false, pending: null, idleTimer: null, retiring: false };
    this.slots.add(slot);
    worker.on("message", (message: unknown) => this.onMessage(slot, message));
    worker.on("error", (error) => this.onFailure(slot, error));
    worker.on("exit", (code) => {
      if (!slot.retiring)
        this.onFailure(slot, new Error(`the export worker exited with code ${code} while it was needed`));
    });
    return slot;
  }

  private onMessage(slot: Slot, message: unknown): void {
    if (!isWorkerReply(message)) {
      this.onFailure(slot, new Error("the export worker sent a message this server does not understand"));
      return;
    }
    if (message.type === "ready") {
      slot.ready = true;
      this.afterJob(slot);
      return;
    }
    const pending = slot.pending;
    if (!pending || pending.id !== message.id) return;
    slot.pending = null;
    this.running--;
    this.settle(pending, toResult(message), message.ok);
    this.afterJob(slot);
  }

  private afterJob(slot: Slot): void {
    if (this.closed) {
      void this.retire(slot);
      return;
    }
    this.pump();
    if (slot.pending === null && this.slots.has(slot)) {
      slot.worker.unref();
      slot.idleTimer = setTimeout(() => void this.retire(slot), this.options.idleMs);
      slot.idleTimer.unref();
    }
  }

  private onFailure(slot: Slot, error: Error): void {
    if (slot.retiring || !this.slots.has(slot)) return;
    const pending = slot.pending;
    slot.pending = null;
    void this.retire(slot);
    if (!slot.ready) {
      // The worker never loaded (a missing or broken worker file): inline is slower for ingest
      // but correct, and better than failing every export.
      this.inline = true;
      this.options.log(
        `replay-devkit: export workers are unavailable (${error.message}); exports now run on the main thread.`,
      );
      for (const waiting of this.waiting.splice(0)) {
        if (waiting.signal && waiting.onAbort) waiting.signal.removeEventListener("abort", waiting.onAbort);
        this.runInline(waiting.job).then(waiting.resolve, waiting.reject);
      }
      return;
    }
    this.crashes++;
    this.options.log(`replay-devkit: an export worker died: ${error.stack ?? error.message}`);
    if (pending) {
      this.running--;
      if (pending.timer) clearTimeout(pending.timer);
      if (pending.signal && pending.onAbort) pending.signal.removeEventListener("abort", pending.onAbort);
      const outOfMemory = (error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY";
      pending.reject(
        new HttpError(
          "INTERNAL",
          outOfMemory
            ? "The export worker ran out of memory on this recording. Export it with the CLI (replay-devkit export), which has the whole process to itself."
            : "The export worker stopped while preparing this response; try again (a fresh worker takes over).",
          { cause: error },
        ),
      );
    }
    this.pump();
  }

  /** Ends the worker running `pending` and answers it with `error`; the pool carries on. */
  private stopRunning(slot: Slot, pending: Pending, error: HttpError): void {
    if (slot.pending !== pending) return;
    slot.pending = null;
    this.running--;
    this.cancelled++;
    void this.retire(slot);
    this.settle(pending, error, false);
    this.pump();
  }

  private settle(pending: Pending, result: RenderedBody | HttpError, ok: boolean): void {
    if (pending.timer) clearTimeout(pending.timer);
    if (pending.signal && pending.onAbort) pending.signal.removeEventListener("abort", pending.onAbort);
    if (ok) pending.resolve(result as RenderedBody);
    else pending.reject(result);
  }

  private retire(slot: Slot): Promise<number> {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    slot.retiring = true;
    this.slots.delete(slot);
    const exited = slot.worker.terminate();
    this.exiting.add(exited);
    void exited.finally(() => this.exiting.delete(exited));
    return exited;
  }
}

// A client-side condition (nginx would say 499), so a 4xx: nothing for the server log.
function clientLeft(when = "before the export started"): HttpError {
  return new HttpError("BAD_REQUEST", `The client closed the connection ${when}.`);
}

function timedOut(limitMs: number): HttpError {
  return new HttpError(
    "UNAVAILABLE",
    `The export or scan took longer than ${Math.round(limitMs / 1000)} s and was stopped; export this recording with the CLI (replay-devkit export), which has no time limit.`,
  );
}

function shuttingDown(): HttpError {
  return new HttpError("UNAVAILABLE", "replay-devkit is shutting down.");
}

function toResult(reply: Extract<WorkerReply, { type: "done" }>): RenderedBody | HttpError {
  if (!reply.ok) {
    const cause = new Error(reply.message);
    cause.stack = reply.stack;
    return new HttpError(reply.code, reply.message, {
      cause,
      ...(reply.detail === undefined ? {} : { detail: reply.detail }),
    });
  }
  const rendered: RenderedBody = {
    // A view on the transferred memory: no copy on this thread.
    body: Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength),
    contentType: reply.contentType,
  };
  if (reply.filename !== undefined) rendered.filename = reply.filename;
  if (reply.redactions !== undefined) rendered.redactions = reply.redactions;
  return rendered;
}
