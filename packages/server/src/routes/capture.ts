import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeCaptureBody, splitCaptureEvents } from "@replay-devkit/codec";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { readBody, sendJson } from "../http.js";

/**
 * `/e/`, `/i/v0/e/`, `/batch/`, `/capture/`, `/s/` and friends. posthog-js treats anything but
 * exactly 200 as failure (2xx other than 200 are retried and duplicated), so success is always
 * `200 {"status":1}`, and only after the store committed.
 */
export async function capture(ctx: RouteContext): Promise<void> {
  const { req, options } = ctx;
  const encoding = String(req.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  if (encoding !== "" && encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    throw new HttpError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Encoding ${JSON.stringify(encoding)} is not supported; posthog-js sends gzip bodies as text/plain.`,
    );
  }
  const body = await readBody(req, options.limits.maxBodyBytes);
  if (options.captureDir) saveRawBody(ctx, body);
  if (body.length === 0)
    throw new HttpError("INVALID_BODY", "The capture request has an empty body; expected events.");
  const decoded = decodeCaptureBody(body, {
    contentType: req.headers["content-type"] ?? null,
    query: ctx.query,
    limits: { maxDecompressedBytes: options.limits.maxDecompressedBytes },
    receivedAt: new Date(),
  });
  const { snapshots, others } = splitCaptureEvents(decoded.events, {
    limits: { maxDecompressedBytes: options.limits.maxDecompressedBytes },
  });
  options.store.ingestSnapshots(snapshots, others);
  sendJson(ctx.res, 200, { status: 1 });
}

/** Capture mode (STYLE.md §8): every raw body plus its request line and headers, for new fixtures. */
function saveRawBody(ctx: RouteContext, body: Buffer): void {
  const dir = ctx.options.captureDir as string;
  try {
    mkdirSync(dir, { recursive: true });
    const seq = ++ctx.state.captureSeq;
    const route = ctx.segments.join("_") || "root";
    const base = `${Date.now()}-${String(seq).padStart(5, "0")}-${ctx.req.method ?? "POST"}-${route}`;
    writeFileSync(join(dir, `${base}.bin`), body);
    const meta = {
      method: ctx.req.method,
      path: ctx.pathname,
      query: ctx.query.toString(),
      headers: ctx.req.headers,
      bodyBytes: body.length,
      receivedAt: new Date().toISOString(),
    };
    writeFileSync(join(dir, `${base}.json`), `${JSON.stringify(meta, null, 2)}\n`);
  } catch (error) {
    // Capture mode is a side channel: a full disk must not make ingest fail.
    ctx.options.log(`replay-devkit: could not write capture file to ${dir}: ${String(error)}`);
  }
}
