import { describe, expect, it } from "vitest";
import { type ElementAccess, matchesSelector, parseSelector } from "./selector.js";

interface El {
  tag: string;
  attrs: Record<string, string>;
  parent?: El;
}

const access: ElementAccess<El> = {
  tag: (e) => e.tag,
  attribute: (e, name) => e.attrs[name],
  parent: (e) => e.parent,
};

// <main id="app" class="page"> <section class="card private" data-kind="user-profile" lang="en-GB">
//   <p class="name">  <span data-testid="email">
const main: El = { tag: "main", attrs: { id: "app", class: "page" } };
const section: El = {
  tag: "section",
  attrs: { class: "card private", "data-kind": "user-profile", lang: "en-GB" },
  parent: main,
};
const p: El = { tag: "p", attrs: { class: "name" }, parent: section };
const span: El = { tag: "span", attrs: { "data-testid": "email" }, parent: p };

function matches(selector: string, el: El): boolean {
  const parsed = parseSelector(selector);
  if (!parsed.ok) throw new Error(parsed.reason);
  return matchesSelector(el, parsed.selector, access);
}

describe("parseSelector + matchesSelector", () => {
  it.each([
    ["*", span, true],
    ["SPAN", span, true],
    ["p", span, false],
    ["#app", main, true],
    ["main#app.page", main, true],
    ["main#other", main, false],
    [".card.private", section, true],
    [".card.public", section, false],
    ["[data-kind]", section, true],
    ['[data-kind="user-profile"]', section, true],
    ["[data-kind=user]", section, false],
    ["[data-kind^=user]", section, true],
    ["[data-kind$='profile']", section, true],
    ["[data-kind*=r-p]", section, true],
    ["[class~=private]", section, true],
    ["[class~=priv]", section, false],
    ["[lang|=en]", section, true],
    ['[data-kind="USER-PROFILE" i]', section, true],
    ['[data-kind="USER-PROFILE"]', section, false],
    ["main span", span, true],
    ["main > span", span, false],
    ["section > p > span", span, true],
    ["#app .private span[data-testid=email]", span, true],
    ["#app > .private > span", span, false],
    [".other, .private", section, true],
    ["  .private  ", section, true],
    ["div span", span, false],
  ] as const)("%s on <%s>", (selector, el, expected) => {
    expect(matches(selector, el)).toBe(expected);
  });

  it("backtracks over mixed combinators", () => {
    // `.page p > span` must look past the first ancestor that fails.
    expect(matches(".page p > span", span)).toBe(true);
    expect(matches("main section > span", span)).toBe(false);
  });

  it.each([
    ["", /empty/],
    ["a:hover", /unsupported: the pseudo-class or pseudo-element :hover/],
    ["li:nth-child(2)", /unsupported: .*:nth-child/],
    ["h1 + p", /unsupported: the sibling combinator "\+"/],
    ["h1 ~ p", /unsupported: the sibling combinator "~"/],
    ["[data-x", /invalid selector: expected/],
    ['[data-x="open', /invalid selector: unterminated string/],
    ["a,", /invalid selector: expected a selector/],
    [".", /invalid selector: expected a class name at character 2/],
    ["a!b", /invalid selector: unexpected "!"/],
    ["x".repeat(3000), /longer than 2000/],
  ])("refuses %j with a reason", (selector, reason) => {
    const parsed = parseSelector(selector);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it("stays bounded on a hostile selector over a deep tree", () => {
    let deep: El = { tag: "div", attrs: {} };
    for (let i = 0; i < 1500; i++) deep = { tag: "div", attrs: {}, parent: deep };
    const hostile = `${Array.from({ length: 60 }, () => "div").join(" ")} span`;
    expect(matches(hostile, deep)).toBe(false);
    expect(matches("div div div", deep)).toBe(true);
  });
});
