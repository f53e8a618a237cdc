import type {
  CaptureEvent,
  Recording,
  RedactionEntry,
  RrwebEvent,
  SessionMetadata,
} from "@replay-devkit/codec";
import { PrivacyError } from "./errors.js";
import { type Engine, type Hit, inspect } from "./inspect.js";
import { compileEngine, type DetectionOptions } from "./options.js";
import { assertRecording, recordingFields } from "./recording.js";
import {
  DROP,
  pathToString,
  type Site,
  type Visit,
  walkGeneric,
  walkPosthogEvent,
  walkRecordingFields,
  WindowWalker,
  classesFor,
} from "./walk.js";

// Node 17+ and every current browser have it; the universal tsconfig carries no platform typings.
declare const structuredClone: <T>(value: T) => T;

export interface ScrubOptions extends DetectionOptions {
  /**
   * What happens to secret headers (Authorization, Cookie, Set-Cookie, X-Api-Key …): "replace" (default)
   * keeps the name with the value `[redacted:secret-header]` so the request still reads right; "drop"
   * deletes the header.
   */
  headers?: "replace" | "drop";
}

export interface ScrubResult {
  /** A new recording; unchanged events are shared with the input, changed ones are copies. */
  recording: Recording;
  /** One entry per changed field and rule. Never contains the removed values. */
  redactions: RedactionEntry[];
}

/** A value that matched nothing keeps its reference; this tells the walker so. */
const KEEP = undefined;

/**
 * Returns a copy of `rec` with secrets and personal data replaced by deterministic markers such as
 * `[redacted:jwt]` (so fixtures stay stable), and a log of every change. Values rrweb masked with `*`
 * are left exactly as they are. The input is not mutated.
 */
export function scrubRecording(rec: Recording, options?: ScrubOptions): ScrubResult {
  assertRecording(rec);
  const engine = compileEngine(options);
  const headerAction = options?.headers ?? "replace";
  if (headerAction !== "replace" && headerAction !== "drop") {
    throw new PrivacyError(
      "INVALID_OPTIONS",
      `headers must be "replace" or "drop"; got ${JSON.stringify(headerAction)}.`,
    );
  }
  const redactions: RedactionEntry[] = [];
  const dryRun: Visit = (site) => (inspect(site.value, site.ctx, engine, false).hits.length > 0 ? "" : KEEP);
  const logTo =
    (location: string): Visit =>
    (site) =>
      scrubSite(site, location, engine, headerAction, redactions);

  const windows = rec.windows.map((w, windowIndex) => {
    const walker = new WindowWalker(classesFor(w.events, engine));
    let touched = false;
    const events = w.events.map((event, eventIndex) => {
      if (!walker.walkEvent(event, dryRun, false)) return event;
      touched = true;
      const copy = structuredClone(event);
      walker.walkEvent(copy, logTo(`windows[${windowIndex}].events[${eventIndex}]`), true);
      return copy as RrwebEvent;
    });
    return touched ? { ...w, events } : w;
  });

  const posthogEvents = (rec.posthogEvents ?? []).map((event, eventIndex) => {
    if (typeof event !== "object" || event === null) return event;
    const bag = event as unknown as Record<string, unknown>;
    if (!walkPosthogEvent(bag, dryRun, false)) return event;
    const copy = structuredClone(bag);
    walkPosthogEvent(copy, logTo(`posthogEvents[${eventIndex}]`), true);
    return copy as unknown as CaptureEvent;
  });

  const out: Recording = { ...rec, windows, posthogEvents };

  if (rec.metadata) {
    const meta = rec.metadata as unknown as Record<string, unknown>;
    const rules = { kind: "metadata" as const };
    if (walkGeneric(meta, undefined, rules, dryRun, false)) {
      const copy = structuredClone(meta);
      walkGeneric(copy, undefined, rules, logTo("metadata"), true);
      out.metadata = copy as unknown as SessionMetadata;
    }
  }

  const fields = recordingFields(rec);
  if (walkRecordingFields(fields, dryRun, false)) {
    const copy = structuredClone(fields);
    walkRecordingFields(copy, logTo("recording"), true);
    out.distinctId = copy.distinctId as string | null;
    if ("person" in copy) out.person = copy.person as Record<string, unknown> | null;
  }

  return { recording: out, redactions };
}

function scrubSite(
  site: Site,
  location: string,
  engine: Engine,
  headerAction: "replace" | "drop",
  log: RedactionEntry[],
): string | typeof DROP | undefined {
  const result = inspect(site.value, site.ctx, engine, true);
  if (result.hits.length === 0) return KEEP;
  const field = pathToString(site.path);
  if (
    site.header !== undefined &&
    headerAction === "drop" &&
    result.hits.some((h) => h.detector === "secret-header")
  ) {
    log.push({ rule: "secret-header", location, field, action: "removed" });
    return DROP;
  }
  for (const [rule, hits] of groupByRule(result.hits)) {
    const entry: RedactionEntry = {
      rule,
      location,
      field: withSubPaths(field, hits),
      // A mask violation is fixed the way rrweb would have masked it, with `*`.
      action: rule === "mask-violation" ? "masked" : "replaced",
    };
    if (hits.length > 1) entry.count = hits.length;
    log.push(entry);
  }
  return result.output;
}

function groupByRule(hits: readonly Hit[]): Map<string, Hit[]> {
  const groups = new Map<string, Hit[]>();
  for (const hit of hits) {
    const list = groups.get(hit.detector);
    if (list) list.push(hit);
    else groups.set(hit.detector, [hit]);
  }
  return groups;
}

function withSubPaths(field: string, hits: readonly Hit[]): string {
  const subs = [...new Set(hits.map((h) => h.subPath).filter((s): s is string => s !== undefined))];
  return subs.length === 0 ? field : `${field} ${subs.join(",")}`;
}
