// A short, stable CSS selector for an element of the replayed document: ids when unique, a couple
// of meaningful classes, :nth-of-type only where siblings would be ambiguous.

// rrweb adds a ":hover" class to simulate hover; CSS-in-JS hashes change on every build.
const GENERATED_CLASS = /^(:|rr[-_]|css-|sc-|jsx-|_)|\d{3,}/;

export function escapeIdent(value: string): string {
  if (typeof CSS !== "undefined" && typeof CSS.escape === "function") return CSS.escape(value);
  return value.replace(/^(\d)/, "\\3$1 ").replace(/[^\w-]/g, (c) => `\\${c}`);
}

export function cssSelector(element: Element): string {
  const doc = element.ownerDocument;
  const parts: string[] = [];
  let node: Element | null = element;
  while (node && node.nodeType === 1) {
    const tag = node.tagName.toLowerCase();
    if (tag === "html") {
      parts.unshift("html");
      break;
    }
    if (node.id) {
      const idSelector = `#${escapeIdent(node.id)}`;
      if (doc.querySelectorAll(idSelector).length === 1) {
        parts.unshift(idSelector);
        break;
      }
    }
    let part = tag;
    const classes = Array.from(node.classList)
      .filter((c) => !GENERATED_CLASS.test(c))
      .slice(0, 2);
    for (const c of classes) part += `.${escapeIdent(c)}`;
    const parent: Element | null = node.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((s) => s.tagName === node?.tagName);
      if (same.length > 1) {
        const matching = same.filter((s) => classes.every((c) => s.classList.contains(c)));
        if (matching.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
    }
    parts.unshift(part);
    // Stop as soon as the path so far is unique in the document.
    try {
      if (doc.querySelectorAll(parts.join(" > ")).length === 1 && parts.length > 1) break;
    } catch {
      // An exotic identifier escaped badly; keep climbing.
    }
    node = parent;
  }
  return parts.join(" > ");
}
