import { EventType, type Recording } from "@replay-devkit/codec";
import { PrivacyError } from "./errors.js";

function invalid(message: string): never {
  throw new PrivacyError("INVALID_RECORDING", message);
}

function isBag(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/**
 * Checks the Recording shape at the package boundary. Events themselves are not validated here (the
 * codec did that on the way in); the walker treats every field as unknown and skips what it cannot read.
 */
export function assertRecording(value: unknown): asserts value is Recording {
  if (!isBag(value)) invalid(`expected a Recording object, got ${value === null ? "null" : typeof value}.`);
  if (!Array.isArray(value.windows)) {
    invalid(
      "recording.windows must be an array; read files with @replay-devkit/codec (readRecordingFile) first.",
    );
  }
  value.windows.forEach((w: unknown, i) => {
    if (!isBag(w) || typeof w.windowId !== "string" || !Array.isArray(w.events)) {
      invalid(`recording.windows[${i}] must be { windowId: string, events: RrwebEvent[] }.`);
    }
  });
  if (value.posthogEvents !== undefined && !Array.isArray(value.posthogEvents)) {
    invalid("recording.posthogEvents must be an array.");
  }
}

const TYPE_NAMES = [
  "DomContentLoaded",
  "Load",
  "FullSnapshot",
  "Incremental",
  "Meta",
  "Custom",
  "Plugin",
  "Asset",
];
const SOURCE_NAMES = [
  "Mutation",
  "MouseMove",
  "MouseInteraction",
  "Scroll",
  "ViewportResize",
  "Input",
  "TouchMove",
  "MediaInteraction",
  "StyleSheetRule",
  "CanvasMutation",
  "Font",
  "Log",
  "Drag",
  "StyleDeclaration",
  "Selection",
  "AdoptedStyleSheet",
  "CustomElement",
];

/** `FullSnapshot`, `Incremental/Input`, `Custom/$posthog_config`, `Plugin/rrweb/network@1` … */
export function eventLabel(event: unknown): string {
  if (!isBag(event) || typeof event.type !== "number") return "Unknown";
  const base = TYPE_NAMES[event.type] ?? `Type${event.type}`;
  const data = isBag(event.data) ? event.data : {};
  if (event.type === EventType.IncrementalSnapshot && typeof data.source === "number")
    return `${base}/${SOURCE_NAMES[data.source] ?? data.source}`;
  if (event.type === EventType.Custom && typeof data.tag === "string") return `${base}/${data.tag}`;
  if (event.type === EventType.Plugin && typeof data.plugin === "string") return `${base}/${data.plugin}`;
  return base;
}

export function eventTimestamp(event: unknown): number | undefined {
  if (!isBag(event)) return undefined;
  const t = event.timestamp;
  if (typeof t === "number" && Number.isFinite(t)) return t;
  if (typeof t === "string") {
    const parsed = Date.parse(t);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** The earliest rrweb timestamp; offsets in findings count from here, as the player's timeline does. */
export function recordingStart(rec: Recording): number | undefined {
  let start: number | undefined;
  for (const w of rec.windows) {
    for (const e of w.events) {
      const t = eventTimestamp(e);
      if (t !== undefined && (start === undefined || t < start)) start = t;
    }
  }
  return start;
}

/** The recording-level fields the walker visits; a fresh object, so callers may write into it. */
export function recordingFields(rec: Recording): Record<string, unknown> {
  const fields: Record<string, unknown> = { distinctId: rec.distinctId };
  if (rec.person !== undefined) fields.person = rec.person;
  return fields;
}
