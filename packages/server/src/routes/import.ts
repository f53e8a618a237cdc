import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { refuseRest, sendJson } from "../http.js";
import { importStream, type StreamImportResult } from "../import-stream.js";
import { stringParam } from "../query.js";

/**
 * `POST /api/import[?sessionId=]`: one file in any format the codec reads (PostHog export, blob_v2,
 * rrweb JSON, bundle, fixture; gzip ok) → `{"imported": [ids]}`. `sessionId` names recordings from
 * formats that carry no id (bare rrweb arrays); otherwise one is derived from the content. The body
 * is read, inflated and parsed as it arrives and stored only once it is whole (import-stream.ts).
 */
export async function importFile(ctx: RouteContext): Promise<void> {
  const { limits } = ctx.options;
  const announced = Number(ctx.req.headers["content-length"]);
  if (Number.isFinite(announced) && announced > limits.maxImportBytes) {
    refuseRest(ctx.req);
    throw new HttpError(
      "PAYLOAD_TOO_LARGE",
      `The import is larger than the ${Math.round(limits.maxImportBytes / 1024 / 1024)} MB limit`,
    );
  }
  if (announced === 0)
    throw new HttpError(
      "INVALID_BODY",
      "The import body is empty; send the recording file as the request body.",
    );
  const encoding = String(ctx.req.headers["content-encoding"] ?? "identity")
    .trim()
    .toLowerCase();
  if (encoding !== "" && encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip")
    throw new HttpError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Encoding ${JSON.stringify(encoding)} is not supported; send gzip or no encoding.`,
    );
  const sessionId = stringParam(ctx.query, "sessionId", 200);
  // A client that goes away mid-import cancels it; nothing it sent stays stored.
  const gone = new AbortController();
  const onClose = () => {
    if (!ctx.res.writableFinished) gone.abort(new HttpError("BAD_REQUEST", "The client went away"));
  };
  ctx.res.on("close", onClose);
  let result: StreamImportResult;
  try {
    result = await importStream(ctx.options.store, ctx.req, {
      maxBytes: limits.maxImportBytes,
      maxDecompressedBytes: limits.maxImportDecompressedBytes,
      encoding: encoding === "gzip" || encoding === "x-gzip" ? "gzip" : "identity",
      signal: gone.signal,
      ...(sessionId === undefined ? {} : { sessionId }),
    });
  } catch (error) {
    // The rest of a refused body is not worth reading.
    if (!ctx.req.complete) refuseRest(ctx.req);
    throw error;
  } finally {
    ctx.res.off("close", onClose);
  }
  sendJson(ctx.res, 200, {
    imported: result.imported.map((r) => r.id),
    format: result.format,
    formatVersion: result.formatVersion,
  });
}
