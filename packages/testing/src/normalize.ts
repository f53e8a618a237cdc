import type { DigestEntry } from "./digest.js";
import { isVolatileClass, isVolatileId } from "@replay-devkit/analysis";

/** How recorded and live DOMs are made comparable. @see redrive */
export interface NormalizeOptions {
  /** Extra text patterns replaced by `<volatile>` before comparing (e.g. order numbers). */
  volatileText?: RegExp[];
  /** Keep hashed class names and generated ids in paths (default false: they are removed). */
  keepVolatileNames?: boolean;
}

const TEXT_RULES: [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, "<date>"],
  [/\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b/g, "<date>"],
  [/\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?\b/gi, "<time>"],
  [/\b1[5-9]\d{8}(?:\d{3})?\b/g, "<timestamp>"],
];

/** Replaces dates, times, epoch timestamps and uuids by placeholders. @see NormalizeOptions */
export function normalizeText(text: string, opts: NormalizeOptions = {}): string {
  let out = text;
  for (const [re, placeholder] of TEXT_RULES) out = out.replace(re, placeholder);
  for (const re of opts.volatileText ?? [])
    out = out.replace(re.global ? re : new RegExp(re.source, `${re.flags}g`), "<volatile>");
  return out;
}

/**
 * rrweb's masking writes one `*` per character: such text matches anything of any length.
 * @see diffDigests
 */
export function isMasked(text: string): boolean {
  return text.length > 0 && /^\*+$/.test(text.replace(/\s+/g, ""));
}

function normalizeSegment(segment: string, opts: NormalizeOptions): string {
  const match = /^([a-z0-9-]+)((?:#[^.[]+)?)((?:\.[^[]+)?)((?:\[\d+\])?)$/i.exec(segment);
  if (!match) return segment;
  const [, tag, idPart = "", classPart = "", position = ""] = match;
  const id = idPart.slice(1);
  const classes = classPart
    .split(".")
    .filter((c) => c !== "")
    // The replayer marks hovered/focused nodes with `:hover`-style classes; they are not app state.
    .filter((c) => !c.startsWith(":") && !c.startsWith("\\:"))
    .filter((c) => opts.keepVolatileNames === true || !isVolatileClass(c));
  const keepId = id !== "" && (opts.keepVolatileNames === true || !isVolatileId(id));
  return `${tag}${keepId ? `#${id}` : ""}${classes.map((c) => `.${c}`).join("")}${position}`;
}

/**
 * A digest entry after normalisation: what two builds must agree on.
 * @see normalizeDigest
 */
export interface NormalEntry {
  path: string;
  text: string;
  hidden: boolean;
  value?: string;
}

/**
 * Normalises each entry's path (volatile ids/classes) and text (dates, times, ids).
 * @see diffDigests
 */
export function normalizeDigest(entries: readonly DigestEntry[], opts: NormalizeOptions = {}): NormalEntry[] {
  return entries.map((e) => ({
    path: e.path
      .split(" > ")
      .map((s) => normalizeSegment(s, opts))
      .join(" > "),
    text: normalizeText(e.text, opts),
    hidden: e.hidden,
    ...(e.value !== undefined ? { value: normalizeText(e.value, opts) } : {}),
  }));
}

/** One difference between the recorded and the live DOM. @see diffDigests */
export interface DomDifference {
  /** `element`: the same element (tag and id) now has other classes; expected/actual show both. */
  kind: "missing" | "unexpected" | "text" | "visibility" | "value" | "element";
  /** Normalised element path (`body > main > div#banner.error`). */
  path: string;
  expected?: string;
  actual?: string;
}

function textsEqual(expected: string, actual: string): boolean {
  return expected === actual || isMasked(expected);
}

const MAX_LCS_CELLS = 4_000_000;

function splitPath(path: string): { parent: string; last: string } {
  const at = path.lastIndexOf(" > ");
  return at < 0 ? { parent: "", last: path } : { parent: path.slice(0, at), last: path.slice(at + 3) };
}

/** `tag#id` of a path segment, or null without an id (then two elements cannot be told to be the same). */
function identity(segment: string): string | null {
  const m = /^([a-z0-9-]+#[^.[]+)/i.exec(segment);
  return m ? (m[1] as string) : null;
}

/**
 * A class change moves an element to another path, which reads as one element missing and another
 * unexpected; with the same parent, tag and id they are one element, reported as `element`.
 */
function pairRenamed(diffs: DomDifference[]): DomDifference[] {
  const out: DomDifference[] = [];
  const used = new Set<number>();
  diffs.forEach((d, i) => {
    if (used.has(i)) return;
    if (d.kind === "missing" || d.kind === "unexpected") {
      const a = splitPath(d.path);
      const id = identity(a.last);
      const other = d.kind === "missing" ? "unexpected" : "missing";
      const j = id
        ? diffs.findIndex((e, k) => {
            if (k <= i || used.has(k) || e.kind !== other) return false;
            const b = splitPath(e.path);
            return b.parent === a.parent && identity(b.last) === id;
          })
        : -1;
      if (j >= 0) {
        used.add(j);
        const [missing, unexpected] =
          d.kind === "missing" ? [d, diffs[j] as DomDifference] : [diffs[j] as DomDifference, d];
        out.push({
          kind: "element",
          path: missing.path,
          expected: `${splitPath(missing.path).last} ${JSON.stringify(missing.expected ?? "")}`,
          actual: `${splitPath(unexpected.path).last} ${JSON.stringify(unexpected.actual ?? "")}`,
        });
        return;
      }
    }
    out.push(d);
  });
  return out;
}

function compareEntry(e: NormalEntry, a: NormalEntry, out: DomDifference[]): void {
  if (e.hidden !== a.hidden)
    out.push({
      kind: "visibility",
      path: e.path,
      expected: e.hidden ? "hidden" : "visible",
      actual: a.hidden ? "hidden" : "visible",
    });
  else if (!e.hidden && !textsEqual(e.text, a.text))
    out.push({ kind: "text", path: e.path, expected: e.text, actual: a.text });
  if (!e.hidden && e.value !== undefined && a.value !== undefined && !textsEqual(e.value, a.value))
    out.push({ kind: "value", path: e.path, expected: e.value, actual: a.value });
}

/** Linear-memory alignment for very large DOMs: each expected element takes the next live one with its path. */
function greedyDiff(expected: readonly NormalEntry[], actual: readonly NormalEntry[]): DomDifference[] {
  const byPath = new Map<string, number[]>();
  actual.forEach((a, j) => {
    const list = byPath.get(a.path) ?? [];
    list.push(j);
    byPath.set(a.path, list);
  });
  const used = new Uint8Array(actual.length);
  const out: DomDifference[] = [];
  for (const e of expected) {
    const j = byPath.get(e.path)?.shift();
    if (j === undefined) {
      if (!e.hidden) out.push({ kind: "missing", path: e.path, expected: e.text });
      continue;
    }
    used[j] = 1;
    compareEntry(e, actual[j] as NormalEntry, out);
  }
  actual.forEach((a, j) => {
    if (!used[j] && !a.hidden) out.push({ kind: "unexpected", path: a.path, actual: a.text });
  });
  return out;
}

/**
 * Aligns two normalised digests by element path (longest common subsequence) and lists what differs:
 * elements only in one of them, and changed text, visibility or field values. Hidden elements only
 * count for their visibility; their text may differ (templates, closed dialogs).
 * @see DomDifference
 */
export function diffDigests(
  expected: readonly NormalEntry[],
  actual: readonly NormalEntry[],
): DomDifference[] {
  const n = expected.length;
  const m = actual.length;
  // The LCS table is n×m; past this size (a few thousand elements each) align greedily instead.
  if (n * m > MAX_LCS_CELLS) return pairRenamed(greedyDiff(expected, actual));
  const table = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      table[at(i, j)] =
        (expected[i] as NormalEntry).path === (actual[j] as NormalEntry).path
          ? (table[at(i + 1, j + 1)] as number) + 1
          : Math.max(table[at(i + 1, j)] as number, table[at(i, j + 1)] as number);
  const out: DomDifference[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const e = expected[i];
    const a = actual[j];
    if (e && a && e.path === a.path) {
      compareEntry(e, a, out);
      i++;
      j++;
    } else if (e && (!a || (table[at(i + 1, j)] as number) >= (table[at(i, j + 1)] as number))) {
      if (!e.hidden) out.push({ kind: "missing", path: e.path, expected: e.text });
      i++;
    } else if (a) {
      if (!a.hidden) out.push({ kind: "unexpected", path: a.path, actual: a.text });
      j++;
    }
  }
  return pairRenamed(out);
}
