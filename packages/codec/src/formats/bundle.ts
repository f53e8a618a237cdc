import { zipSync, type Zippable } from "fflate";
import { gunzipCapped, gzipBytes, utf8Encode } from "../bytes.js";
import { CodecError, describe } from "../errors.js";
import { isRecord, jsonLines, parseJson, textOf } from "../json.js";
import type { Limits } from "../limits.js";
import { computeMetadataWithSizes } from "../metadata.js";
import { sha256Hex } from "../platform.js";
import type { CaptureEvent, ReadResult, Recording, RedactionEntry, SessionMetadata } from "../types.js";
import { validateCaptureEvent } from "../validate.js";
import { RecordingBuilder } from "./common.js";
import { BUNDLE_FORMAT } from "./sniff.js";

export const BUNDLE_FORMAT_VERSION = 1;

export interface BundleFileEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: typeof BUNDLE_FORMAT_VERSION;
  producer: string;
  createdAt: string;
  sessionId: string;
  distinctId: string | null;
  windows: { windowId: string; path: string; eventCount: number }[];
  posthogEvents: { path: string; eventCount: number };
  files: BundleFileEntry[];
  redactions: RedactionEntry[];
}

export interface WriteBundleOptions {
  producer: string;
  redactions?: RedactionEntry[];
  /** Defaults to now; fixed values make bundles byte-reproducible. */
  createdAt?: Date;
}

function jsonl(items: readonly unknown[]): Uint8Array {
  let text = "";
  for (const item of items) text += `${JSON.stringify(item)}\n`;
  return utf8Encode(text);
}

function windowFileName(windowId: string, index: number, used: Set<string>): string {
  const safe =
    /^[A-Za-z0-9_.-]{1,128}$/.test(windowId) && windowId !== "." && windowId !== ".."
      ? windowId
      : `window-${index}`;
  let name = `events/${safe}.jsonl.gz`;
  for (let n = 2; used.has(name); n++) name = `events/${safe}-${n}.jsonl.gz`;
  used.add(name);
  return name;
}

/**
 * Our portable bundle: a zip holding `manifest.json` (format, version, producer, sha256 and size of
 * every other file, the redaction log), `metadata.json`, `events/<windowId>.jsonl.gz` per window and
 * `posthog-events.jsonl.gz`.
 */
export async function writeBundle(rec: Recording, opts: WriteBundleOptions): Promise<Uint8Array> {
  const createdAt = opts.createdAt ?? new Date();
  const files = new Map<string, Uint8Array>();
  const used = new Set<string>();
  const sizes = new Map<string, number>();
  const windowFiles: [string, Uint8Array][] = [];
  const windows = rec.windows.map((w, i) => {
    const path = windowFileName(w.windowId, i, used);
    const raw = jsonl(w.events);
    sizes.set(w.windowId, (sizes.get(w.windowId) ?? 0) + raw.length);
    windowFiles.push([path, gzipBytes(raw)]);
    return { windowId: w.windowId, path, eventCount: w.events.length };
  });
  // The JSONL just built is exactly what metadata's size counts, so reuse its length.
  const metadata: SessionMetadata = rec.metadata ?? computeMetadataWithSizes(rec, (id) => sizes.get(id));
  const metadataDoc: Record<string, unknown> = {
    format: "replay-devkit-metadata",
    formatVersion: 1,
    metadata,
  };
  if (rec.person) metadataDoc.person = rec.person;
  files.set("metadata.json", utf8Encode(`${JSON.stringify(metadataDoc, null, 2)}\n`));
  for (const [path, bytes] of windowFiles) files.set(path, bytes);
  files.set("posthog-events.jsonl.gz", gzipBytes(jsonl(rec.posthogEvents)));
  const entries: BundleFileEntry[] = [];
  for (const [path, bytes] of files)
    entries.push({ path, size: bytes.length, sha256: await sha256Hex(bytes) });
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    producer: opts.producer,
    createdAt: createdAt.toISOString(),
    sessionId: rec.sessionId,
    distinctId: rec.distinctId,
    windows,
    posthogEvents: { path: "posthog-events.jsonl.gz", eventCount: rec.posthogEvents.length },
    files: entries,
    redactions: opts.redactions ?? [],
  };
  const zippable: Zippable = {
    "manifest.json": [utf8Encode(`${JSON.stringify(manifest, null, 2)}\n`), { level: 6 }],
  };
  for (const [path, bytes] of files) {
    // The .gz entries are already compressed; storing them keeps zip reading cheap and bounded.
    zippable[path] = [bytes, { level: path.endsWith(".gz") ? 0 : 6 }];
  }
  // DOS time cannot represent dates before 1980.
  const mtime = createdAt.getTime() < Date.UTC(1980, 0, 2) ? new Date(Date.UTC(1980, 0, 2)) : createdAt;
  return zipSync(zippable, { mtime });
}

function bundleError(message: string, path?: string, cause?: unknown): CodecError {
  return new CodecError("INVALID_BUNDLE", message, {
    ...(path === undefined ? {} : { path }),
    ...(cause === undefined ? {} : { cause }),
  });
}

function manifestOf(files: Record<string, Uint8Array>, limits: Limits): BundleManifest {
  const raw = files["manifest.json"];
  if (!raw) throw bundleError("The zip has no manifest.json, so it is not a replay-devkit bundle");
  const manifest = parseJson(textOf(raw, limits), "manifest.json", "manifest.json");
  if (!isRecord(manifest) || manifest.format !== BUNDLE_FORMAT) {
    throw new CodecError("UNKNOWN_FORMAT", `manifest.json does not declare format "${BUNDLE_FORMAT}"`, {
      path: "manifest.json.format",
    });
  }
  if (manifest.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw new CodecError(
      "UNKNOWN_VERSION",
      `Unsupported bundle formatVersion ${describe(manifest.formatVersion)}; this codec reads version ${BUNDLE_FORMAT_VERSION}`,
      {
        path: "manifest.json.formatVersion",
      },
    );
  }
  if (typeof manifest.sessionId !== "string" || manifest.sessionId === "")
    throw bundleError("manifest.json has no sessionId", "manifest.json.sessionId");
  if (!Array.isArray(manifest.files))
    throw bundleError("manifest.json has no files list", "manifest.json.files");
  if (!Array.isArray(manifest.windows))
    throw bundleError("manifest.json has no windows list", "manifest.json.windows");
  return manifest as unknown as BundleManifest;
}

async function verifyFiles(manifest: BundleManifest, files: Record<string, Uint8Array>): Promise<void> {
  for (const [i, entry] of manifest.files.entries()) {
    const path = `manifest.json.files[${i}]`;
    if (
      !isRecord(entry) ||
      typeof entry.path !== "string" ||
      typeof entry.sha256 !== "string" ||
      typeof entry.size !== "number"
    ) {
      throw bundleError("Each manifest file entry needs path, size and sha256", path);
    }
    const bytes = files[entry.path];
    if (!bytes) throw bundleError(`The manifest lists ${entry.path} but the zip does not contain it`, path);
    if (bytes.length !== entry.size) {
      throw new CodecError(
        "CHECKSUM_MISMATCH",
        `${entry.path} is ${bytes.length} bytes but the manifest says ${entry.size}; the bundle was modified or damaged`,
        { path },
      );
    }
    if ((await sha256Hex(bytes)) !== entry.sha256.toLowerCase()) {
      throw new CodecError(
        "CHECKSUM_MISMATCH",
        `${entry.path} does not match its sha256 in the manifest; the bundle was modified or damaged`,
        { path },
      );
    }
  }
}

function listedFile(manifest: BundleManifest, files: Record<string, Uint8Array>, path: string): Uint8Array {
  // Only files covered by a checksum are read, so nothing unverified enters a recording.
  if (!manifest.files.some((f) => f.path === path))
    throw bundleError(`${path} is not listed with a checksum in manifest.json`, path);
  return files[path] as Uint8Array;
}

function gzLines(
  bytes: Uint8Array,
  limits: Limits,
  path: string,
): Generator<{ line: string; lineNumber: number }> {
  let text: string;
  try {
    text = textOf(gunzipCapped(bytes, limits.maxDecompressedBytes), limits);
  } catch (error) {
    if (error instanceof CodecError)
      throw new CodecError(error.code, `${path}: ${error.message}`, { path, cause: error });
    throw error;
  }
  return jsonLines(text);
}

/** Reads a bundle from its unzipped entries (`unzipCapped` in zip.ts). */
export async function readBundle(files: Record<string, Uint8Array>, limits: Limits): Promise<ReadResult> {
  const manifest = manifestOf(files, limits);
  await verifyFiles(manifest, files);
  const builder = new RecordingBuilder(limits);
  const windowOrder: string[] = [];
  manifest.windows.forEach((w, i) => {
    const path = `manifest.json.windows[${i}]`;
    if (!isRecord(w) || typeof w.windowId !== "string" || typeof w.path !== "string")
      throw bundleError("Each window needs windowId and path", path);
    windowOrder.push(w.windowId);
    for (const { line, lineNumber } of gzLines(listedFile(manifest, files, w.path), limits, w.path)) {
      builder.add(
        w.windowId,
        parseJson(line, `${w.path} line ${lineNumber}`, `${w.path}:${lineNumber}`),
        `${w.path}:${lineNumber}`,
      );
    }
  });
  const posthogEvents: CaptureEvent[] = [];
  const posthogPath =
    isRecord(manifest.posthogEvents) && typeof manifest.posthogEvents.path === "string"
      ? manifest.posthogEvents.path
      : null;
  if (posthogPath) {
    for (const { line, lineNumber } of gzLines(
      listedFile(manifest, files, posthogPath),
      limits,
      posthogPath,
    )) {
      posthogEvents.push(
        validateCaptureEvent(
          parseJson(line, `${posthogPath} line ${lineNumber}`),
          `${posthogPath}:${lineNumber}`,
        ),
      );
    }
  }
  const recording = builder.build(
    manifest.sessionId,
    typeof manifest.distinctId === "string" ? manifest.distinctId : null,
    posthogEvents,
  );
  for (const id of windowOrder)
    if (!recording.windows.some((w) => w.windowId === id))
      recording.windows.push({ windowId: id, events: [] });
  recording.windows.sort((a, b) => windowOrder.indexOf(a.windowId) - windowOrder.indexOf(b.windowId));
  if (manifest.files.some((f) => f.path === "metadata.json") && files["metadata.json"]) {
    const doc = parseJson(textOf(files["metadata.json"], limits), "metadata.json", "metadata.json");
    if (isRecord(doc)) {
      if (doc.formatVersion !== 1) {
        throw new CodecError(
          "UNKNOWN_VERSION",
          `Unsupported metadata.json formatVersion ${describe(doc.formatVersion)}; this codec reads version 1`,
          { path: "metadata.json.formatVersion" },
        );
      }
      if (isRecord(doc.metadata)) recording.metadata = doc.metadata as unknown as SessionMetadata;
      if (isRecord(doc.person)) recording.person = doc.person;
    }
  }
  const redactions = Array.isArray(manifest.redactions) ? manifest.redactions.filter(isRedaction) : [];
  return {
    format: "bundle",
    formatVersion: String(BUNDLE_FORMAT_VERSION),
    recordings: [recording],
    redactions,
    producer: manifest.producer,
  };
}

function isRedaction(value: unknown): value is RedactionEntry {
  return (
    isRecord(value) &&
    typeof value.rule === "string" &&
    typeof value.location === "string" &&
    typeof value.field === "string" &&
    typeof value.action === "string"
  );
}
