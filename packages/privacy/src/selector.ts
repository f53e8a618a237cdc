/**
 * The subset of CSS selectors needed to evaluate posthog-js's `maskTextSelector` and `blockSelector`
 * against a recorded DOM: type, `*`, `#id`, `.class`, attribute selectors (all six operators, quoted or
 * bare values, the `i` flag), descendant and child combinators, and comma lists. Sibling combinators
 * and pseudo-classes need sibling order or live state the recording does not keep in one place, so they
 * are refused with a reason instead of being half-matched.
 */

type AttrOp = "exists" | "=" | "~=" | "|=" | "^=" | "$=" | "*=";

interface AttrTest {
  name: string;
  op: AttrOp;
  value: string;
  caseInsensitive: boolean;
}

interface Compound {
  /** Lower-case tag, or undefined for `*` / no type selector. */
  tag: string | undefined;
  ids: string[];
  classes: string[];
  attrs: AttrTest[];
}

/** Right-most compound first; `combinators[i]` joins `compounds[i]` to `compounds[i + 1]`. */
interface Complex {
  compounds: Compound[];
  combinators: ("descendant" | "child")[];
}

export interface Selector {
  readonly source: string;
  readonly list: readonly Complex[];
}

export type SelectorParse = { ok: true; selector: Selector } | { ok: false; reason: string };

/** How the matcher reads an element; the privacy walker answers from its node-id mirror. */
export interface ElementAccess<E> {
  tag(element: E): string | undefined;
  attribute(element: E, name: string): string | undefined;
  parent(element: E): E | undefined;
}

const MAX_SOURCE = 2000;
const MAX_COMPOUNDS = 64;
// Backtracking over mixed child/descendant chains is bounded; real selectors need a handful of steps.
const MAX_MATCH_STEPS = 10_000;

const IDENT_CHAR = /[\w\-\u00a0-\uffff]/;

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private fail(message: string): never {
    throw new SelectorSyntax(`${message} at character ${this.pos + 1}`);
  }

  private skipSpace(): boolean {
    const start = this.pos;
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] as string)) this.pos++;
    return this.pos > start;
  }

  private ident(what: string): string {
    let out = "";
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] as string;
      if (c === "\\") {
        const next = this.src[this.pos + 1];
        if (next === undefined) this.fail("a selector cannot end with a backslash");
        out += next;
        this.pos += 2;
      } else if (IDENT_CHAR.test(c)) {
        out += c;
        this.pos++;
      } else break;
    }
    if (out === "") this.fail(`expected ${what}`);
    return out;
  }

  private quoted(): string {
    const quote = this.src[this.pos] as string;
    this.pos++;
    let out = "";
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] as string;
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c === "\\") {
        const next = this.src[this.pos + 1];
        if (next === undefined) break;
        out += next;
        this.pos += 2;
      } else {
        out += c;
        this.pos++;
      }
    }
    return this.fail("unterminated string");
  }

  private attribute(): AttrTest {
    this.pos++; // [
    this.skipSpace();
    const name = this.ident("an attribute name").toLowerCase();
    this.skipSpace();
    if (this.peek() === "]") {
      this.pos++;
      return { name, op: "exists", value: "", caseInsensitive: false };
    }
    let op: AttrOp;
    if (this.peek() === "=") {
      op = "=";
      this.pos++;
    } else {
      const two = this.src.slice(this.pos, this.pos + 2);
      if (two !== "~=" && two !== "|=" && two !== "^=" && two !== "$=" && two !== "*=") {
        this.fail("expected an attribute operator (=, ~=, |=, ^=, $=, *=) or ]");
      }
      op = two;
      this.pos += 2;
    }
    this.skipSpace();
    const c = this.peek();
    const value = c === '"' || c === "'" ? this.quoted() : this.ident("an attribute value");
    this.skipSpace();
    let caseInsensitive = false;
    const flag = this.peek();
    if (flag === "i" || flag === "I" || flag === "s" || flag === "S") {
      caseInsensitive = flag === "i" || flag === "I";
      this.pos++;
      this.skipSpace();
    }
    if (this.peek() !== "]") this.fail("expected ]");
    this.pos++;
    return { name, op, value, caseInsensitive };
  }

  private compound(): Compound {
    const out: Compound = { tag: undefined, ids: [], classes: [], attrs: [] };
    let any = false;
    if (this.peek() === "*") {
      this.pos++;
      any = true;
    } else if (this.peek() !== undefined && IDENT_CHAR.test(this.peek() as string)) {
      out.tag = this.ident("a tag name").toLowerCase();
      any = true;
    }
    for (;;) {
      const c = this.peek();
      if (c === "#") {
        this.pos++;
        out.ids.push(this.ident("an id"));
      } else if (c === ".") {
        this.pos++;
        out.classes.push(this.ident("a class name"));
      } else if (c === "[") {
        out.attrs.push(this.attribute());
      } else if (c === ":") {
        const name = /^::?[\w-]*/.exec(this.src.slice(this.pos))?.[0] ?? ":";
        throw new SelectorUnsupported(
          `the pseudo-class or pseudo-element ${name} depends on state the recording does not keep`,
        );
      } else break;
      any = true;
    }
    if (!any) this.fail("expected a selector");
    return out;
  }

  private complex(): Complex {
    const compounds: Compound[] = [];
    const combinators: ("descendant" | "child")[] = [];
    this.skipSpace();
    compounds.push(this.compound());
    for (;;) {
      const spaced = this.skipSpace();
      const c = this.peek();
      if (c === undefined || c === ",") break;
      if (c === "+" || c === "~") {
        throw new SelectorUnsupported(`the sibling combinator "${c}" needs sibling order`);
      }
      if (c === ">") {
        this.pos++;
        this.skipSpace();
        combinators.push("child");
      } else if (spaced) {
        combinators.push("descendant");
      } else {
        this.fail(`unexpected "${c}"`);
      }
      compounds.push(this.compound());
      if (compounds.length > MAX_COMPOUNDS) this.fail(`more than ${MAX_COMPOUNDS} compound selectors`);
    }
    compounds.reverse();
    combinators.reverse();
    return { compounds, combinators };
  }

  parse(): Complex[] {
    const list: Complex[] = [];
    for (;;) {
      list.push(this.complex());
      this.skipSpace();
      if (this.peek() === undefined) return list;
      if (this.peek() !== ",") this.fail(`unexpected "${this.peek() as string}"`);
      this.pos++;
    }
  }
}

class SelectorSyntax extends Error {}
class SelectorUnsupported extends Error {}

/** Parses `source`; never throws. `reason` says why a selector cannot be evaluated. */
export function parseSelector(source: string): SelectorParse {
  if (source.trim() === "") return { ok: false, reason: "the selector is empty" };
  if (source.length > MAX_SOURCE) {
    return { ok: false, reason: `the selector is longer than ${MAX_SOURCE} characters` };
  }
  try {
    return { ok: true, selector: { source, list: new Parser(source).parse() } };
  } catch (error) {
    if (error instanceof SelectorSyntax) return { ok: false, reason: `invalid selector: ${error.message}` };
    if (error instanceof SelectorUnsupported) return { ok: false, reason: `unsupported: ${error.message}` };
    throw error;
  }
}

function attrMatches(actual: string | undefined, test: AttrTest): boolean {
  if (actual === undefined) return false;
  if (test.op === "exists") return true;
  const a = test.caseInsensitive ? actual.toLowerCase() : actual;
  const v = test.caseInsensitive ? test.value.toLowerCase() : test.value;
  switch (test.op) {
    case "=":
      return a === v;
    case "~=":
      return v !== "" && !/\s/.test(v) && a.split(/\s+/).includes(v);
    case "|=":
      return a === v || a.startsWith(`${v}-`);
    case "^=":
      return v !== "" && a.startsWith(v);
    case "$=":
      return v !== "" && a.endsWith(v);
    case "*=":
      return v !== "" && a.includes(v);
  }
}

function compoundMatches<E>(element: E, c: Compound, access: ElementAccess<E>): boolean {
  const tag = access.tag(element);
  if (tag === undefined) return false;
  if (c.tag !== undefined && tag.toLowerCase() !== c.tag) return false;
  if (c.ids.length > 0) {
    const id = access.attribute(element, "id");
    if (id === undefined || c.ids.some((want) => want !== id)) return false;
  }
  if (c.classes.length > 0) {
    const classes = (access.attribute(element, "class") ?? "").split(/\s+/);
    if (c.classes.some((want) => !classes.includes(want))) return false;
  }
  return c.attrs.every((t) => attrMatches(access.attribute(element, t.name), t));
}

function complexMatches<E>(
  element: E,
  sel: Complex,
  index: number,
  access: ElementAccess<E>,
  budget: { steps: number },
): boolean {
  if (--budget.steps < 0) return false;
  const compound = sel.compounds[index];
  if (compound === undefined || !compoundMatches(element, compound, access)) return false;
  if (index === sel.compounds.length - 1) return true;
  const combinator = sel.combinators[index];
  let ancestor = access.parent(element);
  if (combinator === "child") {
    return ancestor !== undefined && complexMatches(ancestor, sel, index + 1, access, budget);
  }
  for (; ancestor !== undefined; ancestor = access.parent(ancestor)) {
    if (complexMatches(ancestor, sel, index + 1, access, budget)) return true;
    if (budget.steps < 0) return false;
  }
  return false;
}

/** Whether `element` itself matches (like `Element.matches`). Ancestors are the caller's business. */
export function matchesSelector<E>(element: E, selector: Selector, access: ElementAccess<E>): boolean {
  const budget = { steps: MAX_MATCH_STEPS };
  return selector.list.some((complex) => complexMatches(element, complex, 0, access, budget));
}
