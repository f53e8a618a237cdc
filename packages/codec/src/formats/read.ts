import { ChunkAssembler, isSnapshotChunk } from "../chunks.js";
import { CodecError, describe } from "../errors.js";
import { isRecord, jsonLines, parseJson } from "../json.js";
import { resolveLimits, type Limits } from "../limits.js";
import type { CaptureEvent, ReadResult, Recording } from "../types.js";
import { validateCaptureEvent } from "../validate.js";
import { readBundle } from "./bundle.js";
import { RecordingBuilder, derivedSessionId, windowIdOf, withoutWindowId } from "./common.js";
import { readFixture } from "./fixture.js";
import { isCaptureEventLike, sniffBytes } from "./sniff.js";

export const POSTHOG_EXPORT_VERSIONS = ["2023-04-28", "2022-12-02"] as const;

/** The error for a PostHog export whose `version` is gone (hand-edited, or cut out by a tool). */
export function missingVersionMessage(): string {
  return `This looks like a PostHog Export-to-JSON file but has no "version"; expected ${POSTHOG_EXPORT_VERSIONS.slice()
    .reverse()
    .join(
      " or ",
    )}. Add the version the file was exported with ("2023-04-28" for data.snapshots, "2022-12-02" for data.snapshotsByWindowId).`;
}

/** Throws UNKNOWN_VERSION unless `version` is a PostHog export version this codec reads. */
export function checkExportVersion(
  version: unknown,
): asserts version is (typeof POSTHOG_EXPORT_VERSIONS)[number] {
  if (!(POSTHOG_EXPORT_VERSIONS as readonly unknown[]).includes(version)) {
    throw new CodecError(
      "UNKNOWN_VERSION",
      `Unsupported PostHog export version ${describe(version)}; supported: ${POSTHOG_EXPORT_VERSIONS.join(", ")}`,
      { path: "version" },
    );
  }
}
/** `formatVersion` of a blob_v2 file that came as length-prefixed Snappy blocks. */
export const BLOB_V2_SNAPPY = "length-prefixed-snappy";
/** `formatVersion` of an old PostHog events list (`$snapshot` events and the rest). */
export const LEGACY_EVENTS = "legacy-events";

export interface ReadOptions {
  limits?: Partial<Limits>;
  /** Session id for files that carry none (bare rrweb arrays, blob_v2). Default: derived from a content hash. */
  sessionId?: string;
}

/**
 * Reads any recording file this codec knows, recognised from its content: PostHog export (both
 * versions), blob_v2 JSONL (and the older blob/realtime line shapes, and the length-prefixed Snappy
 * blocks of `decompress=false`), rrweb JSON (bare arrays and legacy API wrappers, with 2021 chunked
 * `$snapshot_data` pieces reassembled), old PostHog events lists, our bundle and our fixture, each
 * optionally gzipped. Events come out unpacked, validated, and sorted per window.
 */
export async function readRecordingFile(bytes: Uint8Array, opts: ReadOptions = {}): Promise<ReadResult> {
  const limits = resolveLimits(opts.limits);
  const sniffed = sniffBytes(bytes, limits);
  if (sniffed.format === "bundle") return readBundle(sniffed.bytes, limits);
  // Hash the decompressed content so a file and its gzip import as the same session.
  const sessionIdFor = async () => opts.sessionId ?? (await derivedSessionId(sniffed.plain ?? bytes));
  switch (sniffed.format) {
    case "fixture":
      return readFixture(sniffed.text, sniffed.docParsed ? sniffed.doc : undefined, limits);
    case "posthog-export":
      return readPosthogExport(sniffed.doc, limits, opts.sessionId, sessionIdFor);
    case "blob-v2": {
      const builder = new RecordingBuilder(limits);
      for (const { line, lineNumber } of jsonLines(sniffed.text)) {
        addBlobLine(
          builder,
          parseJson(line, `Line ${lineNumber}`, `line ${lineNumber}`, true),
          `line ${lineNumber}`,
        );
      }
      return {
        format: "blob-v2",
        formatVersion: sniffed.snappy ? BLOB_V2_SNAPPY : null,
        recordings: [builder.build(await sessionIdFor(), null)],
        redactions: [],
      };
    }
    case "rrweb-json":
      return readRrwebDocument(sniffed.doc, limits, sessionIdFor);
  }
}

/** Where a reader puts the events it finds: a RecordingBuilder, or a stream's sink. */
export interface EventSink {
  add(windowId: string, raw: unknown, path: string): void;
}

/** The events of every complete chunk set, each in its own window or else the set's. */
export function addChunkSets(chunks: ChunkAssembler, sink: EventSink): void {
  for (const set of chunks.decode()) {
    set.events.forEach((event: unknown, i: number) => {
      const p = `${set.path}[${i}]`;
      const w =
        isRecord(event) && event.windowId !== undefined && event.windowId !== null
          ? windowIdOf(event.windowId, `${p}.windowId`)
          : set.windowId;
      sink.add(w, withoutWindowId(event), p);
    });
  }
}

/** One blob_v2 line (or an older blob v1 / realtime line) into a sink. */
export function addBlobLine(builder: EventSink, value: unknown, path: string): void {
  if (Array.isArray(value)) {
    if (value.length !== 2)
      throw new CodecError(
        "INVALID_EVENT",
        `Expected a [windowId, event] pair, got an array of ${value.length}`,
        { path },
      );
    builder.add(windowIdOf(value[0], `${path}[0]`), value[1], `${path}[1]`);
    return;
  }
  if (!isRecord(value))
    throw new CodecError("INVALID_EVENT", `Expected a [windowId, event] line, got ${describe(value)}`, {
      path,
    });
  // Older line shapes the PostHog player still reads: blob v1 and realtime, then bare events with windowId.
  const windowKey = "window_id" in value ? "window_id" : "windowId" in value ? "windowId" : null;
  if (windowKey && Array.isArray(value.data)) {
    const windowId = windowIdOf(value[windowKey], `${path}.${windowKey}`);
    value.data.forEach((event: unknown, i: number) => builder.add(windowId, event, `${path}.data[${i}]`));
    return;
  }
  if (windowKey === "windowId") {
    builder.add(windowIdOf(value.windowId, `${path}.windowId`), withoutWindowId(value), path);
    return;
  }
  throw new CodecError("INVALID_EVENT", "Expected a [windowId, event] line", { path });
}

async function readPosthogExport(
  doc: unknown,
  limits: Limits,
  sessionId: string | undefined,
  sessionIdFor: () => Promise<string>,
): Promise<ReadResult> {
  if (!isRecord(doc)) throw new CodecError("UNKNOWN_FORMAT", "A PostHog export must be a JSON object");
  const version = doc.version;
  if (!("version" in doc))
    throw new CodecError("UNKNOWN_VERSION", missingVersionMessage(), { path: "version" });
  checkExportVersion(version);
  const data = doc.data;
  if (!isRecord(data))
    throw new CodecError("INVALID_EVENT", `Expected the export's data object, got ${describe(data)}`, {
      path: "data",
    });
  const builder = new RecordingBuilder(limits);
  if (version === "2023-04-28") {
    if (!Array.isArray(data.snapshots)) {
      throw new CodecError(
        "INVALID_EVENT",
        `Expected data.snapshots to be an array, got ${describe(data.snapshots)}`,
        { path: "data.snapshots" },
      );
    }
    data.snapshots.forEach((event: unknown, i: number) => {
      const path = `data.snapshots[${i}]`;
      const windowId =
        isRecord(event) && event.windowId !== undefined && event.windowId !== null
          ? windowIdOf(event.windowId, `${path}.windowId`)
          : "1";
      builder.add(windowId, withoutWindowId(event), path);
    });
  } else {
    const byWindow = data.snapshotsByWindowId;
    if (!isRecord(byWindow)) {
      throw new CodecError(
        "INVALID_EVENT",
        `Expected data.snapshotsByWindowId to be an object, got ${describe(byWindow)}`,
        { path: "data.snapshotsByWindowId" },
      );
    }
    for (const [windowId, events] of Object.entries(byWindow)) {
      const path = `data.snapshotsByWindowId[${JSON.stringify(windowId)}]`;
      if (!Array.isArray(events))
        throw new CodecError("INVALID_EVENT", `Expected an array of events, got ${describe(events)}`, {
          path,
        });
      events.forEach((event: unknown, i: number) =>
        builder.add(windowId, withoutWindowId(event), `${path}[${i}]`),
      );
    }
  }
  const person = isRecord(data.person) ? data.person : null;
  const distinctIds = person && Array.isArray(person.distinct_ids) ? person.distinct_ids : [];
  const distinctId = typeof distinctIds[0] === "string" ? distinctIds[0] : null;
  const id = typeof data.id === "string" && data.id !== "" ? data.id : (sessionId ?? (await sessionIdFor()));
  const recording: Recording = builder.build(id, distinctId);
  if (person) recording.person = person;
  return { format: "posthog-export", formatVersion: version, recordings: [recording], redactions: [] };
}

/**
 * The distinct id a legacy document carries: PostHog's old long-term-storage object and the
 * recording API wrappers keep it at the top (`distinct_id`) or in their `person` / `result`.
 */
function distinctIdOf(doc: unknown): string | null {
  if (!isRecord(doc)) return null;
  for (const holder of [doc, doc.result, doc.person]) {
    if (!isRecord(holder)) continue;
    const value = holder.distinct_id ?? holder.distinctId;
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    const ids = holder.distinct_ids;
    if (Array.isArray(ids) && typeof ids[0] === "string") return ids[0];
  }
  return null;
}

/** The list of items a legacy document wraps, if it wraps one that could hold PostHog events. */
function eventList(doc: unknown): { items: unknown[]; path: string } | null {
  if (Array.isArray(doc)) return { items: doc, path: "events" };
  if (isRecord(doc) && Array.isArray(doc.result)) return { items: doc.result, path: "result" };
  if (isRecord(doc) && Array.isArray(doc.results)) return { items: doc.results, path: "results" };
  return null;
}

async function readRrwebDocument(
  doc: unknown,
  limits: Limits,
  sessionIdFor: () => Promise<string>,
): Promise<ReadResult> {
  const list = eventList(doc);
  if (list && isCaptureEventLike(list.items.find(isRecord))) {
    return readEventList(list.items, list.path, limits, sessionIdFor);
  }
  const builder = new RecordingBuilder(limits);
  const chunks = new ChunkAssembler(limits);
  const windowOrder = new WindowOrder();
  let formatVersion: string | null = null;
  const addAll = (events: unknown[], path: string, windowId?: string) =>
    events.forEach((event: unknown, i: number) => {
      const p = `${path}[${i}]`;
      const w =
        windowId ??
        (isRecord(event) && event.windowId !== undefined && event.windowId !== null
          ? windowIdOf(event.windowId, `${p}.windowId`)
          : "");
      windowOrder.see(w);
      // 2021 storage kept pieces of gzipped snapshot lists where events would be.
      if (isSnapshotChunk(event)) chunks.add(event, p, w);
      else builder.add(w, withoutWindowId(event), p);
    });
  if (Array.isArray(doc)) {
    addAll(doc, "events");
  } else if (isRecord(doc) && Array.isArray(doc.result)) {
    formatVersion = "legacy-result";
    addAll(doc.result, "result");
  } else if (isRecord(doc) && isRecord(doc.result) && Array.isArray(doc.result.snapshots)) {
    formatVersion = "legacy-result";
    addAll(doc.result.snapshots, "result.snapshots");
  } else if (isRecord(doc) && isRecord(doc.snapshot_data_by_window_id)) {
    formatVersion = "legacy-snapshot-data-by-window-id";
    for (const [windowId, events] of Object.entries(doc.snapshot_data_by_window_id)) {
      const path = `snapshot_data_by_window_id[${JSON.stringify(windowId)}]`;
      if (!Array.isArray(events))
        throw new CodecError("INVALID_EVENT", `Expected an array of events, got ${describe(events)}`, {
          path,
        });
      addAll(events, path, windowId);
    }
  } else if (isRecord(doc) && Array.isArray(doc.snapshots)) {
    formatVersion = "legacy-snapshots";
    addAll(doc.snapshots, "snapshots");
  } else {
    // A single rrweb event object (or a single chunk piece).
    addAll([doc], "events");
  }
  addChunkSets(chunks, builder);
  const sessionId = await sessionIdFor();
  const recording = builder.build(sessionId, distinctIdOf(doc));
  windowOrder.apply(recording);
  // Events without a window id belong to the session's default window, as PostHog falls back to the session id.
  for (const w of recording.windows) if (w.windowId === "") w.windowId = sessionId;
  mergeDuplicateWindows(recording);
  return { format: "rrweb-json", formatVersion, recordings: [recording], redactions: [] };
}

/**
 * Windows in the order the file first mentions them. Chunked events are only decoded at the end,
 * so without this a window that starts with a chunk piece would come after every other window.
 */
class WindowOrder {
  private readonly order = new Map<string, number>();

  see(windowId: string): void {
    if (!this.order.has(windowId)) this.order.set(windowId, this.order.size);
  }

  apply(recording: Recording): void {
    const rank = (id: string) => this.order.get(id) ?? Number.MAX_SAFE_INTEGER;
    recording.windows.sort((a, b) => rank(a.windowId) - rank(b.windowId));
  }
}

interface EventListSession {
  builder: RecordingBuilder;
  windowOrder: WindowOrder;
  distinctId: string | null;
  posthogEvents: CaptureEvent[];
}

/**
 * An old PostHog events list (an `/api/event` page or a JSON export of events): `$snapshot` events
 * carry one rrweb event, a list of them, or a 2021 chunk piece in `$snapshot_data`. One recording
 * per `$session_id`, in first-seen order; the other events of those sessions become `posthogEvents`.
 */
async function readEventList(
  items: unknown[],
  path: string,
  limits: Limits,
  sessionIdFor: () => Promise<string>,
): Promise<ReadResult> {
  const sessions = new Map<string, EventListSession>();
  const chunks = new ChunkAssembler(limits);
  const others: CaptureEvent[] = [];
  let total = 0;
  let fallbackId: string | undefined;
  const sessionFor = (id: string): EventListSession => {
    let s = sessions.get(id);
    if (!s) {
      s = {
        builder: new RecordingBuilder(limits),
        windowOrder: new WindowOrder(),
        distinctId: null,
        posthogEvents: [],
      };
      sessions.set(id, s);
    }
    return s;
  };
  const add = (s: EventListSession, windowId: string, event: unknown, p: string) => {
    total++;
    if (limits.maxEvents !== undefined && total > limits.maxEvents) {
      throw new CodecError("TOO_LARGE", `The file holds more than the limit of ${limits.maxEvents} events`);
    }
    s.builder.add(windowId, withoutWindowId(event), p);
  };
  for (let i = 0; i < items.length; i++) {
    const p = `${path}[${i}]`;
    const event = validateCaptureEvent(items[i], p);
    if (event.event !== "$snapshot") {
      others.push(event);
      continue;
    }
    const props = event.properties;
    const sessionId =
      typeof props.$session_id === "string" && props.$session_id !== ""
        ? props.$session_id
        : (fallbackId ??= await sessionIdFor());
    const windowId =
      typeof props.$window_id === "string" && props.$window_id !== "" ? props.$window_id : sessionId;
    const session = sessionFor(sessionId);
    session.windowOrder.see(windowId);
    const distinct = event.distinct_id ?? props.distinct_id;
    if (typeof distinct === "string" || typeof distinct === "number") session.distinctId ??= String(distinct);
    const data = props.$snapshot_data;
    const dataPath = `${p}.properties.$snapshot_data`;
    if (isSnapshotChunk(data)) chunks.add(data, dataPath, windowId, sessionId);
    else if (Array.isArray(data))
      data.forEach((e: unknown, j: number) => add(session, windowId, e, `${dataPath}[${j}]`));
    else if (isRecord(data)) add(session, windowId, data, dataPath);
    else {
      throw new CodecError(
        "INVALID_CAPTURE",
        `A $snapshot event needs $snapshot_data (an rrweb event, a list of them or a chunk piece), got ${describe(data)}`,
        { path: dataPath },
      );
    }
  }
  for (const set of chunks.decode()) {
    const session = sessionFor(set.sessionKey);
    set.events.forEach((e: unknown, i: number) => add(session, set.windowId, e, `${set.path}[${i}]`));
  }
  if (sessions.size === 0) {
    throw new CodecError(
      "UNKNOWN_FORMAT",
      `The file is a list of ${items.length} PostHog events without a single $snapshot event, so it holds no recording`,
    );
  }
  for (const event of others) {
    const id = event.properties.$session_id;
    if (typeof id === "string") sessions.get(id)?.posthogEvents.push(event);
  }
  const recordings = [...sessions].map(([id, s]) => {
    const recording = s.builder.build(id, s.distinctId, s.posthogEvents);
    s.windowOrder.apply(recording);
    return recording;
  });
  return { format: "rrweb-json", formatVersion: LEGACY_EVENTS, recordings, redactions: [] };
}

function mergeDuplicateWindows(recording: Recording): void {
  const seen = new Map<string, number>();
  const windows: Recording["windows"] = [];
  for (const w of recording.windows) {
    const at = seen.get(w.windowId);
    if (at === undefined) {
      seen.set(w.windowId, windows.length);
      windows.push(w);
    } else {
      const target = windows[at] as Recording["windows"][number];
      target.events = [...target.events, ...w.events].sort((a, b) => a.timestamp - b.timestamp);
    }
  }
  recording.windows = windows;
}
