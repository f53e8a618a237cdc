import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { isVolatileClass, isVolatileId, stableSelector } from "./selectors.js";

function doc(html: string): Document {
  return new JSDOM(`<!doctype html><html><body>${html}</body></html>`).window.document;
}

describe("stableSelector", () => {
  it("prefers a stable id, then data-testid, then name, then a unique class", () => {
    const d = doc(`
      <button id="pay">Pay</button>
      <button id=":r5:" data-testid="cancel">Cancel</button>
      <input name="email"><input name="email2">
      <p class="css-1x2y3z note">a</p><p class="other">b</p>`);
    const q = (s: string) => d.querySelector(s) as Element;
    expect(stableSelector(q("#pay"))).toBe("#pay");
    expect(stableSelector(q("button[data-testid]"))).toBe('[data-testid="cancel"]');
    expect(stableSelector(q("input[name=email]"))).toBe('input[name="email"]');
    expect(stableSelector(q("p.note"))).toBe("p.note");
  });

  it("falls back to an nth-child path anchored at the nearest identifiable ancestor", () => {
    const d = doc(`<ul id="items"><li>a</li><li>b</li><li><span>c</span></li></ul><div><i></i><i></i></div>`);
    const span = d.querySelector("li:nth-child(3) span") as Element;
    const selector = stableSelector(span);
    expect(selector).toBe("#items > li:nth-child(3) > span:nth-child(1)");
    expect(d.querySelector(selector)).toBe(span);
    const second = d.querySelectorAll("i")[1] as Element;
    const path = stableSelector(second);
    expect(path).toBe("body > div:nth-child(2) > i:nth-child(2)");
    expect(d.querySelector(path)).toBe(second);
  });

  it("skips ids and classes that are not unique", () => {
    const d = doc(`<a class="link">1</a><a class="link">2</a>`);
    const second = d.querySelectorAll("a")[1] as Element;
    expect(d.querySelector(stableSelector(second))).toBe(second);
  });
});

describe("volatile names", () => {
  it("recognises generated ids and hashed classes but keeps ordinary ones", () => {
    for (const id of [":r1:", "react-select-3", "el-4f3a9b2c1d", "a1b2c3d4e5f6a7b8", "12345"])
      expect(isVolatileId(id), id).toBe(true);
    for (const id of ["checkout", "cart-count", "email"]) expect(isVolatileId(id), id).toBe(false);
    for (const cls of ["css-1q2w3e", "sc-bdVaJa", "jsx-123456", "Button_primary__a1b2c", ":hover"])
      expect(isVolatileClass(cls), cls).toBe(true);
    for (const cls of ["banner", "success", "add-btn", "product"])
      expect(isVolatileClass(cls), cls).toBe(false);
  });
});
