import { readFile } from "node:fs/promises";
import {
  computeMetadata,
  consoleEntries,
  EventType,
  formatOffset,
  isCodecError,
  networkEntries,
  readRecordingFile,
  toHar,
  type CaptureEvent,
  type ConsoleEntry,
  type Har,
  type Limits,
  type NetworkEntry,
  type Recording,
  type RecordingFormat,
  type RecordingWindow,
  type RrwebEvent,
  type SessionMetadata,
} from "@replay-devkit/codec";
import { recordingMarkers, recordingSpan, type RecordingMarker } from "@replay-devkit/analysis";
import { findClick } from "./dom.js";
import { TestingError } from "./errors.js";

/**
 * Options of {@link loadRecording}.
 * @see loadRecording
 */
export interface LoadOptions {
  /** Size limits handed to the codec (decompressed bytes). */
  limits?: Partial<Limits>;
  /** Session id for formats that carry none (bare rrweb arrays). */
  sessionId?: string;
  /** Which recording to pick when a file holds several: an index or a session id (default: the first). */
  pick?: number | string;
}

/**
 * A point in a recording: which window, which event, when.
 * @see LoadedRecording.at
 */
export interface Moment {
  windowId: string;
  /** Index of the event in its window's `events`. */
  eventIndex: number;
  /** Absolute event time (ms since epoch, as recorded). */
  timestamp: number;
  /** Milliseconds since the first event of the recording. */
  offsetMs: number;
}

/**
 * A recorded user action or page load worth pointing at (analysis's `RecordingMarker`: a
 * {@link Moment} plus what happened there), shared with the CLI's timeline.
 * @see LoadedRecording.markers
 */
export type Marker = RecordingMarker;

/**
 * An rrweb event with where it sits in the recording.
 * @see LoadedRecording.allEvents
 */
export interface LocatedEvent extends Moment {
  event: RrwebEvent;
}

/**
 * A recording read by the codec, with typed accessors for tests. Create one with
 * {@link loadRecording} (from a file or bytes) or {@link fromRecording} (from a codec `Recording`).
 * @see loadRecording
 */
export class LoadedRecording {
  /** The codec's model, unchanged. */
  readonly recording: Recording;
  /** The file format it was read from (`null` when built from a `Recording` in memory). */
  readonly format: RecordingFormat | null;
  /** First event time over all windows (ms since epoch). */
  readonly startTime: number;
  /** Last event time over all windows (ms since epoch). */
  readonly endTime: number;
  #metadata: SessionMetadata | undefined;
  #console: ConsoleEntry[] | undefined;
  #network: NetworkEntry[] | undefined;
  #markers: Marker[] | undefined;

  constructor(recording: Recording, format: RecordingFormat | null = null) {
    this.recording = recording;
    this.format = format;
    const span = recordingSpan(recording);
    if (!span)
      throw new TestingError(
        "NO_RECORDING",
        `Recording ${recording.sessionId} has no rrweb events in any window; there is nothing to replay or assert on.`,
      );
    this.startTime = span.start;
    this.endTime = span.end;
  }

  /** @see Recording.sessionId */
  get sessionId(): string {
    return this.recording.sessionId;
  }

  /** Session metadata (the file's own, else computed by the codec). @see computeMetadata */
  get metadata(): SessionMetadata {
    this.#metadata ??= this.recording.metadata ?? computeMetadata(this.recording);
    return this.#metadata;
  }

  /** Length of the recording in ms (last event minus first). */
  get durationMs(): number {
    return this.endTime - this.startTime;
  }

  /** The windows (browser tabs) of the session, in recorded order. @see RecordingWindow */
  get windows(): readonly RecordingWindow[] {
    return this.recording.windows;
  }

  /** Window ids in recorded order. */
  get windowIds(): string[] {
    return this.recording.windows.map((w) => w.windowId);
  }

  /**
   * The window tests act on by default: the earliest one holding a full snapshot.
   * @see LoadedRecording.window
   */
  get primaryWindowId(): string {
    const withSnapshot = this.recording.windows
      .filter((w) => w.events.some((e) => e.type === EventType.FullSnapshot))
      .sort((a, b) => (a.events[0]?.timestamp ?? 0) - (b.events[0]?.timestamp ?? 0));
    const chosen = withSnapshot[0] ?? this.recording.windows[0];
    return (chosen as RecordingWindow).windowId;
  }

  /**
   * One window by id (default: the primary window). Throws `WINDOW_NOT_FOUND` listing the ids.
   * @see LoadedRecording.primaryWindowId
   */
  window(windowId?: string): RecordingWindow {
    const id = windowId ?? this.primaryWindowId;
    const found = this.recording.windows.find((w) => w.windowId === id);
    if (!found)
      throw new TestingError(
        "WINDOW_NOT_FOUND",
        `Window ${JSON.stringify(id)} is not in recording ${this.sessionId}; it has ${this.windowIds.map((w) => JSON.stringify(w)).join(", ")}.`,
      );
    return found;
  }

  /** The rrweb events of one window (default: the primary one), unpacked and sorted. @see RrwebEvent */
  events(windowId?: string): readonly RrwebEvent[] {
    return this.window(windowId).events;
  }

  /** Every event of every window, merged by time, each with its window and index. @see LocatedEvent */
  allEvents(): LocatedEvent[] {
    const out: LocatedEvent[] = [];
    for (const w of this.recording.windows)
      w.events.forEach((event, eventIndex) =>
        out.push({
          windowId: w.windowId,
          eventIndex,
          timestamp: event.timestamp,
          offsetMs: event.timestamp - this.startTime,
          event,
        }),
      );
    return out.sort((a, b) => a.timestamp - b.timestamp);
  }

  /**
   * Console calls recorded by the console plugin, optionally one level only.
   * @see consoleEntries
   */
  consoleEntries(filter: { level?: string; windowId?: string } = {}): ConsoleEntry[] {
    this.#console ??= consoleEntries(this.recording);
    return this.#console.filter(
      (e) =>
        (filter.level === undefined || e.level === filter.level) &&
        (filter.windowId === undefined || e.windowId === filter.windowId),
    );
  }

  /**
   * Network requests recorded by posthog-js's network plugin, in time order.
   * @see networkEntries
   */
  networkEntries(filter: { windowId?: string } = {}): NetworkEntry[] {
    this.#network ??= networkEntries(this.recording);
    return this.#network.filter((e) => filter.windowId === undefined || e.windowId === filter.windowId);
  }

  /** Whether any request carries a recorded response (status or body), i.e. msw/re-drive can serve it. */
  get hasNetworkData(): boolean {
    return this.networkEntries().some((e) => e.status !== null || e.responseBody !== null);
  }

  /** PostHog analytics events of the session (`$pageview`, custom events), optionally by name. @see CaptureEvent */
  posthogEvents(name?: string): CaptureEvent[] {
    return this.recording.posthogEvents.filter((e) => name === undefined || e.event === name);
  }

  /** The session's network as a HAR 1.2 log. @see toHar */
  har(): Har {
    return toHar(this.recording, { creator: "@replay-devkit/testing" });
  }

  /** Milliseconds since the start of the recording for an absolute timestamp. */
  offsetOf(timestamp: number): number {
    return timestamp - this.startTime;
  }

  /**
   * The last event at or before `offsetMs` (ms since the start) in a window.
   * @see Moment
   */
  at(offsetMs: number, windowId?: string): Moment {
    const events = this.events(windowId);
    const target = this.startTime + offsetMs;
    let lo = 0;
    let hi = events.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((events[mid] as RrwebEvent).timestamp <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const event = events[found] as RrwebEvent;
    return {
      windowId: windowId ?? this.primaryWindowId,
      eventIndex: found,
      timestamp: event.timestamp,
      offsetMs: event.timestamp - this.startTime,
    };
  }

  /** `mm:ss.mmm (event #i of window w)`: how messages point at a moment. @see formatOffset */
  describeMoment(moment: Pick<Moment, "offsetMs" | "eventIndex"> & { windowId?: string }): string {
    const win =
      moment.windowId !== undefined && this.recording.windows.length > 1
        ? ` in window ${moment.windowId}`
        : "";
    return `${formatOffset(moment.offsetMs)} (event #${moment.eventIndex}${win})`;
  }

  /**
   * Recorded page loads, clicks, inputs, scrolls and resizes of every window, in time order.
   * Touch taps count as clicks.
   * @see Marker
   */
  markers(filter: { kind?: Marker["kind"]; windowId?: string } = {}): Marker[] {
    this.#markers ??= this.#buildMarkers();
    return this.#markers.filter(
      (m) =>
        (filter.kind === undefined || m.kind === filter.kind) &&
        (filter.windowId === undefined || m.windowId === filter.windowId),
    );
  }

  /**
   * The page loads whose URL contains `url` (string) or matches it (RegExp); the first one or all.
   * @see LoadedRecording.markers
   */
  findPage(url: string | RegExp, windowId?: string): Marker | undefined {
    return this.markers({ kind: "page", ...(windowId ? { windowId } : {}) }).find((m) =>
      typeof url === "string" ? (m.href ?? "").includes(url) : url.test(m.href ?? ""),
    );
  }

  /**
   * The first click (or tap) on an element matching `selector` (or inside one), checked against
   * the DOM rebuilt at that moment; `nth` picks a later one. The result's `selector` is the
   * stable selector of the matched element.
   * @see findClick
   */
  findClick(
    selector: string,
    opts: { windowId?: string; nth?: number } = {},
  ): (Marker & { selector: string }) | undefined {
    return findClick(this, selector, opts);
  }

  #buildMarkers(): Marker[] {
    return recordingMarkers(this.recording, this.startTime);
  }
}

/**
 * Wraps a codec `Recording` already in memory.
 * @see LoadedRecording
 */
export function fromRecording(recording: Recording, format: RecordingFormat | null = null): LoadedRecording {
  return new LoadedRecording(recording, format);
}

/**
 * Reads a recording file (a path, a `file:` URL or the bytes) in any format the codec knows:
 * our fixture (`.replay.jsonl`), PostHog's Export to JSON, blob_v2, rrweb JSON and our bundle,
 * each optionally gzipped.
 * @see readRecordingFile
 * @see LoadedRecording
 */
export async function loadRecording(
  pathOrBytes: string | URL | Uint8Array,
  opts: LoadOptions = {},
): Promise<LoadedRecording> {
  let bytes: Uint8Array;
  const label = pathOrBytes instanceof Uint8Array ? "the given bytes" : String(pathOrBytes);
  if (pathOrBytes instanceof Uint8Array) bytes = pathOrBytes;
  else {
    try {
      bytes = await readFile(pathOrBytes);
    } catch (error) {
      throw new TestingError(
        "LOAD_FAILED",
        `Cannot read recording file ${label}: ${(error as Error).message}. Check the path (relative paths resolve from the process cwd).`,
        { cause: error },
      );
    }
  }
  let result;
  try {
    result = await readRecordingFile(bytes, {
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.sessionId ? { sessionId: opts.sessionId } : {}),
    });
  } catch (error) {
    const detail = isCodecError(error) ? `${error.code}: ${error.message}` : String(error);
    throw new TestingError("LOAD_FAILED", `Cannot load recording from ${label}: ${detail}`, { cause: error });
  }
  const { recordings } = result;
  let chosen: Recording | undefined;
  if (typeof opts.pick === "string") chosen = recordings.find((r) => r.sessionId === opts.pick);
  else chosen = recordings[opts.pick ?? 0];
  if (!chosen)
    throw new TestingError(
      "NO_RECORDING",
      `${label} holds ${recordings.length} recording(s) (${recordings.map((r) => r.sessionId).join(", ") || "none"}); ` +
        `${opts.pick === undefined ? "there is none to load" : `none matches pick=${JSON.stringify(opts.pick)}`}.`,
    );
  return new LoadedRecording(chosen, result.format);
}
