import { isRecord } from "./json.js";
import type { RrwebEvent } from "./types.js";

// rrweb's numeric wire values: FullSnapshot, Incremental, and the Mutation source.
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;

/**
 * Replaces every occurrence of the given URLs inside one string (an attribute, a `srcset`, inline
 * CSS). Longer URLs go first so one that prefixes another cannot split it.
 */
export function replaceUrls(
  value: string,
  urls: ReadonlyMap<string, string>,
  order: readonly string[],
): string {
  let out = value;
  for (const url of order) {
    if (out.includes(url)) out = out.split(url).join(urls.get(url) as string);
  }
  return out;
}

function rewriteAttributes(
  attributes: Record<string, unknown>,
  urls: ReadonlyMap<string, string>,
  order: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = typeof value === "string" ? replaceUrls(value, urls, order) : value;
  }
  return out;
}

function rewriteNode(node: unknown, urls: ReadonlyMap<string, string>, order: readonly string[]): unknown {
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = { ...node };
  if (isRecord(node.attributes)) out.attributes = rewriteAttributes(node.attributes, urls, order);
  // Text inside <style> carries url() references too.
  if (typeof node.textContent === "string") out.textContent = replaceUrls(node.textContent, urls, order);
  if (Array.isArray(node.childNodes))
    out.childNodes = node.childNodes.map((child: unknown) => rewriteNode(child, urls, order));
  return out;
}

/**
 * The events with every reference to a pinned asset pointed at its copy: attributes (`src`,
 * `srcset`, `href`, `style`, rrweb's `_cssText`) and style text, in full snapshots and in
 * mutations. `urls` maps the URL as recorded to the URL to use; events it does not touch are
 * returned as they were.
 */
export function rewriteAssetUrls(
  events: readonly RrwebEvent[],
  urls: ReadonlyMap<string, string>,
): RrwebEvent[] {
  if (urls.size === 0) return [...events];
  const order = [...urls.keys()].sort((a, b) => b.length - a.length);
  return events.map((event) => {
    const data: unknown = event.data;
    if (!isRecord(data)) return event;
    if (event.type === FULL_SNAPSHOT) {
      return { ...event, data: { ...data, node: rewriteNode(data.node, urls, order) } } as RrwebEvent;
    }
    if (event.type !== INCREMENTAL || data.source !== MUTATION) return event;
    const adds = Array.isArray(data.adds)
      ? data.adds.map((add: unknown) =>
          isRecord(add) ? { ...add, node: rewriteNode(add.node, urls, order) } : add,
        )
      : data.adds;
    const attributes = Array.isArray(data.attributes)
      ? data.attributes.map((change: unknown) =>
          isRecord(change) && isRecord(change.attributes)
            ? { ...change, attributes: rewriteAttributes(change.attributes, urls, order) }
            : change,
        )
      : data.attributes;
    return { ...event, data: { ...data, adds, attributes } } as RrwebEvent;
  });
}

const CSS_URL = /url\(\s*(['"]?)([^'")]+)\1\s*\)/g;

function addHttp(out: Set<string>, value: string): void {
  const url = value.trim();
  if (/^https?:\/\//i.test(url)) out.add(url);
}

function collectNode(node: unknown, out: Set<string>): void {
  if (!isRecord(node)) return;
  if (isRecord(node.attributes)) collectAttributes(node.tagName, node.attributes, out);
  if (typeof node.textContent === "string" && node.isStyle === true)
    for (const m of node.textContent.matchAll(CSS_URL)) addHttp(out, m[2] ?? "");
  if (Array.isArray(node.childNodes)) for (const child of node.childNodes) collectNode(child, out);
}

function collectAttributes(tagName: unknown, attributes: Record<string, unknown>, out: Set<string>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value !== "string") continue;
    if (name === "src" && tagName !== "script" && tagName !== "iframe") addHttp(out, value);
    else if (name === "srcset")
      for (const part of value.split(",")) addHttp(out, part.trim().split(/\s+/)[0] ?? "");
    else if (name === "href" && tagName === "link") addHttp(out, value);
    else if (name === "style" || name === "_cssText")
      for (const m of value.matchAll(CSS_URL)) addHttp(out, m[2] ?? "");
  }
}

/**
 * The http(s) URLs of the assets a window's DOM references: `img`/`source` `src` and `srcset`,
 * `<link href>` (stylesheets, icons, fonts) and CSS `url()` in style attributes and stylesheets,
 * in full snapshots and mutations. What a bundle needs in `assets/` to render without the app.
 */
export function referencedAssetUrls(events: readonly RrwebEvent[]): Set<string> {
  const out = new Set<string>();
  for (const event of events) {
    const data: unknown = event.data;
    if (!isRecord(data)) continue;
    if (event.type === FULL_SNAPSHOT) collectNode(data.node, out);
    if (event.type !== INCREMENTAL || data.source !== MUTATION) continue;
    for (const add of Array.isArray(data.adds) ? data.adds : [])
      if (isRecord(add)) collectNode(add.node, out);
  }
  return out;
}
