import { playableRecording, type Recording } from "@replay-devkit/codec";
import { type DetectorId, detectorInfo, SEVERITY_RANK, type Severity } from "./detectors.js";
import { PrivacyError } from "./errors.js";
import { maskingHint, type MaskingHint } from "./hints.js";
import { inspect } from "./inspect.js";
import { compileEngine, type DetectionOptions, parseSeverity } from "./options.js";
import { redactedPreview } from "./preview.js";
import {
  assertRecording,
  eventLabel,
  eventTimestamp,
  formatOffset,
  recordingFields,
  recordingStart,
} from "./recording.js";
import {
  pathToString,
  type Site,
  type SiteKind,
  walkPosthogEvent,
  walkRecordingFields,
  WindowWalker,
  classesFor,
} from "./walk.js";

export interface ScanOptions extends DetectionOptions {
  /** Findings below this severity are left out of the report entirely. Default "low" (keep all). */
  minSeverity?: Severity;
  /** `report.ok` is false when more than this many findings remain. Default 0: any finding fails. */
  threshold?: number;
  /** At most this many findings are listed (totals still count all). Default 1000; bounds report size. */
  limit?: number;
}

export interface FindingLocation {
  /** "window": an rrweb event; "posthog-event": an analytics event; "recording": distinctId or person. */
  scope: "window" | "posthog-event" | "recording";
  windowId?: string;
  windowIndex?: number;
  /** Index into `windows[windowIndex].events` or into `posthogEvents`; -1 for recording-level values. */
  eventIndex: number;
  /** `FullSnapshot`, `Incremental/Input`, `Plugin/rrweb/network@1`, or the analytics event name. */
  event: string;
  /** Epoch milliseconds of the event. */
  timestamp?: number;
  /** Milliseconds since the first rrweb event of the recording, and the same as `mm:ss` for the player. */
  offsetMs?: number;
  offset?: string;
  /** JSON path inside the event, plus the part inside the value (`.user.email` in a body, `?token` in a URL). */
  path: string;
  /** rrweb node id (element for attributes and inputs, text node for text). */
  nodeId?: number;
  /** `tag#id.class > tag.class`, from the nearest ancestor with an id. */
  selector?: string;
  /** The tag chain from the document root: `html > body > div > span`. */
  nodePath?: string;
  attribute?: string;
  header?: string;
  /** JSON key or property name holding the value. */
  key?: string;
}

export interface Finding {
  /** Stable within a report: scope, window, event index, path and detector. */
  id: string;
  detector: DetectorId;
  /** More specific name where one exists (card brand, key vendor). */
  label?: string;
  severity: Severity;
  /** What kind of place the value sits in. */
  kind: SiteKind;
  location: FindingLocation;
  /** Enough to recognise the value, never the value itself. */
  preview: string;
  /** The posthog-js setting that would have masked it. */
  hint: MaskingHint;
}

export interface ScanReport {
  /** Report format version; bump on breaking changes to this shape. */
  version: 1;
  sessionId: string;
  /** False when findings exceed the threshold: the CLI exits non-zero on this. */
  ok: boolean;
  threshold: number;
  minSeverity: Severity;
  totals: {
    findings: number;
    bySeverity: Record<Severity, number>;
    byDetector: Partial<Record<DetectorId, number>>;
    byKind: Partial<Record<SiteKind, number>>;
  };
  /** Sorted by time, then window and event index. At most `limit` entries. */
  findings: Finding[];
  /** True when more findings exist than were listed. */
  truncated: boolean;
  scanned: { windows: number; events: number; posthogEvents: number; strings: number };
  /** Checks the scan could not make, e.g. a recorded `maskTextSelector` it cannot evaluate. */
  notes: string[];
}

interface EventLocation {
  scope: FindingLocation["scope"];
  windowId?: string;
  windowIndex?: number;
  eventIndex: number;
  event: string;
  timestamp?: number;
}

/**
 * Finds personal data and secrets that made it into a recording: DOM text and attributes, input
 * values, console arguments, URLs, network headers and bodies, custom events (`$posthog_config`
 * included) and PostHog event properties. Pure; never mutates `rec`.
 */
export function scanRecording(rec: Recording, options?: ScanOptions): ScanReport {
  assertRecording(rec);
  const engine = compileEngine(options);
  const minSeverity =
    options?.minSeverity === undefined ? "low" : parseSeverity(options.minSeverity, "minSeverity");
  const threshold = nonNegativeInt(options?.threshold, "threshold", 0);
  const limit = nonNegativeInt(options?.limit, "limit", 1000);
  const start = recordingStart(rec);

  const findings: Finding[] = [];
  const totals: ScanReport["totals"] = {
    findings: 0,
    bySeverity: { low: 0, medium: 0, high: 0 },
    byDetector: {},
    byKind: {},
  };
  const seenIds = new Map<string, number>();
  let strings = 0;
  let events = 0;

  const collect = (site: Site, loc: EventLocation, walker: WindowWalker | undefined): undefined => {
    strings++;
    const result = inspect(site.value, site.ctx, engine, false);
    for (const hit of result.hits) {
      const severity = hit.severity ?? detectorInfo(hit.detector).severity;
      if (SEVERITY_RANK[severity] < SEVERITY_RANK[minSeverity]) continue;
      totals.findings++;
      totals.bySeverity[severity]++;
      totals.byDetector[hit.detector] = (totals.byDetector[hit.detector] ?? 0) + 1;
      totals.byKind[site.kind] = (totals.byKind[site.kind] ?? 0) + 1;
      if (findings.length >= limit) continue;
      findings.push(buildFinding(site, loc, walker, hit, severity, start, seenIds));
    }
    return undefined;
  };

  const notes: string[] = [];
  // Mobile wireframes are scanned as the DOM they play as, so findings point at rebuilt elements.
  playableRecording(rec).windows.forEach((w, windowIndex) => {
    const walker = new WindowWalker(classesFor(w.events, engine, notes));
    w.events.forEach((event, eventIndex) => {
      events++;
      const loc: EventLocation = {
        scope: "window",
        windowId: w.windowId,
        windowIndex,
        eventIndex,
        event: eventLabel(event),
      };
      const ts = eventTimestamp(event);
      if (ts !== undefined) loc.timestamp = ts;
      walker.walkEvent(event, (site) => collect(site, loc, walker), false);
    });
  });

  const posthogEvents = rec.posthogEvents ?? [];
  posthogEvents.forEach((event: unknown, eventIndex) => {
    if (typeof event !== "object" || event === null) return;
    const bag = event as Record<string, unknown>;
    const loc: EventLocation = {
      scope: "posthog-event",
      eventIndex,
      event: typeof bag.event === "string" ? bag.event : "?",
    };
    const ts = eventTimestamp(event);
    if (ts !== undefined) loc.timestamp = ts;
    walkPosthogEvent(bag, (site) => collect(site, loc, undefined), false);
  });

  const recLoc: EventLocation = { scope: "recording", eventIndex: -1, event: "recording" };
  walkRecordingFields(recordingFields(rec), (site) => collect(site, recLoc, undefined), false);

  findings.sort(
    (a, b) =>
      (a.location.offsetMs ?? Number.MAX_SAFE_INTEGER) - (b.location.offsetMs ?? Number.MAX_SAFE_INTEGER) ||
      (a.location.windowIndex ?? -1) - (b.location.windowIndex ?? -1) ||
      a.location.eventIndex - b.location.eventIndex,
  );

  return {
    version: 1,
    sessionId: typeof rec.sessionId === "string" ? rec.sessionId : "",
    ok: totals.findings <= threshold,
    threshold,
    minSeverity,
    totals,
    findings,
    truncated: totals.findings > findings.length,
    scanned: { windows: rec.windows.length, events, posthogEvents: posthogEvents.length, strings },
    // Every window repeats its recorder options; one note per distinct problem is enough.
    notes: [...new Set(notes)],
  };
}

function nonNegativeInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new PrivacyError(
      "INVALID_OPTIONS",
      `${name} must be a non-negative integer; got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function buildFinding(
  site: Site,
  loc: EventLocation,
  walker: WindowWalker | undefined,
  hit: { detector: DetectorId; secret: string; label?: string; subPath?: string },
  severity: Severity,
  start: number | undefined,
  seenIds: Map<string, number>,
): Finding {
  const path = pathToString(site.path) + (hit.subPath ? ` ${hit.subPath}` : "");
  const location: FindingLocation = { scope: loc.scope, eventIndex: loc.eventIndex, event: loc.event, path };
  if (loc.windowId !== undefined) location.windowId = loc.windowId;
  if (loc.windowIndex !== undefined) location.windowIndex = loc.windowIndex;
  if (loc.timestamp !== undefined) {
    location.timestamp = loc.timestamp;
    if (start !== undefined) {
      location.offsetMs = loc.timestamp - start;
      location.offset = formatOffset(location.offsetMs);
    }
  }
  if (site.nodeId !== undefined) {
    location.nodeId = site.nodeId;
    const described = walker?.describeNode(site.nodeId);
    if (described) {
      location.selector = described.selector;
      location.nodePath = described.nodePath;
    }
  }
  if (site.attribute !== undefined) location.attribute = site.attribute;
  if (site.header !== undefined) location.header = site.header;
  if (site.key !== undefined && site.header === undefined) location.key = site.key;

  const baseId = `${loc.scope}:${loc.windowIndex ?? "-"}:${loc.eventIndex}:${path}:${hit.detector}`;
  const n = seenIds.get(baseId) ?? 0;
  seenIds.set(baseId, n + 1);

  const finding: Finding = {
    id: n === 0 ? baseId : `${baseId}#${n}`,
    detector: hit.detector,
    severity,
    kind: site.kind,
    location,
    preview: redactedPreview(hit.secret, hit.detector),
    hint: maskingHint(site.kind, site.attribute ?? site.header ?? site.key, hit.detector),
  };
  if (hit.label !== undefined) finding.label = hit.label;
  return finding;
}
