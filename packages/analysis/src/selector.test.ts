import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import type { Recording, RrwebEvent } from "@replay-devkit/codec";
import { NodeMirror } from "./mirror.js";
import { isVolatileClass, isVolatileId, stableSelector } from "./selector.js";
import { parseTimelineRequest, timelineView } from "./timeline-query.js";

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

  it("names each step of a path by its first stable class", () => {
    const d = doc(`<div class="css-1x2y3z zone">1</div><div class="zone">2</div>`);
    const second = d.querySelectorAll("div.zone")[1] as Element;
    expect(stableSelector(second)).toBe("body > div.zone:nth-child(2)");
    expect(d.querySelectorAll(stableSelector(second))).toHaveLength(1);
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

/** rrweb's serialized form of a jsdom tree (ids in document order), as a full snapshot holds it. */
function serialize(root: Node, ids: Map<Node, number>): unknown {
  const id = ids.size + 1;
  ids.set(root, id);
  if (root.nodeType === 3) return { type: 3, id, textContent: root.textContent };
  if (root.nodeType === 10) return { type: 1, id, name: "html", publicId: "", systemId: "" };
  if (root.nodeType === 9)
    return { type: 0, id, childNodes: [...root.childNodes].map((c) => serialize(c, ids)) };
  const el = root as Element;
  return {
    type: 2,
    id,
    tagName: el.tagName.toLowerCase(),
    attributes: Object.fromEntries([...el.attributes].map((a) => [a.name, a.value])),
    childNodes: [...el.childNodes].map((c) => serialize(c, ids)),
  };
}

describe("one rule for the live DOM and the node mirror", () => {
  const html = `<form class="checkout"><input name="email"><input name="email">
    <button id=":r5:" class="btn css-1x2y3z"><span>Pay</span></button></form>
    <ul id="items"><li>a</li><li data-testid="second">b</li><li><b>c</b></li></ul>
    <div class="row"><i></i></div><div class="row"><i></i></div>`;
  const document = new JSDOM(`<!doctype html><html><body>${html}</body></html>`).window.document;
  const ids = new Map<Node, number>();
  const snapshot = serialize(document, ids);
  const mirror = new NodeMirror();
  mirror.reset(snapshot);

  it("picks the same selector for every element", () => {
    const elements = [...document.querySelectorAll("body *")];
    expect(elements.length).toBeGreaterThan(10);
    for (const el of elements)
      expect(mirror.selector(ids.get(el) as number), el.outerHTML).toBe(stableSelector(el));
  });

  it("anchors the timeline on a selector copied from the page, for a click inside it", () => {
    const T0 = 1_800_000_000_000;
    const span = document.querySelector("button span") as Element;
    const button = span.parentElement as Element;
    const bold = document.querySelector("li b") as Element;
    const events = [
      { type: 4, timestamp: T0, data: { href: "https://app.test/", width: 800, height: 600 } },
      { type: 2, timestamp: T0 + 1, data: { node: snapshot, initialOffset: { left: 0, top: 0 } } },
      { type: 3, timestamp: T0 + 1000, data: { source: 2, type: 2, id: ids.get(span), x: 1, y: 1 } },
      { type: 3, timestamp: T0 + 2000, data: { source: 2, type: 2, id: ids.get(bold), x: 1, y: 1 } },
    ] as unknown as RrwebEvent[];
    const rec: Recording = {
      sessionId: "s",
      distinctId: null,
      windows: [{ windowId: "w", events }],
      posthogEvents: [],
    };
    for (const [copied, offsetMs] of [
      [stableSelector(button), 1000],
      [stableSelector(bold.parentElement as Element), 2000],
      [stableSelector(bold), 2000],
    ] as const) {
      const query = parseTimelineRequest({ around: `click:${copied}`, scrub: false });
      const { view } = timelineView(rec, query);
      expect(view.anchor?.offsetMs, copied).toBe(offsetMs);
    }
  });
});
