import { API_HEADERS, type RrwebIngestResponse } from "@replay-devkit/api";
import { CodecError, unpackEvent, type RrwebEvent } from "@replay-devkit/codec";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { decodeContentEncoding, readBody, sendJson } from "../http.js";
import { stringParam } from "../query.js";

// JSON.stringify (in the store and in every export) overflows the stack a few thousand levels down,
// so deeper input is refused before parsing; real rrweb trees stay far below this.
const MAX_DEPTH = 2000;

function tooDeep(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, honouring backslash escapes.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Plain rrweb ingest. `POST /api/rrweb/:sessionId?window=<id>&distinctId=<id>` with a JSON array of
 * events (or `{events}`), or `POST /api/rrweb` with `{sessionId, windowId?, distinctId?, events}`.
 * gzip bodies are fine. A retried body is stored once (an `X-Batch-Id` header names a batch;
 * otherwise its content does).
 */
export async function rrwebIngest(ctx: RouteContext): Promise<void> {
  const { limits, store } = ctx.options;
  const bytes = decodeContentEncoding(
    ctx.req,
    await readBody(ctx.req, limits.maxBodyBytes),
    limits.maxDecompressedBytes,
  );
  if (bytes.length > limits.maxDecompressedBytes) {
    throw new HttpError(
      "PAYLOAD_TOO_LARGE",
      `The body is larger than the limit of ${limits.maxDecompressedBytes} bytes.`,
    );
  }
  const text = Buffer.from(bytes).toString("utf8");
  if (tooDeep(text))
    throw new HttpError("INVALID_BODY", `The JSON body is nested more than ${MAX_DEPTH} levels deep.`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new HttpError("INVALID_BODY", `The body is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const body = isRecord(doc) ? doc : { events: doc };
  const sessionId = ctx.params.sessionId ?? body.sessionId;
  if (typeof sessionId !== "string" || sessionId === "") {
    throw new HttpError(
      "INVALID_BODY",
      "Name the session: POST /api/rrweb/<sessionId>, or a sessionId field in the JSON body.",
    );
  }
  const windowId = stringParam(ctx.query, "window", 200) ?? body.windowId ?? sessionId;
  if (typeof windowId !== "string" || windowId === "")
    throw new HttpError("INVALID_BODY", "windowId must be a non-empty string.");
  const distinct = stringParam(ctx.query, "distinctId", 200) ?? body.distinctId ?? null;
  if (distinct !== null && typeof distinct !== "string")
    throw new HttpError("INVALID_BODY", "distinctId must be a string.");
  if (!Array.isArray(body.events)) {
    throw new HttpError(
      "INVALID_BODY",
      "Expected a JSON array of rrweb events, or an object with an events array.",
    );
  }
  if (body.events.length === 0) throw new HttpError("INVALID_BODY", "The events array is empty.");
  const codecLimits = { maxDecompressedBytes: limits.maxDecompressedBytes };
  // Senders that reuse posthog-js's packer may send cv-packed events; they are stored unpacked.
  const events: RrwebEvent[] = body.events.map((event: unknown, i: number) => {
    try {
      return unpackEvent(event, { limits: codecLimits, path: `events[${i}]` });
    } catch (error) {
      if (error instanceof CodecError) throw error;
      throw new HttpError("INVALID_BODY", `events[${i}] is not an rrweb event.`, { cause: error });
    }
  });
  const batchHeader = ctx.req.headers[API_HEADERS.batchId];
  const batchId =
    typeof batchHeader === "string" && batchHeader !== "" ? batchHeader.slice(0, 200) : undefined;
  const result = await store.ingestRrweb(sessionId, windowId, events, {
    distinctId: distinct,
    ...(batchId === undefined ? {} : { batchId }),
  });
  try {
    ctx.state.doctor.rrweb(ctx.req.headers, sessionId);
  } catch (error) {
    ctx.options.log(`replay-devkit: the capture doctor failed: ${String(error)}`);
  }
  ctx.state.assets?.observe([{ sessionId, windowId, distinctId: distinct ?? null, events: [...events] }]);
  sendJson(ctx.res, 200, {
    status: 1,
    sessionId,
    windowId,
    stored: result.events,
    duplicate: result.duplicates > 0,
  } satisfies RrwebIngestResponse);
}
