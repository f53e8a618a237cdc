import type { ImportResponse } from "@replay-devkit/api";
import { readRecordingFile } from "@replay-devkit/codec";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { decodeContentEncoding, readBody, sendJson } from "../http.js";
import { stringParam } from "../query.js";

/**
 * `POST /api/import[?sessionId=]`: one file in any format the codec reads (PostHog export, blob_v2,
 * rrweb JSON, bundle, fixture; gzip ok) → `{"imported": [ids]}`. `sessionId` names recordings from
 * formats that carry no id (bare rrweb arrays); otherwise one is derived from the content.
 */
export async function importFile(ctx: RouteContext): Promise<void> {
  const { limits } = ctx.options;
  const body = decodeContentEncoding(
    ctx.req,
    await readBody(ctx.req, limits.maxImportBytes),
    limits.maxImportDecompressedBytes,
  );
  if (body.length === 0)
    throw new HttpError(
      "INVALID_BODY",
      "The import body is empty; send the recording file as the request body.",
    );
  const sessionId = stringParam(ctx.query, "sessionId", 200);
  const result = await readRecordingFile(body, {
    limits: { maxDecompressedBytes: limits.maxImportDecompressedBytes },
    ...(sessionId === undefined ? {} : { sessionId }),
  });
  const imported: string[] = [];
  for (const recording of result.recordings) {
    imported.push((await ctx.options.store.importRecording(recording, { source: result.format })).id);
  }
  sendJson(ctx.res, 200, {
    imported,
    format: result.format,
    formatVersion: result.formatVersion,
  } satisfies ImportResponse);
}
