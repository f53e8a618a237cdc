import { unzipSync, zipSync, type Zippable } from "fflate";
import { referencedAssetUrls, replaceUrls } from "../asset-urls.js";
import { domSnapshots, type DomSnapshot } from "../dom-html.js";
import { errorText, gunzipCapped, gzipBytes, tooLargeMessage, utf8Encode } from "../bytes.js";
import { CodecError, describe } from "../errors.js";
import { isRecord, jsonLines, parseJson, textOf } from "../json.js";
import { fidelityFlags, type FidelityFlag } from "../fidelity.js";
import type { Limits } from "../limits.js";
import { computeMetadata, computeMetadataWithSizes } from "../metadata.js";
import { sha256Hex } from "../platform.js";
import type {
  CaptureEvent,
  PinnedAsset,
  ReadResult,
  Recording,
  RedactionEntry,
  SessionMetadata,
} from "../types.js";
import { validateCaptureEvent } from "../validate.js";
import { RecordingBuilder } from "./common.js";
import { BUNDLE_FORMAT } from "./sniff.js";

/** The version `writeBundle` writes; {@link readBundle} reads this and every older one. */
export const BUNDLE_FORMAT_VERSION = 2;
const READABLE_VERSIONS = [1, 2] as const;
const MAX_BUNDLE_ENTRIES = 10_000;
/** Interval between the `dom/` snapshots of a window that keeps changing. */
const DOM_SNAPSHOT_INTERVAL_MS = 10_000;

export interface BundleFileEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: 1 | 2;
  producer: string;
  createdAt: string;
  sessionId: string;
  distinctId: string | null;
  windows: { windowId: string; path: string; eventCount: number }[];
  posthogEvents: { path: string; eventCount: number };
  /** Every file but manifest.json itself. */
  files: BundleFileEntry[];
  redactions: RedactionEntry[];
  /** v2: what the bundle keeps and lacks (each flag documented in fidelity.ts, FIDELITY_FLAGS). */
  fidelity?: FidelityFlag[];
  /** v2: the static HTML pages under dom/. */
  dom?: { path: string; windowId: string; timestamp: number; reason: DomSnapshot["reason"] }[];
  /** v2: the pinned assets under assets/, by the URL the recording references. */
  assets?: { url: string; path: string; sha256: string; contentType: string; size: number }[];
}

/** v2's metadata.json: the portable summary of the recording. */
export interface BundleMetadata {
  id: string;
  startTime: string;
  endTime: string;
  origin: string | null;
  origins: string[];
  /** `name` is the SDK's `$lib` (posthog-js, posthog-ios, …); null when no event says. */
  sdk: { name: string | null; version: string | null };
  distinctId: string | null;
}

export interface WriteBundleOptions {
  producer: string;
  redactions?: RedactionEntry[];
  /** Defaults to now; fixed values make bundles byte-reproducible. */
  createdAt?: Date;
  /** False for raw (`--no-scrub`) exports; sets the `raw` fidelity flag. Default true. */
  scrubbed?: boolean;
  /** Pinned copies of the assets the recording references, stored under assets/. */
  assets?: readonly PinnedAsset[];
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

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/svg+xml": "svg",
  "image/x-icon": "ico",
  "image/vnd.microsoft.icon": "ico",
  "text/css": "css",
  "font/woff": "woff",
  "font/woff2": "woff2",
  "font/ttf": "ttf",
  "font/otf": "otf",
  "application/font-woff": "woff",
  "application/font-woff2": "woff2",
};

/** The file extension for an asset's content type (`bin` when unknown). */
export function assetExtension(contentType: string): string {
  return EXTENSIONS[contentType.split(";")[0]?.trim().toLowerCase() ?? ""] ?? "bin";
}

/** `scheme://host[:port]` of an absolute http(s) URL (the codec has no URL global; it runs anywhere). */
function originOf(url: string): string | null {
  const match = /^(https?):\/\/([^/?#\s]+)/i.exec(url);
  return match ? `${match[1]?.toLowerCase()}://${match[2]?.toLowerCase()}` : null;
}

function bundleMetadata(rec: Recording, metadata: SessionMetadata): BundleMetadata {
  const origins = [...new Set(metadata.urls.map(originOf).filter((o): o is string => o !== null))];
  const withLib = rec.posthogEvents.find((e) => typeof e.properties.$lib === "string");
  const version = withLib?.properties.$lib_version;
  return {
    id: rec.sessionId,
    startTime: metadata.startTime,
    endTime: metadata.endTime,
    origin: metadata.firstUrl === null ? (origins[0] ?? null) : originOf(metadata.firstUrl),
    origins,
    sdk: {
      name: (withLib?.properties.$lib as string | undefined) ?? null,
      version: typeof version === "string" ? version : null,
    },
    distinctId: rec.distinctId,
  };
}

/**
 * Our portable bundle (version 2): a zip holding `manifest.json` (format, version, producer,
 * sha256 and size of every other file, the redaction log, the fidelity flags), `metadata.json`,
 * `events/<windowId>.jsonl.gz` per window, `posthog-events.jsonl.gz`, `dom/snap-0001.html`…
 * (static HTML of each window's DOM at each FullSnapshot and every 10 s in which it changed, with
 * pinned assets as `../assets/<sha256>.<ext>`) and `assets/`. The events keep the original URLs.
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
  files.set("metadata.json", utf8Encode(`${JSON.stringify(bundleMetadata(rec, metadata), null, 2)}\n`));
  for (const [path, bytes] of windowFiles) files.set(path, bytes);
  files.set("posthog-events.jsonl.gz", gzipBytes(jsonl(rec.posthogEvents)));
  if (rec.person) files.set("person.json", utf8Encode(`${JSON.stringify(rec.person, null, 2)}\n`));

  const assets: NonNullable<BundleManifest["assets"]> = [];
  const relative = new Map<string, string>();
  for (const asset of opts.assets ?? []) {
    // The path is the content's own hash, whatever the caller said it was.
    const sha256 = await sha256Hex(asset.bytes);
    const path = `assets/${sha256}.${assetExtension(asset.contentType)}`;
    files.set(path, asset.bytes);
    assets.push({ url: asset.url, path, sha256, contentType: asset.contentType, size: asset.bytes.length });
    relative.set(asset.url, `../${path}`);
  }
  const order = [...relative.keys()].sort((a, b) => b.length - a.length);
  const rewrite = (value: string) => replaceUrls(value, relative, order);
  const dom: NonNullable<BundleManifest["dom"]> = [];
  const referenced = new Set<string>();
  for (const w of rec.windows) {
    for (const url of referencedAssetUrls(w.events)) referenced.add(url);
    for (const snap of domSnapshots(w.windowId, w.events, {
      intervalMs: DOM_SNAPSHOT_INTERVAL_MS,
      rewrite,
    })) {
      const path = `dom/snap-${String(dom.length + 1).padStart(4, "0")}.html`;
      files.set(path, utf8Encode(snap.html));
      dom.push({ path, windowId: w.windowId, timestamp: snap.timestamp, reason: snap.reason });
    }
  }
  const fidelity = fidelityFlags({
    recording: rec,
    scrubbed: opts.scrubbed ?? true,
    assets: { referenced: referenced.size, pinned: [...referenced].filter((u) => relative.has(u)).length },
    domSnapshots: dom.length,
  });

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
    fidelity,
    dom,
    assets,
  };
  const zippable: Zippable = {
    "manifest.json": [utf8Encode(`${JSON.stringify(manifest, null, 2)}\n`), { level: 6 }],
  };
  for (const [path, bytes] of files) {
    // The .gz entries and assets are already compressed; storing them keeps zip reading cheap and bounded.
    const stored = path.endsWith(".gz") || (path.startsWith("assets/") && !/\.(css|svg)$/.test(path));
    zippable[path] = [bytes, { level: stored ? 0 : 6 }];
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

function unzipCapped(bytes: Uint8Array, limits: Limits): Record<string, Uint8Array> {
  let count = 0;
  let declared = 0;
  try {
    // fflate inflates each entry into a buffer of its declared size and never grows it, so checking
    // the declared sizes bounds memory; a lying size only truncates data, which the checksums catch.
    return unzipSync(bytes, {
      filter(file) {
        count++;
        if (count > MAX_BUNDLE_ENTRIES)
          throw bundleError(`The bundle has more than ${MAX_BUNDLE_ENTRIES} entries`);
        declared += file.originalSize;
        if (file.originalSize > limits.maxDecompressedBytes || declared > limits.maxDecompressedBytes * 4) {
          throw new CodecError("TOO_LARGE", tooLargeMessage(limits.maxDecompressedBytes), {
            path: file.name,
          });
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw bundleError(`Corrupt or truncated zip: ${errorText(error)}`, undefined, error);
  }
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
  if (!(READABLE_VERSIONS as readonly unknown[]).includes(manifest.formatVersion)) {
    throw new CodecError(
      "UNKNOWN_VERSION",
      `Unsupported bundle formatVersion ${describe(manifest.formatVersion)}; this codec reads versions ${READABLE_VERSIONS.join(" and ")}`,
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

/** One file of a bundle that does not match its manifest. */
export interface BundleProblem {
  /** The path inside the zip. */
  path: string;
  problem: "missing" | "size" | "sha256" | "unlisted" | "corrupt";
  message: string;
}

/** Every listed file checked against its size and sha256, and every file the manifest does not list. */
async function fileProblems(
  manifest: BundleManifest,
  files: Record<string, Uint8Array>,
  corrupt: ReadonlySet<string> = new Set(),
): Promise<BundleProblem[]> {
  const problems: BundleProblem[] = [];
  const listed = new Set<string>(["manifest.json"]);
  for (const [i, entry] of manifest.files.entries()) {
    if (
      !isRecord(entry) ||
      typeof entry.path !== "string" ||
      typeof entry.sha256 !== "string" ||
      typeof entry.size !== "number"
    ) {
      throw bundleError("Each manifest file entry needs path, size and sha256", `manifest.json.files[${i}]`);
    }
    listed.add(entry.path);
    if (corrupt.has(entry.path)) continue;
    const bytes = files[entry.path];
    if (!bytes) {
      problems.push({
        path: entry.path,
        problem: "missing",
        message: "listed in the manifest but not in the zip",
      });
    } else if (bytes.length !== entry.size) {
      problems.push({
        path: entry.path,
        problem: "size",
        message: `is ${bytes.length} bytes but the manifest says ${entry.size}`,
      });
    } else if ((await sha256Hex(bytes)) !== entry.sha256.toLowerCase()) {
      problems.push({
        path: entry.path,
        problem: "sha256",
        message: "does not match its sha256 in the manifest",
      });
    }
  }
  for (const path of corrupt)
    problems.push({ path, problem: "corrupt", message: "cannot be decompressed from the zip" });
  for (const path of Object.keys(files))
    if (!listed.has(path) && !corrupt.has(path))
      problems.push({ path, problem: "unlisted", message: "is in the zip but not in the manifest" });
  return problems;
}

async function verifyFiles(manifest: BundleManifest, files: Record<string, Uint8Array>): Promise<void> {
  // Unlisted files are never read, so they cannot change a recording; `checkBundle` reports them.
  const problems = (await fileProblems(manifest, files)).filter((p) => p.problem !== "unlisted");
  const first = problems[0];
  if (!first) return;
  if (first.problem === "missing")
    throw bundleError(`The manifest lists ${first.path} but the zip does not contain it`, first.path);
  throw new CodecError(
    "CHECKSUM_MISMATCH",
    `${problems.map((p) => `${p.path} ${p.message}`).join("; ")}; the bundle was modified or damaged`,
    { path: first.path },
  );
}

/** What `validate` reports on a bundle: its version and every file that differs from the manifest. */
export interface BundleCheck {
  formatVersion: number;
  /** Files listed with a checksum (manifest.json aside). */
  checked: number;
  problems: BundleProblem[];
}

/** The entries of a zip one by one, so one broken entry names itself instead of failing them all. */
function unzipEach(
  bytes: Uint8Array,
  limits: Limits,
): { files: Record<string, Uint8Array>; corrupt: Set<string> } {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter(file) {
        if (names.length >= MAX_BUNDLE_ENTRIES)
          throw bundleError(`The bundle has more than ${MAX_BUNDLE_ENTRIES} entries`);
        names.push(file.name);
        return false;
      },
    });
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw bundleError(`Corrupt or truncated zip: ${errorText(error)}`, undefined, error);
  }
  const files: Record<string, Uint8Array> = {};
  const corrupt = new Set<string>();
  for (const name of names) {
    try {
      Object.assign(
        files,
        unzipSync(bytes, {
          filter: (file) => file.name === name && file.originalSize <= limits.maxDecompressedBytes,
        }),
      );
    } catch {
      corrupt.add(name);
    }
  }
  return { files, corrupt };
}

/**
 * Checks every checksum of a bundle, also where the content would still parse, and lists every
 * file that differs from the manifest by its path inside the zip (missing, wrong size, wrong
 * sha256, not decompressible, or not listed). Throws only when there is no usable manifest.
 */
export async function checkBundle(bytes: Uint8Array, limits: Limits): Promise<BundleCheck> {
  let files: Record<string, Uint8Array>;
  let corrupt = new Set<string>();
  try {
    files = unzipCapped(bytes, limits);
  } catch (error) {
    if (!(error instanceof CodecError) || error.code !== "INVALID_BUNDLE") throw error;
    ({ files, corrupt } = unzipEach(bytes, limits));
  }
  if (corrupt.has("manifest.json"))
    throw bundleError("manifest.json cannot be decompressed: the bundle is damaged", "manifest.json");
  const manifest = manifestOf(files, limits);
  return {
    formatVersion: manifest.formatVersion,
    checked: manifest.files.length,
    problems: await fileProblems(manifest, files, corrupt),
  };
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

export async function readBundle(bytes: Uint8Array, limits: Limits): Promise<ReadResult> {
  const files = unzipCapped(bytes, limits);
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
  if (manifest.formatVersion === 2) {
    // v2's metadata.json is the portable summary; the API's metadata is recomputed from the events.
    recording.metadata = computeMetadata(recording);
    if (manifest.files.some((f) => f.path === "person.json")) {
      const person = parseJson(
        textOf(listedFile(manifest, files, "person.json"), limits),
        "person.json",
        "person.json",
      );
      if (isRecord(person)) recording.person = person;
    }
  } else if (manifest.files.some((f) => f.path === "metadata.json") && files["metadata.json"]) {
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
    formatVersion: String(manifest.formatVersion),
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
