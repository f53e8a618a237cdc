/** Ids and classes that build tools or frameworks generate; they change between builds and sessions. */
const VOLATILE_ID =
  /^(?::r[0-9a-z]+:|«r[0-9a-z]+»|react-|radix-|headlessui-|mui-|ember\d|__next|rc_|[0-9])|[0-9a-f]{8,}|\d{4,}/i;
const VOLATILE_CLASS =
  /^(?:css-[0-9a-z]+|sc-[0-9a-z]+|jsx-\d+|emotion-|svelte-[0-9a-z]+|_[0-9a-z]{5,}|.*__[0-9a-z]{5}$|.*[_-][0-9a-z]*\d[0-9a-z]*$)/i;

/** Whether an id looks generated (React `:r1:`, uuids, long numbers, ...). @see stableSelector */
export function isVolatileId(id: string): boolean {
  return VOLATILE_ID.test(id);
}

/** Whether a class name looks hashed (CSS modules, emotion, styled-components, ...). @see stableSelector */
export function isVolatileClass(name: string): boolean {
  // `:hover`-style classes are added by rrweb's replayer, not by the app.
  return name.startsWith(":") || VOLATILE_CLASS.test(name);
}

function cssEscape(value: string): string {
  return value.replace(/["\\]/g, "\\$&");
}

function identEscape(value: string): string {
  return value.replace(/[^a-zA-Z0-9_-]/g, (c) => `\\${c}`);
}

function unique(doc: ParentNode, selector: string, el: Element): boolean {
  try {
    const found = doc.querySelectorAll(selector);
    return found.length === 1 && found[0] === el;
  } catch {
    return false;
  }
}

function ownSelector(el: Element, root: ParentNode): string | null {
  const tag = el.tagName.toLowerCase();
  const id = el.getAttribute("id");
  if (id && !isVolatileId(id) && unique(root, `#${identEscape(id)}`, el)) return `#${identEscape(id)}`;
  for (const attr of ["data-testid", "data-test-id", "data-test", "data-cy"]) {
    const v = el.getAttribute(attr);
    if (v && unique(root, `[${attr}="${cssEscape(v)}"]`, el)) return `[${attr}="${cssEscape(v)}"]`;
  }
  const name = el.getAttribute("name");
  if (name && unique(root, `${tag}[name="${cssEscape(name)}"]`, el))
    return `${tag}[name="${cssEscape(name)}"]`;
  for (const cls of Array.from(el.classList)) {
    if (isVolatileClass(cls)) continue;
    const sel = `${tag}.${identEscape(cls)}`;
    if (unique(root, sel, el)) return sel;
  }
  return null;
}

/**
 * A selector that finds `el` again in another build of the same page: its id, `data-testid`, `name`
 * or a unique class (generated ids and hashed classes skipped), else an `:nth-child` path from the
 * nearest ancestor that has one (or from `body`).
 * @see isVolatileId
 * @see isVolatileClass
 */
export function stableSelector(el: Element): string {
  const doc = el.ownerDocument;
  const own = ownSelector(el, doc);
  if (own) return own;
  const parts: string[] = [];
  let cur: Element | null = el;
  while (cur && cur.parentElement) {
    const tag = cur.tagName.toLowerCase();
    if (tag === "body" || tag === "html") {
      parts.unshift(tag);
      break;
    }
    const anchor: string | null = cur === el ? null : ownSelector(cur, doc);
    if (anchor) {
      parts.unshift(anchor);
      break;
    }
    const index = Array.from(cur.parentElement.children).indexOf(cur) + 1;
    parts.unshift(`${tag}:nth-child(${index})`);
    cur = cur.parentElement;
  }
  return parts.join(" > ");
}
