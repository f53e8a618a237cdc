import type { Recording, RedactionEntry } from "@replay-devkit/codec";
import type { ExportRequest, ExportSource } from "@replay-devkit/export";
import { cliVersion } from "./assets.js";
import type { CommandContext } from "./command.js";
import { toCliError } from "./errors.js";
import { notFound, readStored } from "./shared.js";

/** What the CLI writes for one export, and the redaction line it prints beside it. */
export interface CliExport {
  data: string | Uint8Array;
  binary: boolean;
  /** The scrubber's one-line summary; null for raw exports. */
  summary: string | null;
}

/** A stored recording with its last update (what a bundle stamps), or NOT_FOUND. */
export async function loadExportSource(
  ctx: CommandContext,
  dataFlag: string | undefined,
  id: string,
): Promise<ExportSource> {
  return readStored(ctx, dataFlag, id, (store) => {
    const summary = store.getRecording(id);
    if (!summary) throw notFound(id);
    return { recording: store.loadRecording(id), updatedAt: summary.updatedAt };
  });
}

/**
 * Renders an export with @replay-devkit/export, the renderer the server's export route uses, so
 * `replay-devkit export`, `convert`, the MCP tool and `GET /api/recordings/:id/export` give the
 * same bytes for the same recording and request.
 */
export async function renderCliExport(source: ExportSource, request: ExportRequest): Promise<CliExport> {
  const [{ renderExport }, { summarizeRedactions }] = await Promise.all([
    import("@replay-devkit/export"),
    import("@replay-devkit/privacy"),
  ]);
  try {
    const rendered = await renderExport(source, request, { name: "replay-devkit", version: cliVersion() });
    const summary = request.scrub === "scrubbed" ? summarizeRedactions(rendered.redactions) : null;
    return { data: rendered.body, binary: rendered.binary, summary };
  } catch (error) {
    throw toCliError(error);
  }
}

/** A stored recording, exported: the `export` command and the MCP `export_recording` tool. */
export async function exportStored(
  ctx: CommandContext,
  dataFlag: string | undefined,
  id: string,
  request: ExportRequest,
): Promise<CliExport> {
  return renderCliExport(await loadExportSource(ctx, dataFlag, id), request);
}

/** A recording read from a file; its redaction log (a bundle's) carries over into a bundle. */
export function fileExportSource(
  recording: Recording,
  mtime: Date,
  redactions: RedactionEntry[],
): ExportSource {
  return { recording, updatedAt: mtime.toISOString(), priorRedactions: redactions };
}
