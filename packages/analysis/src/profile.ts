import {
  EventType,
  formatBytes,
  IncrementalSource,
  type Recording,
  type RrwebEvent,
} from "@replay-devkit/codec";
import { NodeMirror } from "./mirror.js";
import { subtreeIds } from "./serialized.js";
import { printable, utf8Length } from "./text.js";

/** Version of the `--json` shape; bumped on any change that could break a reader. */
export const PROFILE_FORMAT_VERSION = 1;

/** Rates use at least this duration, so a one-event recording gets a finite, honest rate. */
export const MIN_RATE_DURATION_MS = 1000;

export interface ProfileRow {
  /** Stable id, e.g. `mutation.adds`, `mouse-move`, `plugin.network`. */
  category: string;
  /** Events that contributed to the category (a mutation event can count in several). */
  events: number;
  /** Items inside those events: added nodes, positions of a mouse move batch, requests, ... */
  items: number;
  /** Bytes of event JSON (UTF-8) attributed to the category. */
  bytes: number;
  /** `bytes` over the recording's total; all shares add up to 1. */
  share: number;
}

export interface Contributor {
  what: string;
  count: number;
  bytes: number;
  share: number;
}

export interface Advice {
  /** What is heavy: a category id or a contributor group (`inline-css`, `data-urls`). */
  about: string;
  share: number;
  /** The posthog-js setting that reduces it (or what to change when there is none). */
  setting: string;
  why: string;
}

export interface RecordingProfile {
  format: "replay-devkit-profile";
  version: number;
  sessionId: string;
  windows: number;
  events: number;
  /** Sum over every event of its JSON size in UTF-8 bytes, as the codec holds it (unpacked). */
  bytes: number;
  durationMs: number;
  eventsPerSecond: number;
  bytesPerMinute: number;
  categories: ProfileRow[];
  /** Inlined stylesheets (`_cssText` and `<style>` text), per stylesheet. */
  inlineCss: Contributor[];
  /** `data:` URLs in attributes and in inlined CSS, by `tag[attribute]` and media type. */
  dataUrls: Contributor[];
  /** Elements whose subtree changed the most, by bytes of mutation JSON. */
  mutationSelectors: Contributor[];
  /** Attributes changed by mutations, by bytes. */
  mutatedAttributes: Contributor[];
  /** rrweb custom events by tag. */
  customTags: Contributor[];
  advice: Advice[];
}

const SOURCES: Record<number, string> = {
  [IncrementalSource.MouseMove]: "mouse-move",
  [IncrementalSource.MouseInteraction]: "mouse-interaction",
  [IncrementalSource.Scroll]: "scroll",
  [IncrementalSource.ViewportResize]: "viewport-resize",
  [IncrementalSource.Input]: "input",
  [IncrementalSource.TouchMove]: "touch-move",
  [IncrementalSource.MediaInteraction]: "media",
  [IncrementalSource.StyleSheetRule]: "stylesheet-rule",
  [IncrementalSource.CanvasMutation]: "canvas",
  [IncrementalSource.Font]: "font",
  [IncrementalSource.Log]: "log",
  [IncrementalSource.Drag]: "drag",
  [IncrementalSource.StyleDeclaration]: "style-declaration",
  [IncrementalSource.Selection]: "selection",
  [IncrementalSource.AdoptedStyleSheet]: "adopted-stylesheet",
  [IncrementalSource.CustomElement]: "custom-element",
};
const TYPES: Record<number, string> = {
  [EventType.DomContentLoaded]: "dom-content-loaded",
  [EventType.Load]: "load",
  [EventType.FullSnapshot]: "full-snapshot",
  [EventType.Meta]: "meta",
  [EventType.Custom]: "custom",
};
const MUTATION_PARTS = ["adds", "removes", "attributes", "texts"] as const;
const TOP = 10;

function bytesOf(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? "");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Tally {
  readonly #rows = new Map<string, { count: number; bytes: number }>();
  add(key: string, bytes: number, count = 1): void {
    const row = this.#rows.get(key) ?? { count: 0, bytes: 0 };
    row.count += count;
    row.bytes += bytes;
    this.#rows.set(key, row);
  }
  get total(): number {
    let sum = 0;
    for (const row of this.#rows.values()) sum += row.bytes;
    return sum;
  }
  top(totalBytes: number, limit = TOP): Contributor[] {
    return [...this.#rows.entries()]
      .map(([what, r]) => ({
        what,
        count: r.count,
        bytes: r.bytes,
        share: totalBytes > 0 ? r.bytes / totalBytes : 0,
      }))
      .sort((a, b) => b.bytes - a.bytes || a.what.localeCompare(b.what))
      .slice(0, limit);
  }
}

/** Splits `total` in integers proportional to `weights`; the rounding rest goes to the largest. */
function split(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  const rest = total - parts.reduce((a, b) => a + b, 0);
  let largest = 0;
  weights.forEach((w, i) => {
    if (w > (weights[largest] ?? 0)) largest = i;
  });
  parts[largest] = (parts[largest] ?? 0) + rest;
  return parts;
}

function mediaType(url: string): string {
  const match = /^data:([^;,]*)/i.exec(url);
  return match?.[1] || "unknown";
}

const CSS_DATA_URL = /url\(\s*["']?(data:[^)"']*)/gi;

/** Walks serialized nodes (a snapshot tree or an added node) for inlined CSS and data: URLs. */
function walkNodes(root: unknown, css: Tally, dataUrls: Tally): void {
  const stack: unknown[] = [root];
  let parentTag: string | null = null;
  const tagOf = new Map<unknown, string | null>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isObject(node)) continue;
    parentTag = tagOf.get(node) ?? null;
    const tag = typeof node.tagName === "string" ? node.tagName.toLowerCase() : null;
    const attributes = isObject(node.attributes) ? node.attributes : {};
    for (const [name, value] of Object.entries(attributes)) {
      if (typeof value !== "string") continue;
      if (name === "_cssText") {
        const where =
          typeof attributes.href === "string"
            ? `_cssText of ${tag ?? "link"}[href="${attributes.href}"]`
            : `_cssText of <${tag ?? "link"}>`;
        css.add(where, bytesOf(value));
        cssDataUrls(value, dataUrls);
      } else if (value.startsWith("data:")) {
        dataUrls.add(`${tag ?? "*"}[${name}] ${mediaType(value)}`, bytesOf(value));
      } else if (name === "style" && value.includes("data:")) {
        cssDataUrls(value, dataUrls);
      }
    }
    if (node.isStyle === true && typeof node.textContent === "string") {
      css.add(`text of <${parentTag ?? "style"}>`, bytesOf(node.textContent));
      cssDataUrls(node.textContent, dataUrls);
    }
    if (Array.isArray(node.childNodes)) {
      for (const child of node.childNodes as unknown[]) {
        tagOf.set(child, tag);
        stack.push(child);
      }
    }
  }
}

function cssDataUrls(css: string, dataUrls: Tally): void {
  for (const match of css.matchAll(CSS_DATA_URL)) {
    const url = match[1] ?? "";
    dataUrls.add(`css url() ${mediaType(url)}`, bytesOf(url));
  }
}

/**
 * Where a recording's bytes and events go: per event type and incremental source (mutations split
 * into adds, removes, attributes and texts), the heaviest things inside the DOM, rates, and the
 * posthog-js settings that would shrink the heavy parts. Bytes are UTF-8 bytes of each event's
 * JSON as the codec holds it (unpacked), so they add up to the recording's event JSON size.
 */
export function profileRecording(rec: Recording): RecordingProfile {
  const rows = new Map<string, { events: number; items: number; bytes: number }>();
  const row = (category: string, bytes: number, items: number, events = 1) => {
    const r = rows.get(category) ?? { events: 0, items: 0, bytes: 0 };
    r.events += events;
    r.items += items;
    r.bytes += bytes;
    rows.set(category, r);
  };
  const css = new Tally();
  const dataUrls = new Tally();
  const selectors = new Tally();
  const attributeNames = new Tally();
  const customTags = new Tally();
  let total = 0;
  let events = 0;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;

  for (const w of rec.windows) {
    const mirror = new NodeMirror();
    for (const event of w.events) {
      events += 1;
      start = Math.min(start, event.timestamp);
      end = Math.max(end, event.timestamp);
      const size = bytesOf(event);
      total += size;
      profileEvent(event, size, mirror, { row, css, dataUrls, selectors, attributeNames, customTags });
      mirror.apply(event);
    }
  }

  const durationMs = Number.isFinite(start) ? end - start : 0;
  const rateMs = Math.max(durationMs, MIN_RATE_DURATION_MS);
  const categories: ProfileRow[] = [...rows.entries()]
    .map(([category, r]) => ({ category, ...r, share: total > 0 ? r.bytes / total : 0 }))
    .sort((a, b) => b.bytes - a.bytes || a.category.localeCompare(b.category));
  const mutationBytes = categories
    .filter((c) => c.category.startsWith("mutation."))
    .reduce((a, c) => a + c.bytes, 0);
  const profile: RecordingProfile = {
    format: "replay-devkit-profile",
    version: PROFILE_FORMAT_VERSION,
    sessionId: rec.sessionId,
    windows: rec.windows.length,
    events,
    bytes: total,
    durationMs,
    eventsPerSecond: (events * 1000) / rateMs,
    bytesPerMinute: (total * 60_000) / rateMs,
    categories,
    inlineCss: css.top(total),
    dataUrls: dataUrls.top(total),
    mutationSelectors: selectors.top(total),
    mutatedAttributes: attributeNames.top(total),
    customTags: customTags.top(total),
    advice: [],
  };
  profile.advice = adviseOn(profile, { cssBytes: css.total, dataUrlBytes: dataUrls.total, mutationBytes });
  return profile;
}

interface Sinks {
  row: (category: string, bytes: number, items: number, events?: number) => void;
  css: Tally;
  dataUrls: Tally;
  selectors: Tally;
  attributeNames: Tally;
  customTags: Tally;
}

function profileEvent(event: RrwebEvent, size: number, mirror: NodeMirror, s: Sinks): void {
  const data: unknown = (event as { data?: unknown }).data;
  const d = isObject(data) ? data : {};
  if (event.type === EventType.IncrementalSnapshot) {
    const source = typeof d.source === "number" ? d.source : -1;
    if (source === IncrementalSource.Mutation) return profileMutation(d, size, mirror, s);
    const category = SOURCES[source] ?? "incremental.other";
    const items = Array.isArray(d.positions)
      ? d.positions.length
      : Array.isArray(d.commands)
        ? d.commands.length
        : 1;
    s.row(category, size, items);
    return;
  }
  if (event.type === EventType.Plugin) {
    const plugin = typeof d.plugin === "string" ? d.plugin : "unknown";
    const name = plugin === "rrweb/console@1" ? "console" : plugin === "rrweb/network@1" ? "network" : plugin;
    const payload = isObject(d.payload) ? d.payload : {};
    s.row(`plugin.${name}`, size, Array.isArray(payload.requests) ? payload.requests.length : 1);
    return;
  }
  if (event.type === EventType.FullSnapshot) {
    walkNodes(d.node, s.css, s.dataUrls);
    s.row("full-snapshot", size, mirrorSizeAfter(d.node));
    return;
  }
  if (event.type === EventType.Custom) s.customTags.add(typeof d.tag === "string" ? d.tag : "(no tag)", size);
  s.row(TYPES[event.type] ?? "other", size, 1);
}

/** Node count of a serialized tree (items of a full snapshot). */
function mirrorSizeAfter(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isObject(node)) continue;
    count += 1;
    if (Array.isArray(node.childNodes)) stack.push(...(node.childNodes as unknown[]));
  }
  return count;
}

function profileMutation(d: Record<string, unknown>, size: number, mirror: NodeMirror, s: Sinks): void {
  const lists = MUTATION_PARTS.map((part) => (Array.isArray(d[part]) ? (d[part] as unknown[]) : []));
  // The event's envelope (type, timestamp, keys) is shared out in proportion to each part's bytes;
  // a mutation with nothing in it is counted as adds, so every byte lands in some row.
  const shares = split(
    size,
    lists.map((list) => (list.length > 0 ? bytesOf(list) : 0)),
  );
  MUTATION_PARTS.forEach((part, i) => {
    const list = lists[i] as unknown[];
    if ((shares[i] ?? 0) > 0 || list.length > 0) s.row(`mutation.${part}`, shares[i] ?? 0, list.length);
  });
  const where = (id: unknown): string =>
    (typeof id === "number" ? (mirror.selector(id) ?? mirror.label(id)) : null) ?? "(unknown node)";
  const addedUnder = new Map<number, string>();
  for (const add of lists[0] as unknown[]) {
    if (!isObject(add)) continue;
    const parent = typeof add.parentId === "number" ? add.parentId : null;
    const key = (parent !== null ? addedUnder.get(parent) : undefined) ?? where(parent);
    for (const inner of subtreeIds(add.node)) addedUnder.set(inner, key);
    s.selectors.add(key, bytesOf(add));
    walkNodes(add.node, s.css, s.dataUrls);
  }
  for (const remove of lists[1] as unknown[]) {
    if (isObject(remove)) s.selectors.add(where(remove.parentId), bytesOf(remove));
  }
  for (const change of lists[2] as unknown[]) {
    if (!isObject(change)) continue;
    const bytes = bytesOf(change);
    const key = (typeof change.id === "number" ? addedUnder.get(change.id) : undefined) ?? where(change.id);
    s.selectors.add(key, bytes);
    const attributes = isObject(change.attributes) ? change.attributes : {};
    const tag = typeof change.id === "number" ? (mirror.element(change.id)?.tagName ?? "*") : "*";
    for (const [name, value] of Object.entries(attributes)) {
      const valueBytes = bytesOf(value);
      s.attributeNames.add(`${name} on ${key}`, valueBytes);
      if (typeof value === "string" && value.startsWith("data:"))
        s.dataUrls.add(`${tag}[${name}] ${mediaType(value)}`, valueBytes);
    }
  }
  for (const text of lists[3] as unknown[]) {
    if (isObject(text))
      s.selectors.add(
        (typeof text.id === "number" ? addedUnder.get(text.id) : undefined) ?? where(text.id),
        bytesOf(text),
      );
  }
}

const ADVICE_SHARE = 0.1;

/** Heavy categories whose fix does not depend on the recording: the setting to change and why. */
const FIXED_ADVICE: readonly { ids: readonly string[]; setting: string; why: string }[] = [
  {
    ids: ["mouse-move", "touch-move", "drag"],
    setting: "session_recording.sampling.mousemove: 200 (ms between positions) or false",
    why: "pointer positions are recorded every 50 ms by default",
  },
  {
    ids: ["canvas"],
    setting: "session_recording.captureCanvas: { recordCanvas: false } (or lower canvasFps / canvasQuality)",
    why: "canvas frames are recorded as images several times a second",
  },
  {
    ids: ["font"],
    setting: "session_recording.collectFonts: false",
    why: "collected fonts are embedded in the recording",
  },
  {
    ids: ["stylesheet-rule", "style-declaration", "adopted-stylesheet"],
    setting: "(no posthog-js setting) extract CSS-in-JS at build time",
    why: "runtime CSS rule insertions are recorded one by one",
  },
  {
    ids: ["plugin.network"],
    setting: "session_recording.maskCapturedNetworkRequestFn (drop or trim bodies), or recordBody: false",
    why: "request and response bodies are recorded up to 1 MB each",
  },
  {
    ids: ["plugin.console"],
    setting: "enable_recording_console_log: false (or log less)",
    why: "every console call is recorded with its arguments and stack",
  },
];

function adviseOn(
  p: RecordingProfile,
  totals: { cssBytes: number; dataUrlBytes: number; mutationBytes: number },
): Advice[] {
  const out: Advice[] = [];
  const share = (bytes: number) => (p.bytes > 0 ? bytes / p.bytes : 0);
  const cat = (id: string) => p.categories.find((c) => c.category === id);
  const heavy = (id: string) => (cat(id)?.share ?? 0) >= ADVICE_SHARE;
  const topSelector = p.mutationSelectors[0]?.what;

  const linked = p.inlineCss.filter(
    (c) => c.what.startsWith("_cssText of <link") || c.what.startsWith("_cssText of link"),
  );
  const linkedBytes = linked.reduce((a, c) => a + c.bytes, 0);
  const styleBytes = totals.cssBytes - linkedBytes;
  if (share(linkedBytes) >= ADVICE_SHARE)
    out.push({
      about: "inline-css",
      share: share(linkedBytes),
      setting: "session_recording.inlineStylesheet: false",
      why: "linked stylesheets are copied into every full snapshot as _cssText; without inlining the player loads them by URL, so they must stay reachable",
    });
  if (share(styleBytes) >= ADVICE_SHARE)
    out.push({
      about: "style-elements",
      share: share(styleBytes),
      setting:
        "(no posthog-js setting) move CSS out of <style> elements into linked stylesheets, then inlineStylesheet: false",
      why: "the text of <style> elements is part of the DOM and recorded in every full snapshot",
    });
  if (share(totals.dataUrlBytes) >= 0.05)
    out.push({
      about: "data-urls",
      share: share(totals.dataUrlBytes),
      setting: `session_recording.blockSelector (e.g. the elements behind ${p.dataUrls[0]?.what ?? "data: URLs"})`,
      why: "data: URLs embed whole images or fonts in the DOM; serve them by URL or block the elements that carry them",
    });
  if (heavy("full-snapshot") && share(totals.cssBytes) < ADVICE_SHARE)
    out.push({
      about: "full-snapshot",
      share: cat("full-snapshot")?.share ?? 0,
      setting: "session_recording.blockSelector for large, irrelevant subtrees",
      why: "full snapshots serialize the whole DOM on every page load and checkout",
    });
  if (heavy("mutation.adds") || heavy("mutation.texts"))
    out.push({
      about: heavy("mutation.adds") ? "mutation.adds" : "mutation.texts",
      share: Math.max(cat("mutation.adds")?.share ?? 0, cat("mutation.texts")?.share ?? 0),
      setting: `session_recording.blockSelector: ${JSON.stringify(topSelector ?? "<selector>")}`,
      why: `most mutation bytes happen under ${topSelector ?? "one element"}; blocking it records a placeholder instead`,
    });
  if (heavy("mutation.attributes")) {
    const attr = p.mutatedAttributes[0]?.what.split(" on ")[0];
    out.push({
      about: "mutation.attributes",
      share: cat("mutation.attributes")?.share ?? 0,
      setting: `session_recording.attributeFilter (leave out ${JSON.stringify(attr ?? "style")}) or blockSelector: ${JSON.stringify(topSelector ?? "<selector>")}`,
      why: `an attribute storm (${p.mutatedAttributes[0]?.what ?? "animated attributes"}); each change is a mutation`,
    });
  }
  for (const rule of FIXED_ADVICE)
    for (const id of rule.ids)
      if (heavy(id))
        out.push({ about: id, share: cat(id)?.share ?? 0, setting: rule.setting, why: rule.why });
  return out.sort((a, b) => b.share - a.share);
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const PER: Record<string, number> = { s: 1 / 60, sec: 1 / 60, m: 1, min: 1, h: 60, hr: 60 };

/** Parses `2MB/min`, `500 KB/min`, `50KB/s`, `1GB/h` into bytes per minute (1 KB = 1024 B). */
export function parseBudget(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*\/\s*(s|sec|m|min|h|hr)$/i.exec(text.trim());
  if (!match) return null;
  const amount = Number(match[1]) * (UNITS[(match[2] as string).toLowerCase()] ?? Number.NaN);
  const perMinute = amount / (PER[(match[3] as string).toLowerCase()] ?? Number.NaN);
  return Number.isFinite(perMinute) && perMinute > 0 ? perMinute : null;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function table(headers: string[], rows: string[][], rightAlign: number[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAlign.includes(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** The human report: totals and rates, the category table, the heavy parts, and what to change. */
export function renderProfile(p: RecordingProfile): string {
  const out = [
    `Recording ${p.sessionId}: ${p.events} events, ${formatBytes(p.bytes)} of event JSON over ${(p.durationMs / 1000).toFixed(1)}s (${p.windows} window${p.windows === 1 ? "" : "s"})`,
    `${p.eventsPerSecond.toFixed(1)} events/s, ${formatBytes(p.bytesPerMinute)}/min`,
    "",
    ...table(
      ["category", "events", "items", "bytes", "share"],
      p.categories.map((c) => [
        c.category,
        String(c.events),
        String(c.items),
        formatBytes(c.bytes),
        percent(c.share),
      ]),
      [1, 2, 3, 4],
    ),
  ];
  const section = (title: string, list: Contributor[]) => {
    if (list.length === 0) return;
    out.push("", title);
    for (const c of list.slice(0, 5))
      out.push(
        `  ${formatBytes(c.bytes).padStart(9)}  ${percent(c.share).padStart(6)}  ${c.what}${c.count > 1 ? ` (${c.count}x)` : ""}`,
      );
  };
  section("Inline CSS (_cssText and <style> text):", p.inlineCss);
  section("data: URLs:", p.dataUrls);
  section("Top selectors by mutation bytes:", p.mutationSelectors);
  section("Top mutated attributes:", p.mutatedAttributes);
  section("Custom events by tag:", p.customTags);
  out.push("");
  if (p.advice.length === 0)
    out.push("Nothing stands out: no single part is over 10% of the bytes that a setting would cut.");
  else {
    out.push("What would make it smaller:");
    for (const a of p.advice)
      out.push(`  - ${a.about} (${percent(a.share)}): ${a.setting}`, `      ${a.why}`);
  }
  return `${printable(out.join("\n"))}\n`;
}

/** The `replay-devkit-profile` document as JSON, indented, with a final newline (CLI `--json`, MCP, API). */
export function profileJson(profile: RecordingProfile): string {
  return `${JSON.stringify(profile, null, 2)}\n`;
}
