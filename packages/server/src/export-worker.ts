// Entry of an export worker thread (see export-pool.ts): opens the store (SQLite file or PostgreSQL) read-only
// and renders one job at a time, so a long export never holds the server's event loop.
import { parentPort, workerData } from "node:worker_threads";
import { openRecordingStore, type RecordingStore } from "@replay-devkit/store";
import { toHttpError } from "./errors.js";
import { renderJob } from "./export.js";
import { isJobMessage, isWorkerData, type WorkerReply } from "./export-protocol.js";

const port = parentPort;
if (port === null || !isWorkerData(workerData)) {
  throw new Error("export-worker.js is started by @replay-devkit/server's export pool, not run directly.");
}
const descriptor = workerData.store;
// One connection per worker, opened on its first job (a promise, so two early jobs share it).
let store: Promise<RecordingStore> | null = null;

/** A Uint8Array that owns its whole ArrayBuffer, so transferring it moves exactly the body and nothing shared. */
function ownedBytes(body: string | Uint8Array): Uint8Array {
  if (typeof body === "string") body = Buffer.from(body, "utf8");
  if (
    body.byteOffset === 0 &&
    body.buffer.byteLength === body.byteLength &&
    body.buffer instanceof ArrayBuffer
  )
    return body;
  // Small Buffers live in Node's shared pool; copying keeps that pool usable in this thread.
  const copy = new Uint8Array(body.byteLength);
  copy.set(body);
  return copy;
}

port.on("message", (message: unknown) => {
  if (!isJobMessage(message)) return;
  const { id, job } = message;
  void (async () => {
    let reply: WorkerReply;
    let transfer: ArrayBuffer[] = [];
    try {
      store ??= openRecordingStore(descriptor, { readonly: true, pollIntervalMs: 0, poolSize: 2 });
      const rendered = await renderJob(await store, job);
      const body = ownedBytes(rendered.body);
      reply = { type: "done", id, ok: true, ...rendered, body };
      transfer = [body.buffer as ArrayBuffer];
    } catch (thrown) {
      const error = toHttpError(thrown);
      const cause = error.cause ?? thrown;
      reply = {
        type: "done",
        id,
        ok: false,
        code: error.code,
        message: error.message,
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        stack: cause instanceof Error ? (cause.stack ?? cause.message) : String(cause),
      };
    }
    port.postMessage(reply, transfer);
  })();
});

port.postMessage({ type: "ready" } satisfies WorkerReply);
