import { describe, expect, it } from "vitest";
import { recordingMarkers } from "./markers.js";
import { NodeMirror } from "./mirror.js";
import { isVolatileClass, isVolatileId } from "./selector.js";
import type { Recording, RrwebEvent } from "@replay-devkit/codec";

const el = (
  id: number,
  tagName: string,
  attributes: Record<string, unknown>,
  childNodes: unknown[] = [],
) => ({
  type: 2,
  id,
  tagName,
  attributes,
  childNodes,
});
const text = (id: number, textContent: string) => ({ type: 3, id, textContent });

// <html><body><ul id="items"><li>a</li><li>b</li></ul><button class="btn css-1x2y3z">Pay now</button>
// <div class="row"><span>x</span></div><div class="row"><span>y</span></div><input name="email"></body></html>
const snapshot = {
  type: 0,
  id: 1,
  childNodes: [
    el(2, "html", {}, [
      el(3, "body", {}, [
        el(4, "ul", { id: "items" }, [el(5, "li", {}, [text(6, "a")]), el(7, "li", {}, [text(8, "b")])]),
        el(9, "button", { class: "btn css-1x2y3z" }, [text(10, " Pay\n now ")]),
        el(11, "div", { class: "row" }, [el(12, "span", {}, [text(13, "x")])]),
        el(14, "div", { class: "row" }, [el(15, "span", {}, [text(16, "y")])]),
        el(17, "input", { name: "email", type: "email" }),
        el(18, "p", { id: ":r1:" }, [text(19, "status")]),
      ]),
    ]),
  ],
};

function mirror(): NodeMirror {
  const m = new NodeMirror();
  m.apply({ type: 2, data: { node: snapshot, initialOffset: { top: 0, left: 0 } } });
  return m;
}

describe("NodeMirror", () => {
  it("resolves node ids to stable selectors through ids, names, unique classes and nth-child paths", () => {
    const m = mirror();
    expect(m.selector(4)).toBe("#items");
    expect(m.selector(5)).toBe("#items > li:nth-child(1)");
    expect(m.selector(8)).toBe("#items > li:nth-child(2)");
    expect(m.selector(9)).toBe("button.btn");
    expect(m.selector(17)).toBe('input[name="email"]');
    // Both rows share a class, so the span gets a path from body; the row's class names its step.
    expect(m.selector(15)).toBe("body > div.row:nth-child(4) > span:nth-child(1)");
    // A React id is generated, so it is not used.
    expect(m.selector(18)).toBe("body > p:nth-child(6)");
    expect(m.selector(999)).toBeNull();
    expect(m.textOf(9)).toBe("Pay now");
    expect(m.label(9)).toBe("button.btn");
  });

  it("follows adds, removes, attribute and text mutations", () => {
    const m = mirror();
    m.apply({
      type: 3,
      data: {
        source: 0,
        removes: [{ parentId: 4, id: 5 }],
        adds: [
          { parentId: 4, nextId: 7, node: el(20, "li", { "data-testid": "new" }, []) },
          { parentId: 3, nextId: null, node: el(21, "div", { class: "row" }, []) },
        ],
        texts: [{ id: 8, value: "bee" }],
        attributes: [
          { id: 9, attributes: { id: "pay", style: { color: "red" } } },
          { id: 14, attributes: { class: null } },
        ],
      },
    });
    expect(m.node(5)).toBeUndefined();
    expect(m.node(6)).toBeUndefined();
    expect(m.selector(20)).toBe('[data-testid="new"]');
    expect(m.selector(7)).toBe("#items > li:nth-child(2)");
    expect(m.textOf(7)).toBe("bee");
    expect(m.selector(9)).toBe("#pay");
    // Row 14 lost its class: row 11 and the new row 21 share it, so neither is unique.
    expect(m.selector(11)).toBe("body > div.row:nth-child(3)");
    expect(m.closest(10, "button#pay")).toBe(9);
    expect(m.closest(10, "#items")).toBeNull();
    expect(m.closest(8, 'ul[id="items"]')).toBe(4);
    expect(m.closest(8, "ul > li")).toBeNull();
  });

  it("survives malformed events and a snapshot nested far deeper than any page", () => {
    const m = new NodeMirror();
    m.apply({ type: 3, data: { source: 0, adds: [null, { parentId: "x" }], removes: "no" } });
    m.apply({ type: 2, data: "nope" });
    expect(m.size).toBe(0);
    let node: Record<string, unknown> = text(100_001, "deep");
    for (let id = 100_000; id > 0; id--) node = el(id, "div", {}, [node]);
    m.reset({ type: 0, id: 0, childNodes: [node] });
    expect(m.size).toBe(100_002);
    expect(m.textOf(1)).toBe("deep");
  });

  it("keeps the testing package's volatility rules", () => {
    expect(isVolatileId(":r1:")).toBe(true);
    expect(isVolatileId("checkout")).toBe(false);
    expect(isVolatileClass("css-1x2y3z")).toBe(true);
    expect(isVolatileClass("primary")).toBe(false);
  });
});

describe("recordingMarkers", () => {
  const ev = (type: number, timestamp: number, data: unknown) =>
    ({ type, timestamp, data }) as unknown as RrwebEvent;
  const rec: Recording = {
    sessionId: "s",
    distinctId: null,
    posthogEvents: [],
    windows: [
      {
        windowId: "w1",
        events: [
          ev(4, 1000, { href: "https://a.test/", width: 800, height: 600 }),
          ev(3, 1100, { source: 2, type: 5, id: 17 }),
          ev(3, 1200, { source: 5, id: 17, text: "***", isChecked: false }),
          ev(3, 1300, { source: 5, id: 9, text: "x", isChecked: false }),
          ev(3, 1400, { source: 2, type: 2, id: 9, x: 1, y: 2 }),
          ev(3, 1401, { source: 2, type: 9, id: 9 }),
        ],
      },
      { windowId: "w2", events: [ev(4, 500, { href: "https://b.test/" })] },
    ],
  };

  it("lists page loads, clicks (a tap once) and inputs with programmatic ones told apart", () => {
    const markers = recordingMarkers(rec);
    expect(markers.map((m) => `${m.kind}@${m.offsetMs}:${m.windowId}`)).toEqual([
      "page@0:w2",
      "page@500:w1",
      "input@700:w1",
      "input@800:w1",
      "click@900:w1",
    ]);
    expect(markers[2]).toMatchObject({ nodeId: 17, text: "***", programmatic: false });
    expect(markers[3]).toMatchObject({ nodeId: 9, programmatic: true });
    expect(recordingMarkers({ ...rec, windows: [] })).toEqual([]);
  });
});
