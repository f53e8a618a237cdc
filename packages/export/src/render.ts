import { EXPORT_FORMATS, SCRUB_MODES, type ExportFormat } from "@replay-devkit/api";
import { renderBundle } from "./bundle.js";
import { ExportError } from "./errors.js";
import { fileSafe } from "./filename.js";
import { renderHar } from "./har.js";
import { renderPosthog } from "./posthog.js";
import { renderRrweb } from "./rrweb.js";
import { pickWindow } from "./window.js";
import { applyScrubMode, redactionCount } from "./scrub.js";
import type {
  ExportRequest,
  ExportSource,
  FormatInput,
  FormatOutput,
  Producer,
  RenderedExport,
} from "./types.js";

const RENDERERS: Readonly<
  Record<ExportFormat, (input: FormatInput) => FormatOutput | Promise<FormatOutput>>
> = {
  posthog: renderPosthog,
  rrweb: renderRrweb,
  bundle: renderBundle,
  har: renderHar,
};

/**
 * The one export path: scrubs by the request's mode, then renders the format. The server's route
 * and export workers, `replay-devkit export` and the MCP tool all call this, so one recording
 * gives the same bytes from each.
 */
export async function renderExport(
  source: ExportSource,
  request: ExportRequest,
  producer: Producer,
): Promise<RenderedExport> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(request.format)) {
    throw new ExportError(
      "INVALID_REQUEST",
      `Unknown export format ${JSON.stringify(request.format)}; use one of ${EXPORT_FORMATS.join(", ")}.`,
    );
  }
  if (!(SCRUB_MODES as readonly string[]).includes(request.scrub)) {
    throw new ExportError(
      "INVALID_REQUEST",
      `Unknown scrub mode ${JSON.stringify(request.scrub)}; use one of ${SCRUB_MODES.join(", ")}.`,
    );
  }
  // Checked for every format (a wrong window is a wrong request), used by rrweb alone.
  pickWindow(
    source.recording.sessionId,
    source.recording.windows.map((w) => w.windowId),
    request.window,
  );
  const { recording, redactions } = applyScrubMode(source.recording, request.scrub);
  const input: FormatInput = {
    recording,
    redactions: [...(source.priorRedactions ?? []), ...redactions],
    updatedAt: source.updatedAt,
    producer,
  };
  if (request.window !== undefined) input.window = request.window;
  const { extension, ...output } = await RENDERERS[request.format](input);
  return {
    ...output,
    filename: `${fileSafe(recording.sessionId)}${extension}`,
    redactions,
    redactionCount: redactionCount(redactions),
  };
}
