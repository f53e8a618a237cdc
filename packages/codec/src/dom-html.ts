import { isRecord } from "./json.js";
import { NodeMirror, type MirrorNode } from "./mirror.js";
import type { RrwebEvent } from "./types.js";

// rrweb's numeric wire values: event types, the Mutation and Input sources, serialized node types.
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const INPUT = 5;
const DOCUMENT = 0;
const DOCTYPE = 1;
const ELEMENT = 2;
const CDATA = 4;
const COMMENT = 5;

const VOID_ELEMENTS = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);

/** One static HTML rendering of a window's DOM. */
export interface DomSnapshot {
  windowId: string;
  /** Event time the DOM is shown at (ms since epoch). */
  timestamp: number;
  /** `full-snapshot`: right after one; `interval`: the DOM changed since the last snapshot and the interval passed; `end`: the window's last state. */
  reason: "full-snapshot" | "interval" | "end";
  html: string;
}

export interface DomSnapshotOptions {
  /** Time between interval snapshots, ms (default 10 000). */
  intervalMs?: number;
  /** Rewrites attribute values and style text, e.g. pinned asset URLs to relative paths. */
  rewrite?: (value: string) => string;
}

function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
}

/** CSS inside <style> is raw text; only a closing tag could end it early. */
function styleText(value: string): string {
  return value.replace(/<\/(style)/gi, "<\\/$1");
}

/**
 * Serializes a window's DOM as rrweb recorded it into one HTML document that a browser shows with no
 * player: scripts and inline event handlers are dropped, stylesheets rrweb inlined (`_cssText`) are
 * written as <style>, typed values (already masked where posthog-js masked them) become `value`.
 */
class DomWriter {
  readonly #mirror: NodeMirror;
  readonly #values: ReadonlyMap<number, { text?: string; isChecked?: boolean }>;
  readonly #rewrite: (value: string) => string;

  constructor(
    mirror: NodeMirror,
    values: ReadonlyMap<number, { text?: string; isChecked?: boolean }>,
    rewrite: (value: string) => string,
  ) {
    this.#mirror = mirror;
    this.#values = values;
    this.#rewrite = rewrite;
  }

  write(rootId: number): string {
    const parts: string[] = [];
    this.#node(rootId, parts, false);
    return parts.join("");
  }

  #children(node: MirrorNode, parts: string[], inStyle: boolean): void {
    for (const id of node.childIds) this.#node(id, parts, inStyle);
  }

  #node(id: number, parts: string[], inStyle: boolean): void {
    const node = this.#mirror.node(id);
    if (!node) return;
    switch (node.type) {
      case DOCUMENT:
        this.#children(node, parts, false);
        return;
      case DOCTYPE:
        parts.push(`<!DOCTYPE ${node.attributes.name ?? "html"}>\n`);
        return;
      case ELEMENT:
        this.#element(node, parts);
        return;
      case COMMENT:
        parts.push(`<!--${(node.text ?? "").replace(/--/g, "- -")}-->`);
        return;
      case CDATA:
        return;
      default:
        parts.push(inStyle ? styleText(this.#rewrite(node.text ?? "")) : escapeText(node.text ?? ""));
    }
  }

  #element(node: MirrorNode, parts: string[]): void {
    const tag = node.tagName ?? "div";
    if (tag === "script") return;
    const attributes = { ...node.attributes };
    const css = attributes._cssText;
    if (tag === "link" && css !== undefined) {
      parts.push(`<style>${styleText(this.#rewrite(css))}</style>`);
      return;
    }
    const value = this.#values.get(node.id);
    if (value?.text !== undefined && tag === "input") attributes.value = value.text;
    if (value?.isChecked !== undefined) {
      if (value.isChecked) attributes.checked = "";
      else delete attributes.checked;
    }
    let open = `<${tag}`;
    for (const [name, raw] of Object.entries(attributes)) {
      // rrweb's own extras and event handlers have no place in a static page.
      if (name.startsWith("rr_") || name === "_cssText" || /^on/i.test(name) || !/^[^\s"'>/=]+$/.test(name))
        continue;
      open += ` ${name}="${escapeAttribute(this.#rewrite(raw))}"`;
    }
    parts.push(`${open}>`);
    if (tag === "head") parts.push('<meta charset="utf-8">');
    if (VOID_ELEMENTS.has(tag)) return;
    if (tag === "style" && css !== undefined) parts.push(styleText(this.#rewrite(css)));
    else if (tag === "textarea" && value?.text !== undefined) parts.push(escapeText(value.text));
    // A recorded iframe's document belongs to another page; its frame stays empty.
    else if (tag !== "iframe") this.#children(node, parts, tag === "style");
    parts.push(`</${tag}>`);
  }
}

/**
 * Static HTML of one window's DOM at each FullSnapshot and every `intervalMs` of recording time in
 * which the DOM changed (mutations or typed values), plus the window's last state when it differs
 * from the last snapshot. Rebuilt from the events with the codec's node mirror; no browser.
 */
export function domSnapshots(
  windowId: string,
  events: readonly RrwebEvent[],
  options: DomSnapshotOptions = {},
): DomSnapshot[] {
  const interval = options.intervalMs ?? 10_000;
  const rewrite = options.rewrite ?? ((v: string) => v);
  const mirror = new NodeMirror();
  const values = new Map<number, { text?: string; isChecked?: boolean }>();
  const writer = new DomWriter(mirror, values, rewrite);
  const out: DomSnapshot[] = [];
  let rootId: number | null = null;
  let nextAt = Infinity;
  let changed = false;
  const emit = (timestamp: number, reason: DomSnapshot["reason"]) => {
    if (rootId === null) return;
    out.push({ windowId, timestamp, reason, html: writer.write(rootId) });
    changed = false;
  };
  for (const event of events) {
    if (changed && event.timestamp >= nextAt) {
      emit(nextAt, "interval");
      while (nextAt <= event.timestamp) nextAt += interval;
    }
    const data: unknown = event.data;
    if (!isRecord(data)) continue;
    if (event.type === FULL_SNAPSHOT && isRecord(data.node) && typeof data.node.id === "number") {
      mirror.apply(event);
      values.clear();
      rootId = data.node.id;
      emit(event.timestamp, "full-snapshot");
      nextAt = event.timestamp + interval;
    } else if (event.type === INCREMENTAL && data.source === MUTATION) {
      mirror.apply(event);
      changed = true;
    } else if (event.type === INCREMENTAL && data.source === INPUT && typeof data.id === "number") {
      const value: { text?: string; isChecked?: boolean } = {};
      if (typeof data.text === "string") value.text = data.text;
      if (typeof data.isChecked === "boolean") value.isChecked = data.isChecked;
      values.set(data.id, value);
      changed = true;
    }
  }
  const last = events[events.length - 1];
  if (changed && last) emit(last.timestamp, "end");
  return out;
}
