import { createHash } from "node:crypto";
import type { Recording } from "@replay-devkit/codec";
import type { RecordingFilter, RecordingSummary } from "@replay-devkit/store";
import type { ExportFormat } from "@replay-devkit/api";
import { renderCliExport } from "../exporting.js";
import { scrubSummary } from "../shared.js";
import { INDEX_FILE, parseIndex, serializeIndex, type IndexLine } from "./index-file.js";
import type { ExportTarget } from "./target.js";

/** What a batch export reads: the CLI's SQLite Store, or any driver of the storage seam (`serve`). */
export interface BatchExportSource {
  listRecordings(
    filter: RecordingFilter,
  ):
    | { recordings: RecordingSummary[]; total: number }
    | Promise<{ recordings: RecordingSummary[]; total: number }>;
  loadRecording(id: string): Recording | Promise<Recording>;
}

export interface BatchExportOptions {
  store: BatchExportSource;
  target: ExportTarget;
  format: ExportFormat;
  /** Scrub secrets and personal data (default true); the bundle then carries its redaction log. */
  scrub: boolean;
  /** Only recordings without a write for this long count as complete (default 30 min). */
  idleMs: number;
  /** The list filters (time range, URL, distinct id, errors, duration). */
  filter: Omit<RecordingFilter, "limit" | "offset" | "sort">;
  producer: string;
  now?: () => number;
  /** After each recording: how far, which, and what happened to it. */
  onProgress?: (done: number, total: number, id: string, action: "written" | "unchanged") => void;
}

export interface BatchExportReport {
  /** Recordings whose file was written now (new, or changed since the last run). */
  written: string[];
  /** Recordings already exported as they are. */
  unchanged: number;
  /** Recordings still receiving events (inside --idle), left for a later run. */
  active: number;
  /** Temporary files of a killed run that were removed. */
  leftoversRemoved: number;
  indexRewritten: boolean;
}

/** The index is saved after this many written files too, so a killed run keeps most of its work. */
const INDEX_EVERY = 25;
const PAGE = 1000;

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  bundle: ".zip",
  posthog: ".posthog.json",
  rrweb: ".rrweb.json",
  har: ".har",
};

/** Where a recording's file goes: by start day, then the id (ids are `[A-Za-z0-9-]`, safe in paths). */
export function exportPath(summary: RecordingSummary, format: ExportFormat): string {
  return `${summary.startTime.slice(0, 10)}/${summary.id}${EXTENSIONS[format]}`;
}

function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Exports every complete recording matching the filter to the target, one file each, plus
 * `index.jsonl`. Idempotent: a recording whose metadata (and so content) is as indexed is not read
 * again, a file whose bytes are already there is not rewritten, and the index is only replaced when
 * a line changed. Resumable: files and the index are written atomically, a killed run's temporary
 * files are removed first, and a file that made it while its index line did not is recognised by its
 * checksum. Bundles are dated with the recording's last write, so the same recording gives the same
 * bytes. This is the function `serve --batch-export` schedules.
 */
export async function batchExport(opts: BatchExportOptions): Promise<BatchExportReport> {
  const now = opts.now ?? Date.now;
  const leftoversRemoved = await opts.target.removeLeftovers();
  const indexBytes = await opts.target.read(INDEX_FILE);
  const indexText = indexBytes ? Buffer.from(indexBytes).toString("utf8") : "";
  const index = parseIndex(indexText);
  const summaries: RecordingSummary[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await opts.store.listRecordings({ ...opts.filter, limit: PAGE, offset, sort: "oldest" });
    summaries.push(...page.recordings);
    if (page.recordings.length < PAGE) break;
  }
  const report: BatchExportReport = {
    written: [],
    unchanged: 0,
    active: 0,
    leftoversRemoved,
    indexRewritten: false,
  };
  const complete = summaries.filter((s) => now() - Date.parse(s.updatedAt) >= opts.idleMs);
  report.active = summaries.length - complete.length;
  let sinceSave = 0;
  const save = async () => {
    const text = serializeIndex(index);
    if (text === indexText && !report.indexRewritten) return;
    await opts.target.write(INDEX_FILE, text);
    report.indexRewritten = true;
    sinceSave = 0;
  };
  for (const [i, summary] of complete.entries()) {
    const metadata = opts.scrub ? await scrubSummary(summary) : summary;
    const file = exportPath(summary, opts.format);
    const known = index.get(summary.id);
    if (
      known &&
      known.file === file &&
      known.format === opts.format &&
      JSON.stringify(known.metadata) === JSON.stringify(metadata)
    ) {
      report.unchanged++;
      opts.onProgress?.(i + 1, complete.length, summary.id, "unchanged");
      continue;
    }
    // The one export renderer: a file here is byte for byte what `export ID` and the API give.
    const { data } = await renderCliExport(
      { recording: await opts.store.loadRecording(summary.id), updatedAt: summary.updatedAt },
      { format: opts.format, scrub: opts.scrub ? "scrubbed" : "raw" },
    );
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const line: IndexLine = {
      id: summary.id,
      file,
      format: opts.format,
      sha256: sha256(bytes),
      size: bytes.length,
      metadata,
    };
    const there = await opts.target.read(file);
    if (there === null || sha256(there) !== line.sha256) await opts.target.write(file, bytes);
    index.set(summary.id, line);
    report.written.push(summary.id);
    opts.onProgress?.(i + 1, complete.length, summary.id, "written");
    if (++sinceSave >= INDEX_EVERY) await save();
  }
  await save();
  return report;
}
