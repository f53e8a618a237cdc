import { EventType, IncrementalSource, isRecord } from "@replay-devkit/codec";
import {
  cssIdentEscape,
  isVolatileClass,
  isVolatileId,
  stableSelectorOf,
  TEST_ID_ATTRIBUTES,
  type SelectorCandidate,
  type SelectorSource,
} from "./selector.js";

// rrweb's serialized node types (rrweb-snapshot NodeType).
const ELEMENT = 2;
const TEXT = 3;

/** One node of the serialized DOM as the mirror keeps it. */
export interface MirrorNode {
  id: number;
  /** rrweb NodeType: 0 document, 1 doctype, 2 element, 3 text, 4 CDATA, 5 comment. */
  type: number;
  /** Lower-case tag name (elements only). */
  tagName: string | null;
  /** Attribute values as strings; rrweb's `_cssText` and `rr_*` extras included. */
  attributes: Record<string, string>;
  parentId: number | null;
  childIds: number[];
  /** Text content (text, CDATA and comment nodes). */
  text: string | null;
}

function attributeString(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return value === false ? null : String(value);
  return null;
}

/**
 * The DOM of one window as rrweb serialized it, kept up to date by replaying mutations: enough to
 * say which element an event's node id was and how to find it again, without a browser or a DOM
 * library. Feed it the window's events in order ({@link NodeMirror.apply}).
 *
 * Selectors follow the one stable-selector rule ({@link stableSelectorOf}), the same as a live
 * DOM's `stableSelector`, with uniqueness answered from counts kept as the DOM changes.
 */
export class NodeMirror {
  #nodes = new Map<number, MirrorNode>();
  /** How many elements each candidate own-selector matches, so uniqueness is a lookup. */
  #counts = new Map<string, number>();

  /** Number of nodes currently in the mirror. */
  get size(): number {
    return this.#nodes.size;
  }

  node(id: number): MirrorNode | undefined {
    return this.#nodes.get(id);
  }

  /**
   * Applies one rrweb event: a full snapshot replaces the DOM, a mutation edits it; every other
   * event leaves it alone. Malformed parts are skipped, since a damaged event should cost one
   * selector, not the whole timeline.
   */
  apply(event: { type: number; data?: unknown }): void {
    const data = event.data;
    if (!isRecord(data)) return;
    if (event.type === EventType.FullSnapshot) this.reset(data.node);
    else if (event.type === EventType.IncrementalSnapshot && data.source === IncrementalSource.Mutation)
      this.mutate(data);
  }

  /** Replaces the mirror with a full snapshot's `node` tree. */
  reset(root: unknown): void {
    this.#nodes.clear();
    this.#counts.clear();
    this.#insertTree(root, null, null);
  }

  /** Applies a Mutation payload: removes first, then adds, texts and attributes, as rrweb does. */
  mutate(data: Record<string, unknown>): void {
    for (const remove of Array.isArray(data.removes) ? data.removes : []) {
      if (isRecord(remove) && typeof remove.id === "number") this.#removeTree(remove.id);
    }
    for (const add of Array.isArray(data.adds) ? data.adds : []) {
      if (!isRecord(add) || typeof add.parentId !== "number") continue;
      const before = typeof add.nextId === "number" ? add.nextId : null;
      const after = typeof add.previousId === "number" ? add.previousId : null;
      this.#insertTree(add.node, add.parentId, { before, after });
    }
    for (const text of Array.isArray(data.texts) ? data.texts : []) {
      if (!isRecord(text) || typeof text.id !== "number") continue;
      const node = this.#nodes.get(text.id);
      if (node) node.text = typeof text.value === "string" ? text.value : null;
    }
    for (const change of Array.isArray(data.attributes) ? data.attributes : []) {
      if (!isRecord(change) || typeof change.id !== "number" || !isRecord(change.attributes)) continue;
      const node = this.#nodes.get(change.id);
      if (!node || node.type !== ELEMENT) continue;
      this.#count(node, -1);
      for (const [name, value] of Object.entries(change.attributes)) {
        // rrweb sends style changes as a property map; they never affect a selector.
        if (isRecord(value)) continue;
        const text = attributeString(value);
        if (text === null) delete node.attributes[name];
        else node.attributes[name] = text;
      }
      this.#count(node, 1);
    }
  }

  /** The element a node id stands for: itself, or a text node's parent. */
  element(id: number): MirrorNode | undefined {
    let node = this.#nodes.get(id);
    while (node && node.type !== ELEMENT) {
      node = node.parentId === null ? undefined : this.#nodes.get(node.parentId);
    }
    return node;
  }

  /**
   * A selector that finds the element again in another build of the same page, or null when the
   * node is unknown (not in the snapshot, or removed). For a text node, its element's selector.
   */
  selector(id: number): string | null {
    const el = this.element(id);
    return el ? stableSelectorOf(el, this.#source) : null;
  }

  /** A short human label (`button#pay.primary`), cheaper than a selector and not checked for uniqueness. */
  label(id: number): string | null {
    const el = this.element(id);
    if (!el) return null;
    const tag = el.tagName ?? "*";
    const elId = el.attributes.id;
    if (elId && !isVolatileId(elId)) return `${tag}#${cssIdentEscape(elId)}`;
    const cls = (el.attributes.class ?? "").split(/\s+/).find((c) => c && !isVolatileClass(c));
    return cls ? `${tag}.${cssIdentEscape(cls)}` : tag;
  }

  /** The visible text under a node, whitespace collapsed, cut at `max` characters. */
  textOf(id: number, max = 60): string {
    let out = "";
    const stack = [id];
    while (stack.length > 0 && out.length <= max) {
      const node = this.#nodes.get(stack.pop() as number);
      if (!node) continue;
      if (node.type === TEXT && node.text) out += ` ${node.text}`;
      // Script and style text is not something a user saw.
      if (node.tagName === "script" || node.tagName === "style") continue;
      for (let i = node.childIds.length - 1; i >= 0; i--) stack.push(node.childIds[i] as number);
    }
    const text = out.replace(/\s+/g, " ").trim();
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }

  /**
   * Whether the element (or an ancestor) matches a simple compound selector such as `#pay`,
   * `button.primary`, `[data-testid="save"]` or `a[href]`; returns the matching element's id.
   * Combinators and pseudo-classes are not supported: null, as for no match.
   */
  closest(id: number, compound: string): number | null {
    const parsed = parseCompound(compound);
    if (!parsed) return null;
    let node = this.element(id);
    while (node) {
      if (node.type === ELEMENT && matchesCompound(node, parsed)) return node.id;
      node = node.parentId === null ? undefined : this.#nodes.get(node.parentId);
    }
    return null;
  }

  /** The stable-selector rule's view of this mirror. */
  readonly #source: SelectorSource<MirrorNode> = {
    tag: (el) => el.tagName ?? "*",
    attribute: (el, name) => el.attributes[name] ?? null,
    classes: (el) => classList(el),
    parent: (el) => {
      const parent = el.parentId === null ? undefined : this.#nodes.get(el.parentId);
      return parent && parent.type === ELEMENT ? parent : null;
    },
    position: (el) => {
      const parent = el.parentId === null ? undefined : this.#nodes.get(el.parentId);
      if (!parent) return 1;
      const siblings = parent.childIds.filter((c) => this.#nodes.get(c)?.type === ELEMENT);
      return siblings.indexOf(el.id) + 1;
    },
    unique: (_el, candidate) => this.#counts.get(countKey(candidate)) === 1,
  };

  #count(node: MirrorNode, delta: 1 | -1): void {
    if (node.type !== ELEMENT) return;
    const tag = node.tagName ?? "*";
    const keys: string[] = [];
    if (node.attributes.id) keys.push(countKey({ kind: "id", value: node.attributes.id }));
    for (const name of TEST_ID_ATTRIBUTES) {
      const value = node.attributes[name];
      if (value) keys.push(countKey({ kind: "attribute", name, value }));
    }
    if (node.attributes.name) keys.push(countKey({ kind: "name", tag, value: node.attributes.name }));
    for (const cls of new Set(classList(node))) keys.push(countKey({ kind: "class", tag, value: cls }));
    for (const key of keys) {
      const next = (this.#counts.get(key) ?? 0) + delta;
      if (next <= 0) this.#counts.delete(key);
      else this.#counts.set(key, next);
    }
  }

  #insertTree(
    root: unknown,
    parentId: number | null,
    position: { before: number | null; after: number | null } | null,
  ): void {
    // Iterative, so a deeply nested (or hostile) snapshot cannot overflow the stack.
    const stack: { value: unknown; parentId: number | null; top: boolean }[] = [
      { value: root, parentId, top: true },
    ];
    while (stack.length > 0) {
      const { value, parentId: parent, top } = stack.pop() as (typeof stack)[number];
      if (!isRecord(value) || typeof value.id !== "number" || typeof value.type !== "number") continue;
      if (this.#nodes.has(value.id)) this.#removeTree(value.id);
      const attributes: Record<string, string> = {};
      if (isRecord(value.attributes)) {
        for (const [name, v] of Object.entries(value.attributes)) {
          const text = attributeString(v);
          if (text !== null) attributes[name] = text;
        }
      }
      const node: MirrorNode = {
        id: value.id,
        type: value.type,
        tagName: typeof value.tagName === "string" ? value.tagName.toLowerCase() : null,
        attributes,
        parentId: parent,
        childIds: [],
        text: typeof value.textContent === "string" ? value.textContent : null,
      };
      this.#nodes.set(node.id, node);
      this.#count(node, 1);
      const parentNode = parent === null ? undefined : this.#nodes.get(parent);
      if (parentNode) {
        const siblings = parentNode.childIds;
        let at = siblings.length;
        if (top && position) {
          const next = position.before === null ? -1 : siblings.indexOf(position.before);
          const prev = position.after === null ? -1 : siblings.indexOf(position.after);
          if (next !== -1) at = next;
          else if (prev !== -1) at = prev + 1;
        }
        siblings.splice(at, 0, node.id);
      }
      const children = Array.isArray(value.childNodes) ? value.childNodes : [];
      // Pushed in reverse so they are inserted (appended) in document order.
      for (let i = children.length - 1; i >= 0; i--)
        stack.push({ value: children[i], parentId: node.id, top: false });
    }
  }

  #removeTree(id: number): void {
    const node = this.#nodes.get(id);
    if (!node) return;
    const parent = node.parentId === null ? undefined : this.#nodes.get(node.parentId);
    if (parent) {
      const at = parent.childIds.indexOf(id);
      if (at !== -1) parent.childIds.splice(at, 1);
    }
    const stack = [id];
    while (stack.length > 0) {
      const current = this.#nodes.get(stack.pop() as number);
      if (!current) continue;
      this.#count(current, -1);
      this.#nodes.delete(current.id);
      stack.push(...current.childIds);
    }
  }
}

/** The key under which the mirror counts the elements a candidate selector matches. */
function countKey(c: SelectorCandidate): string {
  switch (c.kind) {
    case "id":
      return `#${c.value}`;
    case "attribute":
      return `[${c.name}]${c.value}`;
    case "name":
      return `${c.tag}[name]${c.value}`;
    case "class":
      return `${c.tag}.${c.value}`;
  }
}

function classList(node: MirrorNode): string[] {
  const cls = node.attributes.class;
  return cls ? cls.split(/\s+/).filter((c) => c !== "") : [];
}

interface Compound {
  tag: string | null;
  id: string | null;
  classes: string[];
  attributes: { name: string; value: string | null }[];
}

const COMPOUND_PART = /^(?:#([\w-]+)|\.([\w-]+)|\[([\w:-]+)(?:=(?:"([^"]*)"|'([^']*)'|([\w-]+)))?\])/;

function parseCompound(text: string): Compound | null {
  const trimmed = text.trim();
  const tagMatch = /^[a-zA-Z][\w-]*/.exec(trimmed);
  const out: Compound = {
    tag: tagMatch ? tagMatch[0].toLowerCase() : null,
    id: null,
    classes: [],
    attributes: [],
  };
  let rest = trimmed.slice(tagMatch ? tagMatch[0].length : 0);
  if (rest === "" && !out.tag) return null;
  while (rest !== "") {
    const m = COMPOUND_PART.exec(rest);
    if (!m) return null;
    if (m[1] !== undefined) out.id = m[1];
    else if (m[2] !== undefined) out.classes.push(m[2]);
    else if (m[3] !== undefined) out.attributes.push({ name: m[3], value: m[4] ?? m[5] ?? m[6] ?? null });
    rest = rest.slice(m[0].length);
  }
  return out;
}

function matchesCompound(node: MirrorNode, c: Compound): boolean {
  if (c.tag && node.tagName !== c.tag) return false;
  if (c.id !== null && node.attributes.id !== c.id) return false;
  const classes = classList(node);
  if (c.classes.some((cls) => !classes.includes(cls))) return false;
  return c.attributes.every((a) =>
    a.value === null ? a.name in node.attributes : node.attributes[a.name] === a.value,
  );
}
