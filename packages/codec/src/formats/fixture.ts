import { CodecError, describe } from "../errors.js";
import { isRecord, jsonLines, parseJson, stableStringify } from "../json.js";
import type { Limits } from "../limits.js";
import { computeMetadata } from "../metadata.js";
import type { CaptureEvent, ReadResult, Recording, SessionMetadata } from "../types.js";
import { validateCaptureEvent } from "../validate.js";
import { RecordingBuilder, mergedEvents, windowIdOf } from "./common.js";
import { FIXTURE_FORMAT } from "./sniff.js";

export const FIXTURE_FORMAT_VERSION = 1;

export interface FixtureHeader {
  format: typeof FIXTURE_FORMAT;
  formatVersion: typeof FIXTURE_FORMAT_VERSION;
  sessionId: string;
  distinctId: string | null;
  windowIds: string[];
  /** How far event timestamps were shifted when written with `rebaseTo` (0 when not rebased). */
  timeShiftMs: number;
  metadata: SessionMetadata;
  person?: Record<string, unknown>;
}

export interface WriteFixtureOptions {
  /** Shift every timestamp so the first event is at this epoch ms (stable diffs across re-recordings). */
  rebaseTo?: number;
}

function shiftIso(iso: string | undefined, shift: number): string | undefined {
  if (iso === undefined || shift === 0) return iso;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms + shift).toISOString() : iso;
}

/**
 * The git-friendly regression fixture: a header line, then one `{"event","window"}` line per rrweb
 * event in time order and one `{"posthogEvent"}` line per PostHog event, all with sorted keys.
 */
export function writeFixture(rec: Recording, opts: WriteFixtureOptions = {}): string {
  const merged = mergedEvents(rec);
  const first = merged[0]?.event.timestamp;
  const shift = opts.rebaseTo !== undefined && first !== undefined ? opts.rebaseTo - first : 0;
  const shifted: Recording = {
    sessionId: rec.sessionId,
    distinctId: rec.distinctId,
    windows: rec.windows.map((w) => ({
      windowId: w.windowId,
      events: shift === 0 ? w.events : w.events.map((e) => ({ ...e, timestamp: e.timestamp + shift })),
    })),
    posthogEvents: rec.posthogEvents.map((e) => {
      if (shift === 0 || e.timestamp === undefined) return e;
      return { ...e, timestamp: shiftIso(e.timestamp, shift) as string };
    }),
  };
  const header: FixtureHeader = {
    format: FIXTURE_FORMAT,
    formatVersion: FIXTURE_FORMAT_VERSION,
    sessionId: rec.sessionId,
    distinctId: rec.distinctId,
    windowIds: rec.windows.map((w) => w.windowId),
    timeShiftMs: shift,
    metadata: computeMetadata(shifted),
  };
  if (rec.person) header.person = rec.person;
  const lines = [stableStringify(header)];
  for (const { windowId, event } of mergedEvents(shifted))
    lines.push(stableStringify({ event, window: windowId }));
  for (const posthogEvent of shifted.posthogEvents) lines.push(stableStringify({ posthogEvent }));
  return `${lines.join("\n")}\n`;
}

function checkHeader(value: unknown): Record<string, unknown> {
  if (!isRecord(value) || value.format !== FIXTURE_FORMAT) {
    throw new CodecError("UNKNOWN_FORMAT", "A fixture must start with a replay-devkit-fixture header", {
      path: "line 1",
    });
  }
  if (value.formatVersion !== FIXTURE_FORMAT_VERSION) {
    throw new CodecError(
      "UNKNOWN_VERSION",
      `Unsupported fixture formatVersion ${describe(value.formatVersion)}; this codec reads version ${FIXTURE_FORMAT_VERSION}`,
      {
        path: "line 1.formatVersion",
      },
    );
  }
  if (typeof value.sessionId !== "string" || value.sessionId === "") {
    throw new CodecError(
      "INVALID_EVENT",
      `Fixture header needs a sessionId string, got ${describe(value.sessionId)}`,
      { path: "line 1.sessionId" },
    );
  }
  return value;
}

export function readFixture(text: string, doc: unknown, limits: Limits): ReadResult {
  const builder = new RecordingBuilder(limits);
  const posthogEvents: CaptureEvent[] = [];
  let header: Record<string, unknown> | null = null;
  const addLine = (value: unknown, path: string) => {
    if (!isRecord(value))
      throw new CodecError("INVALID_EVENT", `Expected an {event, window} line, got ${describe(value)}`, {
        path,
      });
    if ("posthogEvent" in value) {
      posthogEvents.push(validateCaptureEvent(value.posthogEvent, `${path}.posthogEvent`));
      return;
    }
    if (!("event" in value))
      throw new CodecError("INVALID_EVENT", "Expected an {event, window} line", { path });
    builder.add(windowIdOf(value.window, `${path}.window`), value.event, `${path}.event`);
  };
  if (doc !== undefined) {
    // The single-document form: the header fields plus `events` (and optional `posthogEvents`).
    header = checkHeader(doc);
    const events = header.events;
    if (!Array.isArray(events))
      throw new CodecError("INVALID_EVENT", `Expected events to be an array, got ${describe(events)}`, {
        path: "events",
      });
    events.forEach((line: unknown, i: number) => addLine(line, `events[${i}]`));
    if (Array.isArray(header.posthogEvents))
      header.posthogEvents.forEach((e: unknown, i: number) =>
        addLine({ posthogEvent: e }, `posthogEvents[${i}]`),
      );
  } else {
    for (const { line, lineNumber } of jsonLines(text)) {
      const value = parseJson(line, `Line ${lineNumber}`, `line ${lineNumber}`, true);
      if (header === null) header = checkHeader(value);
      else addLine(value, `line ${lineNumber}`);
    }
  }
  if (header === null) throw new CodecError("UNKNOWN_FORMAT", "Empty fixture");
  const distinctId = typeof header.distinctId === "string" ? header.distinctId : null;
  const recording = builder.build(header.sessionId as string, distinctId, posthogEvents);
  // Keep declared windows that had no events, in the header's order.
  if (Array.isArray(header.windowIds)) {
    const order = header.windowIds.filter((id): id is string => typeof id === "string");
    for (const id of order)
      if (!recording.windows.some((w) => w.windowId === id))
        recording.windows.push({ windowId: id, events: [] });
    recording.windows.sort((a, b) => order.indexOf(a.windowId) - order.indexOf(b.windowId));
  }
  if (isRecord(header.metadata)) recording.metadata = header.metadata as unknown as SessionMetadata;
  if (isRecord(header.person)) recording.person = header.person;
  return {
    format: "fixture",
    formatVersion: String(FIXTURE_FORMAT_VERSION),
    recordings: [recording],
    redactions: [],
  };
}
