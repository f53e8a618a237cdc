import { DETECTOR_IDS, type DetectorId, SEVERITY_RANK, type Severity } from "./detectors.js";
import { PrivacyError } from "./errors.js";
import type { Engine } from "./inspect.js";
import { parseSelector, type Selector } from "./selector.js";
import { compileNames } from "./sensitive.js";

/** Options shared by the scanner and the scrubber. */
export interface DetectionOptions {
  /** Turn detectors on or off by id; unlisted detectors stay on. */
  detectors?: Partial<Record<DetectorId, boolean>>;
  /** Exact strings that must never appear (test users' e-mails, seeded passwords …). At least 3 characters each. */
  knownValues?: readonly string[];
  /** Matched values to ignore: a string is compared to the whole match, a RegExp is tested against it. */
  allowlist?: readonly (string | RegExp)[];
  /** Extra header names to treat as secret (case-insensitive). */
  sensitiveHeaders?: readonly string[];
  /** Extra query parameter names to treat as secret. */
  sensitiveParams?: readonly string[];
  /** Extra JSON keys whose values are secret. */
  sensitiveKeys?: readonly string[];
  /** The class posthog-js masks text under (`session_recording.maskTextClass`). Default "ph-mask". */
  maskTextClass?: string;
  /** The class posthog-js blocks (`session_recording.blockClass`). Default "ph-no-capture". */
  blockClass?: string;
  /**
   * `session_recording.maskTextSelector` (posthog-js's `mask_all_text` sets `"*"`). Default: what the
   * recording's `$session_options` says, else none. Type, id, class and attribute selectors with
   * descendant/child combinators are evaluated; pseudo-classes and sibling combinators are refused.
   */
  maskTextSelector?: string;
  /** `session_recording.blockSelector`, evaluated like `maskTextSelector`. */
  blockSelector?: string;
}

export const SEVERITIES: readonly Severity[] = ["low", "medium", "high"];

function fail(message: string): never {
  throw new PrivacyError("INVALID_OPTIONS", message);
}

function stringList(value: unknown, name: string, minLength = 1): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(`${name} must be an array of strings.`);
  for (const v of value) {
    if (typeof v !== "string") fail(`${name} must contain only strings; got ${typeof v}.`);
    if (v.length < minLength) {
      fail(
        `${name} entries must be at least ${minLength} characters ("${v}" would match almost everything).`,
      );
    }
  }
  return value as string[];
}

export function compileEngine(options: DetectionOptions | undefined): Engine {
  const o: DetectionOptions = options ?? {};
  if (typeof o !== "object" || o === null) fail("options must be an object.");
  const enabled = new Set<DetectorId>(DETECTOR_IDS);
  if (o.detectors !== undefined) {
    if (typeof o.detectors !== "object" || o.detectors === null)
      fail("detectors must be an object of { id: boolean }.");
    for (const [id, on] of Object.entries(o.detectors)) {
      if (!DETECTOR_IDS.includes(id as DetectorId)) {
        fail(`unknown detector "${id}". Known detectors: ${DETECTOR_IDS.join(", ")}.`);
      }
      if (typeof on !== "boolean") fail(`detectors.${id} must be true or false.`);
      if (!on) enabled.delete(id as DetectorId);
    }
  }
  const knownValues = stringList(o.knownValues, "knownValues", 3) ?? [];
  const allowlist = o.allowlist ?? [];
  if (!Array.isArray(allowlist)) fail("allowlist must be an array of strings or RegExps.");
  for (const entry of allowlist) {
    if (typeof entry !== "string" && !(entry instanceof RegExp))
      fail("allowlist entries must be strings or RegExps.");
  }
  for (const key of ["maskTextClass", "blockClass"] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== "string" || !/^[A-Za-z_-][\w-]*$/.test(v))) {
      fail(`${key} must be a single CSS class name; got ${JSON.stringify(v)}.`);
    }
  }
  const selector = (key: "maskTextSelector" | "blockSelector"): Selector | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") fail(`${key} must be a CSS selector string; got ${JSON.stringify(v)}.`);
    const parsed = parseSelector(v);
    if (!parsed.ok) fail(`${key} ${JSON.stringify(v)} cannot be evaluated (${parsed.reason}).`);
    return parsed.selector;
  };
  return {
    enabled,
    knownValues,
    allowlist,
    classes: {
      mask: o.maskTextClass ?? "ph-mask",
      block: o.blockClass ?? "ph-no-capture",
      maskSelector: selector("maskTextSelector"),
      blockSelector: selector("blockSelector"),
    },
    classesFromOptions: {
      mask: o.maskTextClass !== undefined,
      block: o.blockClass !== undefined,
      maskSelector: o.maskTextSelector !== undefined,
      blockSelector: o.blockSelector !== undefined,
    },
    names: compileNames({
      headers: stringList(o.sensitiveHeaders, "sensitiveHeaders"),
      params: stringList(o.sensitiveParams, "sensitiveParams"),
      keys: stringList(o.sensitiveKeys, "sensitiveKeys"),
    }),
  };
}

export function parseSeverity(value: unknown, name: string): Severity {
  if (typeof value === "string" && value in SEVERITY_RANK) return value as Severity;
  return fail(`${name} must be one of ${SEVERITIES.join(", ")}; got ${JSON.stringify(value)}.`);
}
