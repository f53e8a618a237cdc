import { createHash } from "node:crypto";
import type { Store } from "@replay-devkit/store";
import { CliError, toCliError } from "../errors.js";
import { INDEX_FILE, parseIndex } from "./index-file.js";
import type { ExportTarget } from "./target.js";

export interface ImportFromReport {
  imported: { id: string; created: boolean; events: number; duplicates: number }[];
}

/**
 * Reads a batch export back: every file index.jsonl lists, checked against its size and sha256
 * before it is decoded, then imported (the store ignores what it already holds, so importing again
 * stores nothing twice). A file that does not match its index line stops the import with its name.
 */
export async function importFromExport(
  store: Store,
  target: ExportTarget,
  onProgress?: (done: number, total: number, id: string) => void,
): Promise<ImportFromReport> {
  const indexBytes = await target.read(INDEX_FILE);
  if (!indexBytes) {
    throw new CliError("REPLAY_DEVKIT_FILE_NOT_FOUND", `${target.label} has no ${INDEX_FILE}`, {
      hint: "Point --from at the folder or prefix `replay-devkit export --all --to` wrote.",
    });
  }
  let index;
  try {
    index = parseIndex(Buffer.from(indexBytes).toString("utf8"));
  } catch (error) {
    throw new CliError("REPLAY_DEVKIT_INVALID_INPUT", `${target.label}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { readRecordingFile } = await import("@replay-devkit/codec");
  const report: ImportFromReport = { imported: [] };
  const lines = [...index.values()];
  for (const [i, line] of lines.entries()) {
    const bytes = await target.read(line.file);
    if (!bytes)
      throw new CliError(
        "REPLAY_DEVKIT_FILE_NOT_FOUND",
        `${target.label}/${line.file} (listed for ${line.id}) is missing`,
      );
    const sha = createHash("sha256").update(bytes).digest("hex");
    if (bytes.length !== line.size || sha !== line.sha256) {
      throw new CliError(
        "REPLAY_DEVKIT_INVALID_INPUT",
        `${target.label}/${line.file} does not match its ${INDEX_FILE} line (size or sha256)`,
      );
    }
    try {
      const read = await readRecordingFile(bytes, { sessionId: line.id });
      for (const recording of read.recordings) {
        report.imported.push(store.importRecording(recording, { source: read.format }));
      }
    } catch (error) {
      throw toCliError(error, `${target.label}/${line.file}`);
    }
    onProgress?.(i + 1, lines.length, line.id);
  }
  return report;
}
