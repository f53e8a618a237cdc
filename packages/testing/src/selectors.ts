import { isVolatileClass, isVolatileId } from "@replay-devkit/codec";

// The volatility rules live in the codec so that the CLI's node mirror picks the same selectors.
export { isVolatileClass, isVolatileId };

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
