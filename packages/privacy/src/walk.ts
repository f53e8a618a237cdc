import { EventType } from "@replay-devkit/codec";
import { PrivacyError } from "./errors.js";
import { type Engine, looksLikeUrl, type MaskClasses, type SlotContext } from "./inspect.js";
import { type ElementAccess, matchesSelector, parseSelector } from "./selector.js";

/**
 * Where a string sits in a recording, as the scanner reports it and the scrubber logs it. Each kind maps
 * to the posthog-js setting that would have kept the value out of the recording (see hints.ts).
 */
export type SiteKind =
  | "dom-text"
  | "dom-attribute"
  | "input"
  | "console"
  | "page-url"
  | "network-url"
  | "network-header"
  | "network-body"
  | "posthog-config"
  | "custom-event"
  | "plugin"
  | "posthog-property"
  | "person"
  | "metadata";

/** A JSON path kept as a linked list so it is only turned into a string when something is found. */
export interface PathNode {
  parent: PathNode | undefined;
  seg: string | number;
}

export function child(parent: PathNode | undefined, seg: string | number): PathNode {
  return { parent, seg };
}

const IDENT_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function pathToString(path: PathNode | undefined): string {
  const segs: (string | number)[] = [];
  for (let p = path; p; p = p.parent) segs.push(p.seg);
  let out = "";
  for (let i = segs.length - 1; i >= 0; i--) {
    const s = segs[i] as string | number;
    if (typeof s === "number") out += `[${s}]`;
    else if (IDENT_RE.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

export interface Site {
  kind: SiteKind;
  value: string;
  ctx: SlotContext;
  path: PathNode;
  /** The DOM node the value belongs to: the element for attributes and inputs, the text node for text. */
  nodeId?: number | undefined;
  attribute?: string | undefined;
  header?: string | undefined;
  /** JSON key holding the value, for property bags. */
  key?: string | undefined;
}

/** Returned by a visitor to delete a header instead of replacing its value. */
export const DROP: unique symbol = Symbol("drop");
/** Return a string to replace the value (scrubber), DROP to delete it (headers only), undefined to keep it. */
export type Visit = (site: Site) => string | typeof DROP | undefined;

type Bag = Record<string | number, unknown>;

interface MirrorNode {
  parent: number | undefined;
  tag: string | undefined;
  idAttr: string | undefined;
  classes: string | undefined;
  /** The recorded attributes, for maskTextSelector / blockSelector attribute tests. */
  attrs: Bag | undefined;
  /** MASKED / BLOCKED when this element or an ancestor carries posthog-js's mask or block class. */
  flags: number;
  /** `type` and `name` of inputs: a password field or a field named like a secret needs no detector. */
  inputType: string | undefined;
  inputName: string | undefined;
}

const MASKED = 1;
const BLOCKED = 2;

function maskState(flags: number): "mask" | "block" | undefined {
  return flags & BLOCKED ? "block" : flags & MASKED ? "mask" : undefined;
}

function hasClass(classes: string, name: string): boolean {
  // The substring test keeps the common case (no such class) free of allocations.
  return classes === name || (classes.includes(name) && classes.split(/\s+/).includes(name));
}

// Deeper than any browser builds (Chromium's HTML parser stops nesting at 512); beyond this the
// input is hostile and an explicit error beats a stack overflow or a minutes-long walk.
export const MAX_DEPTH = 2000;

function tooDeep(where: string): PrivacyError {
  return new PrivacyError(
    "RECORDING_TOO_DEEP",
    `${where} nests more than ${MAX_DEPTH} levels deep; this is not a real page. Re-import the recording from its source or drop the event.`,
  );
}

// Attributes that carry layout or styling, never user data; scanning them only adds noise.
const SKIPPED_ATTRS = new Set([
  "style",
  "class",
  "_cssText",
  "d",
  "points",
  "viewBox",
  "transform",
  "integrity",
  "nonce",
  "fill",
  "stroke",
  "xmlns",
  "width",
  "height",
]);
const URL_ATTRS = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "poster",
  "cite",
  "background",
  "data",
  "xlink:href",
]);
const INPUT_TAGS = new Set(["input", "textarea", "select", "option"]);
const NON_TEXT_PARENTS = new Set(["style", "script", "noscript"]);
// Keys whose content is binary or CSS (mobile wireframe screenshots, inlined stylesheets).
const SKIPPED_KEYS = new Set(["base64", "_cssText", "$snapshot_data", "rr_dataURL"]);

const PACKED_KEYS = ["texts", "attributes", "adds", "removes"];

function isBag(v: unknown): v is Bag {
  return typeof v === "object" && v !== null;
}

interface GenericRules {
  kind: SiteKind;
  /** Keys whose object value is a header map. */
  headerKeys?: ReadonlySet<string>;
  /** Header maps in which every value is sensitive. */
  sensitiveHeaderKeys?: ReadonlySet<string>;
  /** Keys whose string value may be JSON (bodies). */
  bodyKeys?: ReadonlySet<string>;
  /** Keys whose string value is a URL. */
  urlKeys?: ReadonlySet<string>;
  /** Per-key kind override. */
  kindFor?: (key: string) => SiteKind | undefined;
}

const NETWORK_RULES: GenericRules = {
  kind: "network-url",
  headerKeys: new Set(["requestHeaders", "responseHeaders", "headers"]),
  bodyKeys: new Set(["requestBody", "responseBody", "body"]),
  urlKeys: new Set(["name", "url"]),
  kindFor: (key) =>
    key === "requestHeaders" || key === "responseHeaders" || key === "headers"
      ? "network-header"
      : key === "requestBody" || key === "responseBody" || key === "body"
        ? "network-body"
        : undefined,
};
const CONFIG_RULES: GenericRules = {
  kind: "posthog-config",
  headerKeys: new Set(["request_headers", "xhr_headers"]),
  sensitiveHeaderKeys: new Set(["request_headers", "xhr_headers"]),
};

const CLASS_NAME_RE = /^[A-Za-z_-][\w-]*$/;

/**
 * The mask and block classes and selectors this window was recorded with: posthog-js reports its
 * recorder options in a `$session_options` custom event (after the first FullSnapshot, hence this
 * pre-pass). Options the caller set win; RegExp classes arrive as `{}` and are ignored. A recorded
 * selector the matcher cannot evaluate is skipped and explained in `notes`, so a report never claims
 * a check it did not make.
 */
export function classesFor(events: readonly unknown[], engine: Engine, notes?: string[]): MaskClasses {
  const classes = { ...engine.classes };
  const fixed = engine.classesFromOptions;
  if (fixed.mask && fixed.block && fixed.maskSelector && fixed.blockSelector) return classes;
  for (const event of events) {
    if (
      !isBag(event) ||
      event.type !== EventType.Custom ||
      !isBag(event.data) ||
      event.data.tag !== "$session_options"
    )
      continue;
    const payload = event.data.payload;
    const opts =
      isBag(payload) && isBag(payload.sessionRecordingOptions) ? payload.sessionRecordingOptions : undefined;
    if (!opts) continue;
    if (!fixed.mask && typeof opts.maskTextClass === "string" && CLASS_NAME_RE.test(opts.maskTextClass)) {
      classes.mask = opts.maskTextClass;
    }
    if (!fixed.block && typeof opts.blockClass === "string" && CLASS_NAME_RE.test(opts.blockClass)) {
      classes.block = opts.blockClass;
    }
    for (const [option, key] of [
      ["maskTextSelector", "maskSelector"],
      ["blockSelector", "blockSelector"],
    ] as const) {
      const source = opts[option];
      if (fixed[key] || typeof source !== "string" || source.trim() === "") continue;
      const parsed = parseSelector(source);
      if (parsed.ok) classes[key] = parsed.selector;
      else {
        notes?.push(
          `The recording's ${option} ${JSON.stringify(source)} was not checked for masking (${parsed.reason}).`,
        );
      }
    }
    break;
  }
  return classes;
}

/** Walks one window's events in order, keeping a node-id mirror so DOM hits get a CSS selector. */
export class WindowWalker {
  private readonly mirror = new Map<number, MirrorNode>();
  private readonly access: ElementAccess<MirrorNode> = {
    tag: (node) => node.tag,
    attribute: (node, name) => {
      const v = node.attrs?.[name];
      // rrweb records boolean attributes as `true` and some numeric ones as numbers.
      return typeof v === "string" ? v : v === true ? "" : typeof v === "number" ? String(v) : undefined;
    },
    parent: (node) => (node.parent !== undefined ? this.mirror.get(node.parent) : undefined),
  };

  constructor(private readonly classes: MaskClasses = { mask: "ph-mask", block: "ph-no-capture" }) {}

  private mustBeMasked(nodeId: number | undefined): "mask" | "block" | undefined {
    return maskState(nodeId !== undefined ? (this.mirror.get(nodeId)?.flags ?? 0) : 0);
  }

  /** The key rule for an input's value: password fields always, otherwise the field's name. */
  private inputKey(nodeId: number | undefined): string | undefined {
    const node = nodeId !== undefined ? this.mirror.get(nodeId) : undefined;
    if (!node) return undefined;
    return node.inputType === "password" ? "password" : node.inputName;
  }

  /** Visits every string slot of `event`. With `apply`, visitor results are written into `event`. */
  walkEvent(event: unknown, visit: Visit, apply: boolean): boolean {
    if (!isBag(event)) return false;
    const data = event.data;
    // A packed event would read as clean (its text is inside a gzip string): refuse rather than pass it.
    if (typeof data === "string" || (isBag(data) && PACKED_KEYS.some((k) => typeof data[k] === "string"))) {
      throw new PrivacyError(
        "INVALID_RECORDING",
        `event ${typeof event.type === "number" ? `of type ${event.type} ` : ""}is still packed (cv ${JSON.stringify(event.cv ?? "?")}); unpack it with @replay-devkit/codec (unpackEvent or readRecordingFile) before scanning or scrubbing.`,
      );
    }
    if (!isBag(data)) return false;
    const root = child(undefined, "data");
    switch (event.type) {
      case 2: {
        if (isBag(data.node)) {
          this.mirror.clear();
          return this.walkNode(data.node, undefined, child(root, "node"), visit, apply);
        }
        return this.walkGeneric(data, root, { kind: "dom-text" }, visit, apply);
      }
      case 3:
        return this.walkIncremental(data, root, visit, apply);
      case 4:
        return slot(
          data,
          "href",
          { kind: "page-url", value: "", ctx: { format: "url" }, path: child(root, "href") },
          visit,
          apply,
        );
      case 5: {
        const tag = typeof data.tag === "string" ? data.tag : "";
        if (!isBag(data.payload)) {
          return slot(
            data,
            "payload",
            { kind: "custom-event", value: "", ctx: { format: "text" }, path: child(root, "payload") },
            visit,
            apply,
          );
        }
        const rules: GenericRules =
          tag === "$posthog_config"
            ? CONFIG_RULES
            : tag === "$pageview" || tag === "$url_changed"
              ? { kind: "page-url", urlKeys: new Set(["href"]) }
              : { kind: "custom-event" };
        return this.walkGeneric(data.payload, child(root, "payload"), rules, visit, apply);
      }
      case 6:
        return this.walkPlugin(data, root, visit, apply);
      default:
        return false;
    }
  }

  private walkIncremental(data: Bag, root: PathNode, visit: Visit, apply: boolean): boolean {
    let changed = false;
    switch (data.source) {
      case 0: {
        if (Array.isArray(data.adds)) {
          const adds = child(root, "adds");
          data.adds.forEach((add: unknown, i) => {
            if (!isBag(add)) return;
            const at = child(adds, i);
            const parent = typeof add.parentId === "number" ? add.parentId : undefined;
            if (isBag(add.node))
              changed = this.walkNode(add.node, parent, child(at, "node"), visit, apply) || changed;
            // mobile wireframe mutations
            if (isBag(add.wireframe)) {
              changed =
                this.walkGeneric(add.wireframe, child(at, "wireframe"), { kind: "dom-text" }, visit, apply) ||
                changed;
            }
          });
        }
        if (Array.isArray(data.texts)) {
          const texts = child(root, "texts");
          data.texts.forEach((t: unknown, i) => {
            if (!isBag(t)) return;
            const nodeId = typeof t.id === "number" ? t.id : undefined;
            changed =
              slot(
                t,
                "value",
                {
                  kind: "dom-text",
                  value: "",
                  // rrweb's texts mutation targets the text node, which carries its element's flags.
                  ctx: { format: "text", mustBeMasked: this.mustBeMasked(nodeId) },
                  path: child(child(texts, i), "value"),
                  nodeId,
                },
                visit,
                apply,
              ) || changed;
          });
        }
        if (Array.isArray(data.attributes)) {
          const attrs = child(root, "attributes");
          data.attributes.forEach((a: unknown, i) => {
            if (!isBag(a) || !isBag(a.attributes)) return;
            const nodeId = typeof a.id === "number" ? a.id : undefined;
            changed =
              this.walkAttributes(a.attributes, nodeId, child(child(attrs, i), "attributes"), visit, apply) ||
              changed;
          });
        }
        if (Array.isArray(data.updates)) {
          const updates = child(root, "updates");
          data.updates.forEach((u: unknown, i) => {
            if (isBag(u) && isBag(u.wireframe)) {
              changed =
                this.walkGeneric(
                  u.wireframe,
                  child(child(updates, i), "wireframe"),
                  { kind: "dom-text" },
                  visit,
                  apply,
                ) || changed;
            }
          });
        }
        return changed;
      }
      case 5: {
        const nodeId = typeof data.id === "number" ? data.id : undefined;
        return slot(
          data,
          "text",
          {
            kind: "input",
            value: "",
            ctx: { format: "text", name: this.inputKey(nodeId) },
            path: child(root, "text"),
            nodeId,
          },
          visit,
          apply,
        );
      }
      default:
        // Mouse, scroll, viewport, media, canvas, fonts and stylesheet rules hold no user text.
        return false;
    }
  }

  private walkPlugin(data: Bag, root: PathNode, visit: Visit, apply: boolean): boolean {
    const payload = data.payload;
    if (!isBag(payload)) return false;
    const at = child(root, "payload");
    if (data.plugin === "rrweb/console@1") {
      let changed = false;
      for (const [key, format] of [
        ["payload", "json-text"],
        ["trace", "text"],
      ] as const) {
        const list = payload[key];
        if (!Array.isArray(list)) continue;
        const listPath = child(at, key);
        for (let i = 0; i < list.length; i++) {
          changed =
            slot(
              list as unknown as Bag,
              i,
              { kind: "console", value: "", ctx: { format }, path: child(listPath, i) },
              visit,
              apply,
            ) || changed;
        }
      }
      return changed;
    }
    if (data.plugin === "rrweb/network@1") {
      return this.walkGeneric(payload, at, NETWORK_RULES, visit, apply);
    }
    return this.walkGeneric(payload, at, { kind: "plugin" }, visit, apply);
  }

  private walkNode(
    root: Bag,
    parentId: number | undefined,
    rootPath: PathNode,
    visit: Visit,
    apply: boolean,
  ): boolean {
    let changed = false;
    const stack: { node: Bag; parent: number | undefined; path: PathNode; depth: number }[] = [
      { node: root, parent: parentId, path: rootPath, depth: 0 },
    ];
    while (stack.length > 0) {
      const { node, parent, path, depth } = stack.pop() as (typeof stack)[number];
      if (depth > MAX_DEPTH) throw tooDeep("A DOM snapshot");
      const id = typeof node.id === "number" ? node.id : undefined;
      const tag = typeof node.tagName === "string" ? node.tagName.toLowerCase() : undefined;
      const attrs = isBag(node.attributes) ? node.attributes : undefined;
      const classes = attrs && typeof attrs.class === "string" ? attrs.class : undefined;
      const parentFlags = parent !== undefined ? (this.mirror.get(parent)?.flags ?? 0) : 0;
      let flags = parentFlags;
      if (classes !== undefined) {
        if (hasClass(classes, this.classes.mask)) flags |= MASKED;
        if (hasClass(classes, this.classes.block)) flags |= BLOCKED;
      }
      const mirrored: MirrorNode = {
        parent,
        tag,
        idAttr: attrs && typeof attrs.id === "string" ? attrs.id : undefined,
        classes,
        attrs,
        flags,
        inputType: tag === "input" && typeof attrs?.type === "string" ? attrs.type.toLowerCase() : undefined,
        inputName: attrs && typeof attrs.name === "string" ? attrs.name : undefined,
      };
      if (node.type === 2 && tag !== undefined) {
        const { maskSelector, blockSelector } = this.classes;
        if (maskSelector && !(flags & MASKED) && matchesSelector(mirrored, maskSelector, this.access)) {
          flags |= MASKED;
        }
        if (blockSelector && !(flags & BLOCKED) && matchesSelector(mirrored, blockSelector, this.access)) {
          flags |= BLOCKED;
        }
        mirrored.flags = flags;
      }
      if (id !== undefined) {
        this.mirror.set(id, mirrored);
      }
      if (node.type === 2 && isBag(node.attributes)) {
        changed =
          this.walkAttributes(node.attributes, id, child(path, "attributes"), visit, apply) || changed;
      } else if ((node.type === 3 || node.type === 5) && typeof node.textContent === "string") {
        const parentTag = parent !== undefined ? this.mirror.get(parent)?.tag : undefined;
        if (node.isStyle !== true && !(parentTag && NON_TEXT_PARENTS.has(parentTag))) {
          changed =
            slot(
              node,
              "textContent",
              {
                kind: "dom-text",
                value: "",
                ctx: { format: "text", mustBeMasked: maskState(flags) },
                path,
                nodeId: id,
              },
              visit,
              apply,
            ) || changed;
        }
      }
      if (Array.isArray(node.childNodes)) {
        const kids = child(path, "childNodes");
        for (let i = node.childNodes.length - 1; i >= 0; i--) {
          const kid: unknown = node.childNodes[i];
          if (isBag(kid)) stack.push({ node: kid, parent: id, path: child(kids, i), depth: depth + 1 });
        }
      }
    }
    return changed;
  }

  private walkAttributes(
    attrs: Bag,
    nodeId: number | undefined,
    path: PathNode,
    visit: Visit,
    apply: boolean,
  ): boolean {
    let changed = false;
    const tag = nodeId !== undefined ? this.mirror.get(nodeId)?.tag : undefined;
    for (const name of Object.keys(attrs)) {
      if (typeof attrs[name] !== "string" || SKIPPED_ATTRS.has(name) || name.startsWith("rr_")) continue;
      const isUrl = URL_ATTRS.has(name);
      const isInputValue = name === "value" && tag !== undefined && INPUT_TAGS.has(tag);
      const kind: SiteKind = isInputValue ? "input" : "dom-attribute";
      changed =
        slot(
          attrs,
          name,
          {
            kind,
            value: "",
            ctx: { format: isUrl ? "url" : "text", name: isInputValue ? this.inputKey(nodeId) : name },
            path: child(path, name),
            nodeId,
            attribute: name,
          },
          visit,
          apply,
        ) || changed;
    }
    return changed;
  }

  /** Any JSON value: every string leaf is a slot, with the key rules in `rules`. */
  walkGeneric(root: Bag, rootPath: PathNode, rules: GenericRules, visit: Visit, apply: boolean): boolean {
    return walkGeneric(root, rootPath, rules, visit, apply);
  }

  /** `tag#id.class > tag.class` from the nearest ancestor with an id down to the node, and the full tag chain. */
  describeNode(nodeId: number): { selector: string; nodePath: string } | undefined {
    let cur = this.mirror.get(nodeId);
    if (!cur) return undefined;
    if (cur.tag === undefined && cur.parent !== undefined) cur = this.mirror.get(cur.parent);
    const selectorSegs: string[] = [];
    const tags: string[] = [];
    let anchored = false;
    for (let guard = 0; cur && guard < 256; guard++) {
      if (cur.tag !== undefined) {
        tags.push(cur.tag);
        if (!anchored) {
          let seg = cur.tag;
          if (cur.idAttr) seg += `#${cur.idAttr}`;
          if (cur.classes) {
            const classes = cur.classes.split(/\s+/).filter((c) => c !== "" && /^[A-Za-z_-][\w-]*$/.test(c));
            for (const c of classes.slice(0, 3)) seg += `.${c}`;
          }
          selectorSegs.push(seg);
          if (cur.idAttr) anchored = true;
        }
      }
      cur = cur.parent !== undefined ? this.mirror.get(cur.parent) : undefined;
    }
    if (tags.length === 0) return undefined;
    return { selector: selectorSegs.reverse().join(" > "), nodePath: tags.reverse().join(" > ") };
  }
}

/** Visits one string slot `container[key]`, applying the visitor's result when asked to. */
function slot(container: Bag, key: string | number, site: Site, visit: Visit, apply: boolean): boolean {
  const value = container[key];
  if (typeof value !== "string") return false;
  site.value = value;
  const result = visit(site);
  if (result === undefined) return false;
  if (apply) {
    if (result === DROP) {
      if (Array.isArray(container)) container[key as number] = "";
      else delete container[key];
    } else container[key] = result;
  }
  return true;
}

export function walkGeneric(
  root: Bag,
  rootPath: PathNode | undefined,
  rules: GenericRules,
  visit: Visit,
  apply: boolean,
): boolean {
  let changed = false;
  interface Frame {
    node: Bag;
    path: PathNode | undefined;
    depth: number;
    kind: SiteKind;
    headers: "no" | "yes" | "sensitive";
    body: boolean;
  }
  const stack: Frame[] = [
    { node: root, path: rootPath, depth: 0, kind: rules.kind, headers: "no", body: false },
  ];
  while (stack.length > 0) {
    const f = stack.pop() as Frame;
    if (f.depth > MAX_DEPTH) throw tooDeep("An event payload");
    const keys: (string | number)[] = Array.isArray(f.node) ? f.node.map((_, i) => i) : Object.keys(f.node);
    for (const key of keys) {
      const value = f.node[key];
      const name = typeof key === "string" ? key : undefined;
      if (name !== undefined && SKIPPED_KEYS.has(name)) continue;
      const path = child(f.path, key);
      if (typeof value === "string") {
        let ctx: SlotContext;
        let kind = f.kind;
        const site: Site = { kind, value: "", ctx: { format: "text" }, path };
        if (f.headers !== "no" && name !== undefined) {
          ctx = { format: "header", name, sensitiveContainer: f.headers === "sensitive" };
          site.header = name;
        } else if (name !== undefined && (rules.bodyKeys?.has(name) || f.body)) {
          ctx = { format: "json-text", name: f.body ? name : undefined };
          kind = rules.kindFor?.(name) ?? kind;
        } else if ((name !== undefined && rules.urlKeys?.has(name)) || looksLikeUrl(value)) {
          ctx = { format: "url", name };
        } else {
          ctx = { format: "text", name };
        }
        site.kind = kind;
        site.ctx = ctx;
        if (name !== undefined) site.key = name;
        changed = slot(f.node, key, site, visit, apply) || changed;
      } else if (isBag(value)) {
        const isHeaders = name !== undefined && rules.headerKeys?.has(name) === true;
        stack.push({
          node: value,
          path,
          depth: f.depth + 1,
          kind: (name !== undefined && rules.kindFor?.(name)) || f.kind,
          headers: isHeaders ? (rules.sensitiveHeaderKeys?.has(name) ? "sensitive" : "yes") : "no",
          body: f.body || (name !== undefined && rules.bodyKeys?.has(name) === true),
        });
      }
    }
  }
  return changed;
}

/** An analytics event: properties, `$set`/`$set_once`, `distinct_id` (the event name, uuid and time hold no user data). */
export function walkPosthogEvent(event: Bag, visit: Visit, apply: boolean): boolean {
  return walkGeneric(event, undefined, { kind: "posthog-property" }, visit, apply);
}

const RECORDING_RULES: GenericRules = {
  kind: "posthog-property",
  kindFor: (key) => (key === "person" ? "person" : undefined),
};

/** Recording-level values that exports carry, gathered in one object: `{ distinctId, person }`. */
export function walkRecordingFields(fields: Bag, visit: Visit, apply: boolean): boolean {
  return walkGeneric(fields, undefined, RECORDING_RULES, visit, apply);
}
