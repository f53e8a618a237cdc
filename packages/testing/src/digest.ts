/**
 * One element of a DOM digest: where it sits, its own text, its state.
 * @see domDigest
 */
export interface DigestEntry {
  /** `tag#id.class` segments from the region root, volatile ids/classes not yet removed. */
  path: string;
  /** Direct text of the element, whitespace collapsed. */
  text: string;
  hidden: boolean;
  /** Current value of form fields (checked state as "true"/"false" for boxes). */
  value?: string;
}

/**
 * Walks the element matched by `rootSelector` (default body) and lists each element with its own text.
 * Self-contained on purpose: Playwright serialises it into the page, and jsdom runs it as is.
 * @see normalizeDigest
 */
export function domDigest(rootSelector: string, doc?: Document): DigestEntry[] | null {
  const SKIP = new Set([
    "SCRIPT",
    "STYLE",
    "NOSCRIPT",
    "TEMPLATE",
    "LINK",
    "META",
    "SVG",
    "IFRAME",
    "CANVAS",
  ]);
  const root = (doc ?? document).querySelector(rootSelector);
  if (!root) return null;
  const out: DigestEntry[] = [];
  const seg = (el: Element): string => {
    let s = el.tagName.toLowerCase();
    const id = el.getAttribute("id");
    if (id) s += `#${id}`;
    // rrweb's replayer adds `:hover`-style classes to the rebuilt DOM; they are not app state.
    const classes = Array.from(el.classList)
      .filter((c) => !c.startsWith(":"))
      .sort();
    for (const c of classes) s += `.${c}`;
    return s;
  };
  const selfHidden = (el: Element): boolean => {
    if (el.hasAttribute("hidden")) return true;
    const style = (el as HTMLElement).style;
    if (style && (style.display === "none" || style.visibility === "hidden")) return true;
    try {
      const view = el.ownerDocument.defaultView;
      const cs = view ? view.getComputedStyle(el) : null;
      if (cs && (cs.display === "none" || cs.visibility === "hidden")) return true;
    } catch {
      return false;
    }
    return false;
  };
  const walk = (el: Element, path: string, parentHidden: boolean): void => {
    if (SKIP.has(el.tagName.toUpperCase())) return;
    const className = typeof el.className === "string" ? el.className : "";
    if (
      /(^|\s)PostHog/.test(className) ||
      el.id === "__posthog" ||
      el.hasAttribute("data-replay-devkit-ignore")
    )
      return;
    const hidden = parentHidden || selfHidden(el);
    let text = "";
    for (const child of Array.from(el.childNodes)) if (child.nodeType === 3) text += child.textContent ?? "";
    const entry: DigestEntry = { path, text: text.replace(/\s+/g, " ").trim(), hidden };
    const tag = el.tagName.toUpperCase();
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      const field = el as HTMLInputElement;
      entry.value =
        field.type === "checkbox" || field.type === "radio"
          ? String(field.checked)
          : String(field.value ?? "");
    }
    out.push(entry);
    const children = Array.from(el.children);
    const segments = children.map(seg);
    const seen = new Map<string, number>();
    children.forEach((child, i) => {
      const s = segments[i] as string;
      const nth = (seen.get(s) ?? 0) + 1;
      seen.set(s, nth);
      // Siblings that look alike get their position, so a report can say which one changed.
      const repeated = nth > 1 || segments.indexOf(s, i + 1) !== -1;
      walk(child, `${path} > ${s}${repeated ? `[${nth}]` : ""}`, hidden);
    });
  };
  walk(root, seg(root), false);
  return out;
}
