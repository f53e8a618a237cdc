import { toHar, writeBundle, writePosthogExport, writeRrwebJson } from "@replay-devkit/codec";
import type { RouteContext } from "../context.js";
import { HttpError } from "../errors.js";
import { send } from "../http.js";
import { prepareExport } from "../export.js";
import { boolParam, enumParam, stringParam } from "../query.js";
import { recordingOr404 } from "./recording-lookup.js";

const FORMATS = ["posthog", "rrweb", "bundle", "har"] as const;

function fileSafe(id: string): string {
  return id.replace(/[^\w.-]/g, "_").slice(0, 120);
}

/**
 * `GET /api/recordings/:id/export?format=posthog|rrweb|bundle|har&window=&scrub=false`. Scrubbed
 * by default; the redaction count travels in `X-Replay-Devkit-Redactions` (and inside bundles).
 */
export async function exportRecording(ctx: RouteContext): Promise<void> {
  const summary = recordingOr404(ctx);
  const format = enumParam(ctx.query, "format", FORMATS) ?? "posthog";
  const scrub = boolParam(ctx.query, "scrub") ?? true;
  const windowParam = stringParam(ctx.query, "window", 200);
  if (windowParam !== undefined && !summary.windowIds.includes(windowParam)) {
    throw new HttpError(
      "NOT_FOUND",
      `Recording ${summary.id} has no window ${JSON.stringify(windowParam)}; it has ${summary.windowIds.join(", ")}.`,
    );
  }
  const { recording, redactions } = prepareExport(ctx.options.store.loadRecording(summary.id), scrub);
  const base = fileSafe(summary.id);
  let body: string | Uint8Array;
  let type = "application/json; charset=utf-8";
  let filename: string;
  switch (format) {
    case "posthog":
      body = writePosthogExport(recording);
      filename = `${base}.posthog.json`;
      break;
    case "rrweb": {
      // One window is what a player can replay; the first is the default.
      const windowId = windowParam ?? recording.windows[0]?.windowId;
      body = writeRrwebJson(recording, windowId);
      filename =
        windowParam === undefined ? `${base}.rrweb.json` : `${base}.${fileSafe(windowParam)}.rrweb.json`;
      break;
    }
    case "har":
      body = JSON.stringify(
        toHar(recording, { creator: "replay-devkit", creatorVersion: ctx.options.version }),
        null,
        2,
      );
      filename = `${base}.har`;
      break;
    case "bundle":
      // createdAt from the recording's last change keeps a bundle of unchanged data byte-identical.
      body = await writeBundle(recording, {
        producer: `replay-devkit ${ctx.options.version}`,
        redactions,
        createdAt: new Date(summary.updatedAt),
      });
      type = "application/zip";
      filename = `${base}.replay-bundle.zip`;
      break;
  }
  send(ctx.res, 200, body, {
    "content-type": type,
    "content-disposition": `attachment; filename="${filename}"`,
    "x-replay-devkit-redactions": String(redactions.reduce((n, r) => n + (r.count ?? 1), 0)),
  });
}
