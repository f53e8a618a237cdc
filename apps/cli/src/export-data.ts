import type { Recording } from "@replay-devkit/codec";
import { cliVersion } from "./assets.js";
import { encodeRecording, prepareForExport, type ExportFormat } from "./shared.js";

/** The `export` logic without its I/O, shared with the MCP server: scrubs (unless told not to) and encodes. */
export async function exportData(
  stored: Recording,
  format: ExportFormat,
  scrub: boolean,
): Promise<{ data: string | Uint8Array; binary: boolean; summary: string | null }> {
  const { recording, redactions, summary } = await prepareForExport(stored, scrub);
  const { data, binary } = await encodeRecording(
    recording,
    format,
    redactions,
    `replay-devkit ${cliVersion()}`,
  );
  return { data, binary, summary };
}
