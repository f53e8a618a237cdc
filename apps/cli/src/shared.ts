import { existsSync, mkdirSync, statSync } from "node:fs";
import { open, rename, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { Recording, ReadResult, RedactionEntry } from "@replay-devkit/codec";
import type { Store } from "@replay-devkit/store";
import type { CommandContext, StringOption } from "./command.js";
import { databasePath, resolveDataDir } from "./env.js";
import { CliError, toCliError } from "./errors.js";

export const DATA_OPTION = {
  type: "string",
  valueName: "dir",
  description:
    "Data directory (default $REPLAY_DEVKIT_DATA, else $XDG_DATA_HOME/replay-devkit, else ~/.local/share/replay-devkit)",
} as const satisfies StringOption;

export const JSON_OPTION = { type: "boolean", description: "Print JSON on stdout" } as const;

/** Upper bound for one input file; the codec applies its own cap on decompressed size. */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

export const EXPORT_FORMATS = ["posthog", "rrweb", "bundle", "har"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Opens the data directory's SQLite file. Read-only commands on a missing database get null instead
 * of an empty file being created as a side effect.
 */
export async function openDataStore(
  ctx: CommandContext,
  dataFlag: string | undefined,
  mode: "read" | "write",
): Promise<Store | null> {
  const dir = resolveDataDir(dataFlag, ctx.env, ctx.cwd);
  const file = databasePath(dir);
  if (mode === "read" && !existsSync(file)) return null;
  try {
    if (mode === "write") mkdirSync(dir, { recursive: true });
    const { openStore } = await import("@replay-devkit/store");
    return openStore(file);
  } catch (error) {
    throw toCliError(error, `cannot open ${file}`);
  }
}

export function notFound(id: string): CliError {
  return new CliError("REPLAY_DEVKIT_NOT_FOUND", `no recording with id ${JSON.stringify(id)}`, {
    hint: "Run `replay-devkit list` to see the recording ids.",
  });
}

/** Loads a stored recording or throws NOT_FOUND. */
export async function loadStored(
  ctx: CommandContext,
  dataFlag: string | undefined,
  id: string,
): Promise<Recording> {
  const store = await openDataStore(ctx, dataFlag, "read");
  if (!store) throw notFound(id);
  try {
    if (!store.getRecording(id)) throw notFound(id);
    return store.loadRecording(id);
  } catch (error) {
    throw toCliError(error);
  } finally {
    store.close();
  }
}

/** Read size per step: big enough that syscalls cost nothing, small enough for a live byte count. */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** Callbacks while one file is turned into recordings, for progress output. */
export interface DecodeProgress {
  /** After every chunk read, with bytes read so far and the file's size. */
  onRead?(done: number, total: number): void;
  /** The whole file is in memory and decoding starts; it is one step with no finer progress. */
  onDecode?(bytes: number): void;
}

/**
 * Checks a file before any byte is loaded (exists, not a directory, not empty, within `maxBytes`),
 * so a huge file fails fast and cheaply. Returns its absolute path and size.
 */
export function checkInputFile(
  ctx: CommandContext,
  path: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
): { full: string; size: number } {
  const full = resolve(ctx.cwd, path);
  let size: number;
  try {
    const stat = statSync(full);
    if (stat.isDirectory()) {
      throw new CliError("REPLAY_DEVKIT_USAGE", `${path} is a directory`, { hint: "Pass a recording file." });
    }
    size = stat.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    if ((error as { code?: unknown }).code === "ENOENT") {
      throw new CliError("REPLAY_DEVKIT_FILE_NOT_FOUND", `${path}: no such file`, {
        hint: "Check the path.",
      });
    }
    throw toCliError(error, path);
  }
  if (size > maxBytes) {
    throw new CliError(
      "REPLAY_DEVKIT_TOO_LARGE",
      `${path} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit`,
      { hint: "Split the recording, or raise the limit with --max-size." },
    );
  }
  if (size === 0) {
    throw new CliError("REPLAY_DEVKIT_INVALID_INPUT", `${path} is empty`, { hint: "Pass a recording file." });
  }
  return { full, size };
}

export async function readInputFile(
  ctx: CommandContext,
  path: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
  onRead?: DecodeProgress["onRead"],
): Promise<Buffer> {
  const { full, size } = checkInputFile(ctx, path, maxBytes);
  const handle = await open(full, "r");
  try {
    const buffer = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(buffer, done, Math.min(READ_CHUNK_BYTES, size - done), done);
      if (bytesRead === 0) break;
      done += bytesRead;
      onRead?.(done, size);
    }
    // A file truncated while being read ends early; the decoder then reports it as truncated.
    return done === size ? buffer : buffer.subarray(0, done);
  } catch (error) {
    throw toCliError(error, path);
  } finally {
    await handle.close();
  }
}

/** Decodes any recording file the codec knows, mapping its errors to CLI errors that name the file. */
export async function decodeFile(
  ctx: CommandContext,
  path: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
  progress: DecodeProgress = {},
): Promise<ReadResult> {
  const bytes = await readInputFile(ctx, path, maxBytes, progress.onRead);
  const { readRecordingFile } = await import("@replay-devkit/codec");
  progress.onDecode?.(bytes.length);
  try {
    const result = await readRecordingFile(bytes, {
      limits: { maxDecompressedBytes: Math.max(maxBytes, 64 << 20) },
    });
    if (result.recordings.length === 0) {
      throw new CliError("REPLAY_DEVKIT_INVALID_INPUT", `${path}: the file holds no recording`);
    }
    return result;
  } catch (error) {
    throw toCliError(error, path);
  }
}

/**
 * Writes output to a file (atomically, so a failed export never leaves half a file) or stdout when
 * `out` is absent or `-`. Binary output to a terminal is refused: it would only garble the screen.
 */
export async function writeOutput(
  ctx: CommandContext,
  out: string | undefined,
  data: string | Uint8Array,
  binary: boolean,
): Promise<string | null> {
  if (out === undefined || out === "-") {
    if (binary && ctx.stdout.isTTY) {
      throw new CliError("REPLAY_DEVKIT_USAGE", "refusing to write a binary file to the terminal", {
        hint: "Pass -o FILE, or redirect stdout.",
      });
    }
    ctx.stdout.write(data);
    return null;
  }
  const full = resolve(ctx.cwd, out);
  const temp = `${dirname(full)}/.${basename(full)}.${process.pid}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, full);
  } catch (error) {
    throw toCliError(error, `cannot write ${out}`);
  }
  return full;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** Scrubs unless told not to; returns the recording to write and its redaction log. */
export async function prepareForExport(
  rec: Recording,
  scrub: boolean,
): Promise<{
  recording: Recording;
  redactions: RedactionEntry[];
  summary: string | null;
}> {
  if (!scrub) return { recording: rec, redactions: [], summary: null };
  const { scrubRecording, summarizeRedactions } = await import("@replay-devkit/privacy");
  try {
    const { recording, redactions } = scrubRecording(rec);
    return { recording, redactions, summary: summarizeRedactions(redactions) };
  } catch (error) {
    throw toCliError(error, "scrubbing failed");
  }
}

/** Encodes a recording in one of the export formats. */
export async function encodeRecording(
  rec: Recording,
  format: ExportFormat,
  redactions: RedactionEntry[],
  producer: string,
): Promise<{ data: string | Uint8Array; binary: boolean }> {
  const codec = await import("@replay-devkit/codec");
  switch (format) {
    case "posthog":
      return { data: codec.writePosthogExport(rec), binary: false };
    case "rrweb":
      return { data: codec.writeRrwebJson(rec), binary: false };
    case "har":
      return { data: `${JSON.stringify(codec.toHar(rec), null, 2)}\n`, binary: false };
    case "bundle":
      return { data: await codec.writeBundle(rec, { producer, redactions }), binary: true };
  }
}
