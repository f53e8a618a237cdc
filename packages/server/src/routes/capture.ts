import { API_HEADERS } from "@replay-devkit/api";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  decodeCaptureBody,
  isGzip,
  splitCaptureEvents,
  type CaptureEvent,
  type RejectedCaptureEvent,
  type SplitCapture,
} from "@replay-devkit/codec";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { readBody, sendAck } from "../http.js";

/**
 * `/e/`, `/i/v0/e/`, `/batch/`, `/capture/`, `/s/` and friends. posthog-js treats anything but
 * exactly 200 as failure (2xx other than 200 are retried and duplicated), so success is always
 * `200 {"status":1}`, and only after the store committed (bodies decoded in the same event-loop
 * turn share one commit).
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
  const inflated = isGzip(body);
  const payload = inflated ? gunzipBody(body, options.limits.maxDecompressedBytes) : body;
  const decoded = decodeCaptureBody(payload, {
    contentType: req.headers["content-type"] ?? null,
    query: ctx.query,
    limits: { maxDecompressedBytes: options.limits.maxDecompressedBytes },
    receivedAt: new Date(),
    inflated,
  });
  // With --project-token, only the listed PostHog projects may write here (checked before storing).
  options.auth.checkProject(decoded.apiKey);
  const split = splitGood(decoded.events, options.limits.maxDecompressedBytes);
  await ctx.state.ingest.ingest({ batches: split.snapshots, others: split.others });
  // After the commit: the pinner reads the recording the batches just created.
  ctx.state.assets?.observe(split.snapshots);
  try {
    ctx.state.doctor.events(req.headers, decoded.events, {
      bodyBytes: body.length,
      decodedBytes: payload.length,
      rejectedEvents: split.rejected.length,
    });
  } catch (error) {
    options.log(`replay-devkit: the capture doctor failed: ${String(error)}`);
  }
  if (split.rejected.length > 0) {
    ctx.state.rejectedEvents += split.rejected.length;
    ctx.res.setHeader(API_HEADERS.rejected, String(split.rejected.length));
    const first = split.rejected[0] as RejectedCaptureEvent;
    options.log(
      `replay-devkit: ${ctx.pathname}: stored ${decoded.events.length - split.rejected.length} events, dropped ${split.rejected.length} unreadable $snapshot event(s); first: events[${first.index}]: ${first.error.message}`,
    );
  }
  sendAck(ctx.res);
}

/**
 * posthog-js gzips every /s/ and /i/v0/e/ body. node:zlib inflates those small bodies several times
 * faster than the codec's portable inflater (a tenth of the ingest CPU in the profile), and
 * `maxOutputLength` stops a gzip bomb while inflating, at the same cap the codec would apply.
 */
function gunzipBody(body: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new HttpError(
        "PAYLOAD_TOO_LARGE",
        `The gzip body inflates to more than the limit of ${maxBytes} bytes.`,
        { cause: error },
      );
    }
    throw new HttpError(
      "INVALID_BODY",
      `The body starts like gzip but cannot be inflated (${(error as Error).message}); send it whole, or as plain JSON.`,
      { cause: error },
    );
  }
}

/**
 * The codec's partial split: one unreadable $snapshot does not cost the whole body, because
 * posthog-js drops a batch answered 4xx, good events included (docs/decisions/0004-partial-batches.md).
 * The whole body is refused only when nothing in it was readable.
 */
function splitGood(events: CaptureEvent[], maxDecompressedBytes: number): SplitCapture {
  const split = splitCaptureEvents(events, { limits: { maxDecompressedBytes }, partial: true });
  if (split.rejected.length === 0) return split;
  if (split.snapshots.length === 0 && split.others.length === 0)
    throw (split.rejected[0] as RejectedCaptureEvent).error;
  // A partly bad body keeps the cap on what it unpacks to as a whole, as a good one does per event.
  let unpackedBytes = 0;
  for (const batch of split.snapshots) {
    unpackedBytes += JSON.stringify(batch.events).length;
    if (unpackedBytes > maxDecompressedBytes)
      throw new HttpError(
        "PAYLOAD_TOO_LARGE",
        `The body unpacks to more than the limit of ${maxDecompressedBytes} bytes.`,
      );
  }
  return split;
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
