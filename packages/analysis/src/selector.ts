// The one stable-selector rule. The node mirror (recorded DOM, no browser), the testing package
// (the DOM rebuilt in jsdom) and the inspector (the replayed page) all pick selectors with it, so a
// selector copied from any of them finds the same element and matches `timeline --around click:`.

/** Ids that build tools or frameworks generate; they change between builds and sessions. */
const VOLATILE_ID =
  /^(?::r[0-9a-z]+:|«r[0-9a-z]+»|react-|radix-|headlessui-|mui-|ember\d|__next|rc_|[0-9])|[0-9a-f]{8,}|\d{4,}/i;
const VOLATILE_CLASS =
  /^(?:css-[0-9a-z]+|sc-[0-9a-z]+|jsx-\d+|emotion-|svelte-[0-9a-z]+|_[0-9a-z]{5,}|.*__[0-9a-z]{5}$|.*[_-][0-9a-z]*\d[0-9a-z]*$)/i;

/** Whether an id looks generated (React `:r1:`, uuids, long numbers, ...). @see stableSelectorOf */
export function isVolatileId(id: string): boolean {
  return VOLATILE_ID.test(id);
}

/** Whether a class name looks hashed (CSS modules, emotion, styled-components, ...). @see stableSelectorOf */
export function isVolatileClass(name: string): boolean {
  // `:hover`-style classes are added by rrweb's replayer, not by the app.
  return name.startsWith(":") || VOLATILE_CLASS.test(name);
}

/** Attributes test authors put on elements precisely so that tests can find them. */
export const TEST_ID_ATTRIBUTES = ["data-testid", "data-test-id", "data-test", "data-cy"] as const;

/** Escapes a value for use inside a double-quoted CSS attribute selector. */
export function cssStringEscape(value: string): string {
  return value.replace(/["\\]/g, "\\$&");
}

/** Escapes an id or class name for use as a CSS identifier. */
export function cssIdentEscape(value: string): string {
  return value.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`);
}

/** One candidate "own" selector of an element, before it is checked for uniqueness. */
export type SelectorCandidate =
  | { kind: "id"; value: string }
  | { kind: "attribute"; name: string; value: string }
  | { kind: "name"; tag: string; value: string }
  | { kind: "class"; tag: string; value: string };

/** A candidate as CSS. */
export function candidateCss(c: SelectorCandidate): string {
  switch (c.kind) {
    case "id":
      return `#${cssIdentEscape(c.value)}`;
    case "attribute":
      return `[${c.name}="${cssStringEscape(c.value)}"]`;
    case "name":
      return `${c.tag}[name="${cssStringEscape(c.value)}"]`;
    case "class":
      return `${c.tag}.${cssIdentEscape(c.value)}`;
  }
}

/** What the rule needs to know about the elements of one document, whatever holds them. */
export interface SelectorSource<E> {
  /** Lower-case tag name. */
  tag(el: E): string;
  attribute(el: E, name: string): string | null;
  classes(el: E): readonly string[];
  /** The parent element; null at the top or when the parent is not an element. */
  parent(el: E): E | null;
  /** 1-based position among the parent's element children. */
  position(el: E): number;
  /** Whether `candidate` matches `el` and nothing else in the document. */
  unique(el: E, candidate: SelectorCandidate): boolean;
}

function ownSelector<E>(el: E, src: SelectorSource<E>): string | null {
  const tag = src.tag(el);
  const id = src.attribute(el, "id");
  const tryCandidate = (c: SelectorCandidate) => (src.unique(el, c) ? candidateCss(c) : null);
  if (id && !isVolatileId(id)) {
    const found = tryCandidate({ kind: "id", value: id });
    if (found) return found;
  }
  for (const name of TEST_ID_ATTRIBUTES) {
    const value = src.attribute(el, name);
    const found = value ? tryCandidate({ kind: "attribute", name, value }) : null;
    if (found) return found;
  }
  const name = src.attribute(el, "name");
  if (name) {
    const found = tryCandidate({ kind: "name", tag, value: name });
    if (found) return found;
  }
  for (const cls of src.classes(el)) {
    if (isVolatileClass(cls)) continue;
    const found = tryCandidate({ kind: "class", tag, value: cls });
    if (found) return found;
  }
  return null;
}

/**
 * A selector that finds `el` again in another build of the same page: its id, a test-id attribute,
 * `name` or a class that is unique in the document (generated ids and hashed classes skipped), else
 * an `:nth-child` path from the nearest ancestor that has one (or from `body`), each step with its
 * first stable class (`body > div.row:nth-child(3)`).
 */
export function stableSelectorOf<E>(el: E, src: SelectorSource<E>): string {
  const own = ownSelector(el, src);
  if (own) return own;
  const parts: string[] = [];
  let cur: E | null = el;
  while (cur !== null) {
    const tag = src.tag(cur);
    const parent = src.parent(cur);
    if (tag === "body" || tag === "html" || parent === null) {
      parts.unshift(tag);
      break;
    }
    const anchor = cur === el ? null : ownSelector(cur, src);
    if (anchor) {
      parts.unshift(anchor);
      break;
    }
    // The first stable class says what the step is (`div.card:nth-child(3)`); the position makes it exact.
    const cls = src.classes(cur).find((c) => !isVolatileClass(c));
    parts.unshift(`${tag}${cls ? `.${cssIdentEscape(cls)}` : ""}:nth-child(${src.position(cur)})`);
    cur = parent;
  }
  return parts.join(" > ");
}

/**
 * The part of a DOM `Element` the rule reads; any browser or jsdom element fits. Declared here so
 * that this package needs no DOM types.
 */
export interface DomElement {
  readonly tagName: string;
  getAttribute(name: string): string | null;
  readonly classList: { readonly length: number; item(index: number): string | null };
  readonly parentElement: DomElement | null;
  readonly children: { readonly length: number; item(index: number): DomElement | null };
  readonly ownerDocument: { querySelectorAll(selectors: string): ArrayLike<unknown> };
}

const DOM_SOURCE: SelectorSource<DomElement> = {
  tag: (el) => el.tagName.toLowerCase(),
  attribute: (el, name) => el.getAttribute(name),
  classes: (el) => {
    const out: string[] = [];
    for (let i = 0; i < el.classList.length; i++) {
      const c = el.classList.item(i);
      if (c) out.push(c);
    }
    return out;
  },
  parent: (el) => el.parentElement,
  position: (el) => {
    const siblings = el.parentElement?.children;
    if (!siblings) return 1;
    for (let i = 0; i < siblings.length; i++) if (siblings.item(i) === el) return i + 1;
    return 1;
  },
  unique: (el, candidate) => {
    try {
      const found = el.ownerDocument.querySelectorAll(candidateCss(candidate));
      return found.length === 1 && found[0] === el;
    } catch {
      return false;
    }
  },
};

/** {@link stableSelectorOf} for an element of a live (or jsdom) document. */
export function stableSelector(el: DomElement): string {
  return stableSelectorOf(el, DOM_SOURCE);
}
