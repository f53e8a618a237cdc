import type { RecordingSummary } from "@replay-devkit/store";
import type { ExportFormat } from "@replay-devkit/api";

export const INDEX_FILE = "index.jsonl";

/** One line of index.jsonl: a recording, where its file is, and how to check it. */
export interface IndexLine {
  id: string;
  file: string;
  format: ExportFormat;
  sha256: string;
  size: number;
  /** The JSON API's recording object at export time (scrubbed unless the export was not). */
  metadata: RecordingSummary;
}

/** Parses index.jsonl; a line that is not an index entry is an error naming its number. */
export function parseIndex(text: string): Map<string, IndexLine> {
  const out = new Map<string, IndexLine>();
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${INDEX_FILE} line ${i + 1} is not JSON`);
    }
    const v = value as Partial<IndexLine> | null;
    if (
      !v ||
      typeof v.id !== "string" ||
      typeof v.file !== "string" ||
      typeof v.format !== "string" ||
      typeof v.sha256 !== "string" ||
      typeof v.size !== "number" ||
      typeof v.metadata !== "object" ||
      v.metadata === null
    ) {
      throw new Error(
        `${INDEX_FILE} line ${i + 1} is not an index entry {id, file, format, sha256, size, metadata}`,
      );
    }
    out.set(v.id, v as IndexLine);
  });
  return out;
}

/** One line per recording, ordered by id, keys in a fixed order: the same entries give the same bytes. */
export function serializeIndex(entries: Map<string, IndexLine>): string {
  return [...entries.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((e) =>
      JSON.stringify({
        id: e.id,
        file: e.file,
        format: e.format,
        sha256: e.sha256,
        size: e.size,
        metadata: e.metadata,
      }),
    )
    .map((line) => `${line}\n`)
    .join("");
}
