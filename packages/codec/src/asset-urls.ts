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
