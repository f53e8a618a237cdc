import {
  type CompiledDetectors,
  type DetectorId,
  findTextMatches,
  isAllowlisted,
  resolveOverlaps,
  type Severity,
  type TextMatch,
} from "./detectors.js";
import type { Selector } from "./selector.js";
import {
  isInertValue,
  isMasked,
  isSecretHeader,
  isSecretKey,
  isSecretParam,
  PASSWORD_PARAMS,
  normalizeName,
  type SensitiveNames,
} from "./sensitive.js";

/** How a string slot is read. */
export type ValueFormat =
  /** free text; absolute URLs inside it get URL rules too */
  | "text"
  /** the whole value is a (possibly relative) URL */
  | "url"
  /** a string that may hold JSON or a form-encoded body (network bodies, console arguments) */
  | "json-text"
  /** an HTTP header value; `name` is the header name */
  | "header";

export interface Engine extends CompiledDetectors {
  names: SensitiveNames;
  /** posthog-js's mask and block classes and selectors, for the mask-violation check. */
  classes: MaskClasses;
  /** Which of them the caller set; the others may come from the recording's `$session_options`. */
  classesFromOptions: Record<keyof MaskClasses, boolean>;
}

export interface MaskClasses {
  mask: string;
  block: string;
  /** `session_recording.maskTextSelector`: text inside a matching element is recorded as `*`. */
  maskSelector?: Selector | undefined;
  /** `session_recording.blockSelector`: a matching element is recorded without its content. */
  blockSelector?: Selector | undefined;
}

/** One thing found inside a string slot. */
export interface Hit {
  detector: DetectorId;
  /** The matched secret; only used to build previews and replacements, never stored in reports. */
  secret: string;
  label?: string;
  /** Where inside the value: a JSON path into a parsed body (`.user.email`) or `?token` for a query param. */
  subPath?: string;
  /** Overrides the detector's default severity. */
  severity?: Severity;
}

export interface Inspection {
  hits: Hit[];
  /** The scrubbed value (only computed when `scrub` is true; equals the input when nothing changed). */
  output: string;
}

export interface SlotContext {
  format: ValueFormat;
  /** JSON key, attribute name or header name holding the value. */
  name?: string | undefined;
  /**
   * Every value in this container is sensitive (the `request_headers` echoed by `$posthog_config`):
   * the scrubber replaces all of them, the scanner reports names that are not obviously secret as medium.
   */
  sensitiveContainer?: boolean | undefined;
  /**
   * The value sits inside an element posthog-js masks (`maskTextClass`, `maskTextSelector`) or blocks
   * (`blockClass`, `blockSelector`), so anything but `*` means masking failed.
   */
  mustBeMasked?: "mask" | "block" | undefined;
}

export function replacementFor(detector: DetectorId): string {
  return `[redacted:${detector}]`;
}

interface Span {
  start: number;
  end: number;
  detector: DetectorId;
  label?: string | undefined;
  subPath?: string | undefined;
}

const NONE: Hit[] = [];

/** Inspects one string slot. Pure: returns hits and (when `scrub`) the redacted value. */
export function inspect(value: string, ctx: SlotContext, engine: Engine, scrub: boolean): Inspection {
  if (value.length === 0 || isMasked(value)) return { hits: NONE, output: value };

  if (
    ctx.mustBeMasked !== undefined &&
    engine.enabled.has("mask-violation") &&
    !isAllowlisted(value, engine)
  ) {
    const label =
      ctx.mustBeMasked === "mask" ? "clear text inside a masked element" : "content inside a blocked element";
    // Scrubbing does what rrweb would have done: every non-space character becomes `*`.
    return {
      hits: [{ detector: "mask-violation", secret: value, label }],
      output: scrub ? value.replace(/\S/g, "*") : value,
    };
  }

  if (ctx.format === "header" && ctx.name !== undefined) {
    const secretName = isSecretHeader(ctx.name, engine.names);
    if (
      (secretName || ctx.sensitiveContainer) &&
      !isInertValue(value) &&
      engine.enabled.has("secret-header")
    ) {
      if (isAllowlisted(value, engine)) return { hits: NONE, output: value };
      const hit: Hit = { detector: "secret-header", secret: value };
      if (!secretName) hit.severity = "medium";
      return { hits: [hit], output: scrub ? replacementFor("secret-header") : value };
    }
    return inspectText(value, engine, scrub, false);
  }

  if (ctx.name !== undefined && isSecretKey(ctx.name, engine.names) && engine.enabled.has("secret-field")) {
    if (isInertValue(value) || isAllowlisted(value, engine)) return { hits: NONE, output: value };
    return {
      hits: [{ detector: "secret-field", secret: value }],
      output: scrub ? replacementFor("secret-field") : value,
    };
  }

  if (ctx.format === "url") return inspectText(value, engine, scrub, true);
  if (ctx.format === "json-text") return inspectJsonText(value, engine, scrub);
  return inspectText(value, engine, scrub, false);
}

function applySpans(value: string, spans: readonly Span[]): string {
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += value.slice(at, s.start) + replacementFor(s.detector);
    at = s.end;
  }
  return out + value.slice(at);
}

function toInspection(value: string, spans: Span[], scrub: boolean): Inspection {
  if (spans.length === 0) return { hits: NONE, output: value };
  const kept = resolveOverlaps(spans as TextMatch[]) as Span[];
  const hits = kept.map((s) => {
    const hit: Hit = { detector: s.detector, secret: value.slice(s.start, s.end) };
    if (s.label !== undefined) hit.label = s.label;
    if (s.subPath !== undefined) hit.subPath = s.subPath;
    return hit;
  });
  return { hits, output: scrub ? applySpans(value, kept) : value };
}

// Absolute URLs inside free text (console messages, stack traces, CSS-free text nodes).
const EMBEDDED_URL_RE = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s"'<>\\`]{1,4096}/gi;

function inspectText(value: string, engine: Engine, scrub: boolean, wholeIsUrl: boolean): Inspection {
  if (wholeIsUrl && /^(?:data|blob|javascript):/i.test(value)) return { hits: NONE, output: value };
  const spans: Span[] = findTextMatches(value, engine);
  if (wholeIsUrl) urlSpans(value, 0, engine, spans);
  else if (value.includes("://")) {
    EMBEDDED_URL_RE.lastIndex = 0;
    for (let m = EMBEDDED_URL_RE.exec(value); m !== null; m = EMBEDDED_URL_RE.exec(value)) {
      if (/^(?:data|blob):/i.test(m[0])) continue;
      urlSpans(m[0], m.index, engine, spans);
    }
  }
  return toInspection(value, spans, scrub);
}

function safeDecode(raw: string): string {
  if (!raw.includes("%") && !raw.includes("+")) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/**
 * URL structure rules: credentials in the authority, secret query/fragment parameters, and detector
 * matches inside percent-decoded parameter values. Spans are pushed with absolute offsets.
 */
function urlSpans(url: string, offset: number, engine: Engine, out: Span[]): void {
  const on = engine.enabled;
  const authority = /^[a-z][a-z0-9+.-]{1,20}:\/\/([^/?#@\s]{1,512})@/i.exec(url);
  if (authority && on.has("password-in-url")) {
    const userinfo = authority[1] as string;
    if (userinfo.includes(":") && !isInertValue(userinfo) && !isAllowlisted(userinfo, engine)) {
      const start = offset + authority[0].length - 1 - userinfo.length;
      out.push({ start, end: start + userinfo.length, detector: "password-in-url", subPath: "userinfo" });
    }
  }
  const q = url.indexOf("?");
  const h = url.indexOf("#");
  if (q >= 0) paramSpans(url, q + 1, h > q ? h : url.length, offset, engine, out);
  // OAuth implicit flow puts access_token in the fragment.
  if (h >= 0 && url.indexOf("=", h) > 0) paramSpans(url, h + 1, url.length, offset, engine, out);
}

function paramSpans(
  url: string,
  from: number,
  to: number,
  offset: number,
  engine: Engine,
  out: Span[],
): void {
  const on = engine.enabled;
  let at = from;
  while (at < to) {
    let amp = url.indexOf("&", at);
    if (amp < 0 || amp > to) amp = to;
    const eq = url.indexOf("=", at);
    if (eq > at && eq < amp) {
      const name = safeDecode(url.slice(at, eq));
      const raw = url.slice(eq + 1, amp);
      const decoded = safeDecode(raw);
      const start = offset + eq + 1;
      if (raw.length > 0 && !isInertValue(decoded) && !isAllowlisted(decoded, engine)) {
        const isPassword = PASSWORD_PARAMS.has(normalizeName(name));
        if (isPassword && on.has("password-in-url")) {
          out.push({ start, end: start + raw.length, detector: "password-in-url", subPath: `?${name}` });
        } else if (isSecretParam(name, engine.names) && on.has("secret-param")) {
          out.push({ start, end: start + raw.length, detector: "secret-param", subPath: `?${name}` });
        } else if (decoded !== raw) {
          // Offsets inside a decoded value do not map back; redact the whole raw value.
          const inner = findTextMatches(decoded, engine)[0];
          if (inner)
            out.push({
              start,
              end: start + raw.length,
              detector: inner.detector,
              label: inner.label,
              subPath: `?${name}`,
            });
        }
      }
    }
    at = amp + 1;
  }
}

const FORM_RE = /^[^\s=&]{1,256}=[^\s&]{0,65536}(?:&[^\s=&]{1,256}=[^\s&]{0,65536}){0,1000}$/;
const MAX_JSON_DEPTH = 1000;

function inspectJsonText(value: string, engine: Engine, scrub: boolean): Inspection {
  const first = value.trimStart()[0];
  if (first === "{" || first === "[" || first === '"') {
    let parsed: unknown;
    let ok = false;
    try {
      parsed = JSON.parse(value);
      ok = true;
    } catch {
      // not JSON after all: fall through to text rules
    }
    if (ok) {
      if (typeof parsed === "string") {
        // console arguments arrive JSON-stringified: "\"text\"".
        const inner = inspect(parsed, { format: "text" }, engine, scrub);
        return {
          hits: inner.hits,
          output: scrub && inner.output !== parsed ? JSON.stringify(inner.output) : value,
        };
      }
      if (typeof parsed === "object" && parsed !== null) {
        const result = inspectJson(parsed, engine, scrub);
        if (result) {
          if (!result.changed) return { hits: result.hits, output: value };
          try {
            return { hits: result.hits, output: JSON.stringify(parsed) };
          } catch {
            // fall through to text rules below
          }
        }
      }
    }
  }
  if (FORM_RE.test(value) && value.includes("=")) {
    const spans: Span[] = findTextMatches(value, engine);
    paramSpans(value, 0, value.length, 0, engine, spans);
    return toInspection(value, spans, scrub);
  }
  return inspectText(value, engine, scrub, false);
}

/**
 * Walks parsed JSON in place (the caller owns `root`). Returns undefined when the structure is too
 * deep to walk safely, so the caller falls back to plain text rules.
 */
function inspectJson(
  root: object,
  engine: Engine,
  scrub: boolean,
): { hits: Hit[]; changed: boolean } | undefined {
  const hits: Hit[] = [];
  let changed = false;
  const stack: { node: object; path: string; depth: number }[] = [{ node: root, path: "", depth: 0 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop() as { node: object; path: string; depth: number };
    if (depth > MAX_JSON_DEPTH) return undefined;
    const entries: [string | number, unknown][] = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : Object.entries(node);
    for (const [key, child] of entries) {
      const childPath = typeof key === "number" ? `${path}[${key}]` : `${path}.${key}`;
      if (typeof child === "string") {
        const name = typeof key === "string" ? key : undefined;
        const r = inspect(child, { format: looksLikeUrl(child) ? "url" : "text", name }, engine, scrub);
        for (const hit of r.hits)
          hits.push({ ...hit, subPath: childPath + (hit.subPath ? ` ${hit.subPath}` : "") });
        if (scrub && r.output !== child) {
          (node as Record<string | number, unknown>)[key] = r.output;
          changed = true;
        }
      } else if (typeof child === "object" && child !== null) {
        stack.push({ node: child, path: childPath, depth: depth + 1 });
      }
    }
  }
  return { hits, changed };
}

export function looksLikeUrl(value: string): boolean {
  return (
    value.length > 1 &&
    value.length < 8192 &&
    (/^https?:\/\//i.test(value) || (value[0] === "/" && value[1] !== "/" && !/\s/.test(value)))
  );
}
