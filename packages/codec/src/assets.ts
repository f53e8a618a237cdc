import { base64Decode } from "./bytes.js";
import { httpUrl, utf8Encode } from "./platform.js";
import type { RrwebEvent } from "./types.js";

/**
 * Assets a recording references (images, stylesheets, fonts, CSS backgrounds, SVG) and the one
 * rewrite that points them at pinned copies. Pure: the server's pinner fetches, every playing
 * surface (inspector events, embed, video, testing's rebuildDom) rewrites with the same function,
 * and exports that must stay lossless (PostHog, rrweb) never call it.
 */

/** `stylesheet` references are fetched, then followed for the `url()`s and `@import`s inside. */
export type AssetKind = "image" | "stylesheet" | "css-url";

export interface AssetRef {
  /** Absolute http(s) URL. */
  url: string;
  kind: AssetKind;
}

/** The fields of an rrweb serialized node that asset discovery and rewriting read. */
export interface SerializedNode {
  type: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
  isStyle?: boolean;
  textContent?: string;
}

// Attribute → how its value holds URLs. `href` counts only on <link rel=stylesheet> and SVG elements.
const URL_ATTRIBUTES: Record<string, "url" | "srcset" | "css"> = {
  src: "url",
  srcset: "srcset",
  poster: "url",
  "xlink:href": "url",
  style: "css",
  _cssText: "css",
};
const SVG_HREF_TAGS = new Set(["image", "use", "feimage"]);

const CSS_URL = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)'"\s]*))\s*\)/gi;
const CSS_IMPORT = /@import\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/gi;

/** An absolute http(s) URL for `raw` against `base`, or null (data:, blob:, about:, junk). */
export function absoluteAssetUrl(raw: string, base?: string): string | null {
  const trimmed = raw.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return null;
  return httpUrl(trimmed, base);
}

/** The `url()` and `@import` references of a stylesheet or style attribute, resolved against `base`. */
export function cssAssetRefs(css: string, base?: string): AssetRef[] {
  const refs: AssetRef[] = [];
  const imports = new Set<string>();
  for (const m of css.matchAll(CSS_IMPORT)) {
    const url = absoluteAssetUrl(m[1] ?? m[2] ?? "", base);
    if (url) {
      imports.add(url);
      refs.push({ url, kind: "stylesheet" });
    }
  }
  for (const m of css.matchAll(CSS_URL)) {
    const url = absoluteAssetUrl(m[1] ?? m[2] ?? m[3] ?? "", base);
    if (!url) continue;
    // `@import url(x)` names a stylesheet, not an image.
    const before = css.slice(Math.max(0, (m.index ?? 0) - 12), m.index).toLowerCase();
    if (/@import\s*$/.test(before)) {
      if (!imports.has(url)) refs.push({ url, kind: "stylesheet" });
      imports.add(url);
    } else refs.push({ url, kind: "css-url" });
  }
  return refs;
}

function srcsetUrls(value: string): string[] {
  const out: string[] = [];
  for (const candidate of value.split(/,(?=\s*\S)/)) {
    const url = absoluteAssetUrl(candidate.trim().split(/\s+/)[0] ?? "");
    if (url) out.push(url);
  }
  return out;
}

function isStylesheetLink(tag: string | undefined, attributes: Record<string, unknown>): boolean {
  return (
    tag === "link" &&
    typeof attributes.rel === "string" &&
    attributes.rel.toLowerCase().split(/\s+/).includes("stylesheet")
  );
}

function attributeRefs(
  tag: string | undefined,
  attributes: Record<string, unknown>,
  out: AssetRef[],
  /** For mutations, where the element's tag is not in the event: treat a bare href as a stylesheet. */
  hrefIsStylesheet = false,
): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value !== "string") continue;
    const how = URL_ATTRIBUTES[name];
    if (how === "url") {
      const url = absoluteAssetUrl(value);
      if (url) out.push({ url, kind: "image" });
    } else if (how === "srcset") {
      for (const url of srcsetUrls(value)) out.push({ url, kind: "image" });
    } else if (how === "css") {
      out.push(...cssAssetRefs(value, typeof attributes.href === "string" ? attributes.href : undefined));
    } else if (name === "href") {
      // An inlined stylesheet (_cssText) is already in the recording; only a bare link is fetched.
      if (isStylesheetLink(tag, attributes) && typeof attributes._cssText !== "string") {
        const url = absoluteAssetUrl(value);
        if (url) out.push({ url, kind: "stylesheet" });
      } else if (tag !== undefined && SVG_HREF_TAGS.has(tag)) {
        const url = absoluteAssetUrl(value);
        if (url) out.push({ url, kind: "image" });
      } else if (hrefIsStylesheet && tag === undefined && /\.css(\?|$)/i.test(value)) {
        const url = absoluteAssetUrl(value);
        if (url) out.push({ url, kind: "stylesheet" });
      }
    }
  }
}

function nodeRefs(node: SerializedNode, out: AssetRef[], inStyle = false): void {
  if (node.type === 3 && (inStyle || node.isStyle === true) && typeof node.textContent === "string") {
    out.push(...cssAssetRefs(node.textContent));
    return;
  }
  if (node.attributes) attributeRefs(node.tagName, node.attributes, out);
  if (node.childNodes) {
    const style = node.tagName === "style";
    for (const child of node.childNodes) nodeRefs(child, out, style);
  }
}

function styleRuleTexts(data: Record<string, unknown>): string[] {
  const texts: string[] = [];
  const adds = data.adds;
  if (Array.isArray(adds)) for (const add of adds) if (typeof add?.rule === "string") texts.push(add.rule);
  const set = data.set as { value?: unknown } | undefined;
  if (typeof set?.value === "string") texts.push(set.value);
  const styles = data.styles;
  if (Array.isArray(styles))
    for (const s of styles)
      if (Array.isArray(s?.rules))
        for (const r of s.rules as { rule?: unknown }[]) if (typeof r?.rule === "string") texts.push(r.rule);
  return texts;
}

/**
 * Every asset URL one event references: FullSnapshot nodes, mutation adds/attributes, stylesheet
 * rule events (sources 8, 13, 15). Duplicates are removed; order follows the event.
 */
export function findAssetRefs(event: RrwebEvent): AssetRef[] {
  const out: AssetRef[] = [];
  const data = (event as { data?: unknown }).data as Record<string, unknown> | undefined;
  if (!data || typeof data !== "object") return out;
  if (event.type === 2 && data.node) nodeRefs(data.node as SerializedNode, out);
  else if (event.type === 3) {
    if (data.source === 0) {
      if (Array.isArray(data.adds))
        for (const add of data.adds as { node?: SerializedNode }[]) if (add?.node) nodeRefs(add.node, out);
      if (Array.isArray(data.attributes))
        for (const change of data.attributes as { attributes?: Record<string, unknown> }[])
          if (change?.attributes) attributeRefs(undefined, change.attributes, out, true);
    } else if (data.source === 8 || data.source === 13 || data.source === 15) {
      for (const text of styleRuleTexts(data)) out.push(...cssAssetRefs(text));
    }
  }
  const seen = new Set<string>();
  return out.filter((ref) => {
    const key = `${ref.kind} ${ref.url}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Maps an original absolute URL to its replacement (a pinned copy), or undefined to keep it. */
export type AssetResolver = (url: string) => string | undefined;

/** `css` with every `url()` and `@import` that `resolve` knows pointed at the replacement. */
export function rewriteCss(css: string, resolve: AssetResolver, base?: string): string {
  const swap = (raw: string): string | undefined => {
    const url = absoluteAssetUrl(raw.replace(/\\(.)/g, "$1"), base);
    return url === null ? undefined : resolve(url);
  };
  return css
    .replace(CSS_URL, (whole, dq?: string, sq?: string, bare?: string) => {
      const to = swap(dq ?? sq ?? bare ?? "");
      return to === undefined ? whole : `url(${JSON.stringify(to)})`;
    })
    .replace(CSS_IMPORT, (whole, dq?: string, sq?: string) => {
      const to = swap(dq ?? sq ?? "");
      return to === undefined ? whole : `@import ${JSON.stringify(to)}`;
    });
}

function rewriteUrlValue(value: string, resolve: AssetResolver): string {
  const url = absoluteAssetUrl(value);
  return (url !== null && resolve(url)) || value;
}

function rewriteSrcset(value: string, resolve: AssetResolver): string {
  return value
    .split(/,(?=\s*\S)/)
    .map((candidate) => {
      const [raw = "", ...descriptor] = candidate.trim().split(/\s+/);
      return [rewriteUrlValue(raw, resolve), ...descriptor].join(" ");
    })
    .join(", ");
}

function rewriteAttributes(
  tag: string | undefined,
  attributes: Record<string, unknown>,
  resolve: AssetResolver,
): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value !== "string") continue;
    const how = URL_ATTRIBUTES[name];
    let next = value;
    if (how === "url") next = rewriteUrlValue(value, resolve);
    else if (how === "srcset") next = rewriteSrcset(value, resolve);
    else if (how === "css") next = rewriteCss(value, resolve);
    else if (name === "href" && (tag === undefined || tag === "link" || SVG_HREF_TAGS.has(tag)))
      next = rewriteUrlValue(value, resolve);
    if (next !== value) {
      out ??= { ...attributes };
      out[name] = next;
    }
  }
  return out ?? attributes;
}

function rewriteNode(node: SerializedNode, resolve: AssetResolver, inStyle = false): SerializedNode {
  if (node.type === 3 && (inStyle || node.isStyle === true) && typeof node.textContent === "string") {
    const textContent = rewriteCss(node.textContent, resolve);
    return textContent === node.textContent ? node : { ...node, textContent };
  }
  let out = node;
  if (node.attributes) {
    const attributes = rewriteAttributes(node.tagName, node.attributes, resolve);
    if (attributes !== node.attributes) out = { ...out, attributes };
  }
  if (node.childNodes) {
    const style = node.tagName === "style";
    let changed = false;
    const childNodes = node.childNodes.map((child) => {
      const next = rewriteNode(child, resolve, style);
      if (next !== child) changed = true;
      return next;
    });
    if (changed) out = { ...out, childNodes };
  }
  return out;
}

/**
 * The event with every asset URL `resolve` knows replaced (copy on write: untouched events and
 * subtrees are returned as they are, so rewriting a long stream allocates little).
 */
export function rewriteAssetUrls<E extends RrwebEvent>(event: E, resolve: AssetResolver): E {
  const data = (event as { data?: unknown }).data as Record<string, unknown> | undefined;
  if (!data || typeof data !== "object") return event;
  if (event.type === 2 && data.node) {
    const node = rewriteNode(data.node as SerializedNode, resolve);
    return node === data.node ? event : ({ ...event, data: { ...data, node } } as E);
  }
  if (event.type !== 3) return event;
  if (data.source === 0) {
    let changed = false;
    const adds = Array.isArray(data.adds)
      ? (data.adds as { node?: SerializedNode }[]).map((add) => {
          if (!add?.node) return add;
          const node = rewriteNode(add.node, resolve);
          if (node === add.node) return add;
          changed = true;
          return { ...add, node };
        })
      : data.adds;
    const attributes = Array.isArray(data.attributes)
      ? (data.attributes as { attributes?: Record<string, unknown> }[]).map((change) => {
          if (!change?.attributes) return change;
          const next = rewriteAttributes(undefined, change.attributes, resolve);
          if (next === change.attributes) return change;
          changed = true;
          return { ...change, attributes: next };
        })
      : data.attributes;
    return changed ? ({ ...event, data: { ...data, adds, attributes } } as E) : event;
  }
  if (data.source === 8 && Array.isArray(data.adds)) {
    let changed = false;
    const adds = (data.adds as { rule?: unknown }[]).map((add) => {
      if (typeof add?.rule !== "string") return add;
      const rule = rewriteCss(add.rule, resolve);
      if (rule === add.rule) return add;
      changed = true;
      return { ...add, rule };
    });
    return changed ? ({ ...event, data: { ...data, adds } } as E) : event;
  }
  return event;
}

/** The page URL a Meta event (type 4) announces, if any. */
export function metaHref(event: RrwebEvent): string | null {
  if (event.type !== 4) return null;
  const href = ((event as { data?: { href?: unknown } }).data ?? {}).href;
  return typeof href === "string" ? href : null;
}

/** An rrweb 2.x Asset event (type 7) carrying the bytes of one asset, as recorded with `captureAssets`. */
export interface RecordedAsset {
  url: string;
  contentType: string | null;
  bytes: Uint8Array;
}

/**
 * The asset an Asset event (type 7, rrweb 2.x `captureAssets`) carries: a Blob payload (`{rr_type:
 * "Blob", type, data: [{rr_type: "ArrayBuffer", base64}]}`) or CSS text. Failed captures and other
 * payloads give null (the pinner then fetches the URL itself).
 */
export function recordedAsset(event: RrwebEvent): RecordedAsset | null {
  if ((event.type as number) !== 7) return null;
  const data = (event as { data?: unknown }).data as
    { url?: unknown; payload?: Record<string, unknown> } | undefined;
  const url = typeof data?.url === "string" ? absoluteAssetUrl(data.url) : null;
  const payload = data?.payload;
  if (!url || !payload || typeof payload !== "object") return null;
  if (payload.rr_type === "CssText" && Array.isArray(payload.cssTexts)) {
    return {
      url,
      contentType: "text/css",
      bytes: utf8Encode((payload.cssTexts as unknown[]).filter((t) => typeof t === "string").join("\n")),
    };
  }
  if (payload.rr_type === "Blob" && Array.isArray(payload.data)) {
    const first = payload.data[0] as { rr_type?: unknown; base64?: unknown } | undefined;
    if (first?.rr_type !== "ArrayBuffer" || typeof first.base64 !== "string") return null;
    const bytes = base64Decode(first.base64);
    if (!bytes) return null;
    return { url, contentType: typeof payload.type === "string" ? payload.type : null, bytes };
  }
  return null;
}
