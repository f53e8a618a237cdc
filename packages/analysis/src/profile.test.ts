import { describe, expect, it } from "vitest";
import type { Recording, RrwebEvent } from "@replay-devkit/codec";
import { parseBudget, profileRecording, renderProfile } from "./profile.js";

const T0 = 1_800_000_000_000;
const ev = (type: number, t: number, data: unknown) =>
  ({ type, timestamp: T0 + t, data }) as unknown as RrwebEvent;
const el = (id: number, tagName: string, attributes: Record<string, string>, childNodes: unknown[] = []) => ({
  type: 2,
  id,
  tagName,
  attributes,
  childNodes,
});
const PNG = `data:image/png;base64,${"A".repeat(4000)}`;
const CSS = `body { background: url("data:image/svg+xml;base64,${"B".repeat(1000)}") } ${".a{color:red}".repeat(500)}`;

const snapshot = {
  type: 0,
  id: 1,
  childNodes: [
    el(2, "html", {}, [
      el(3, "head", {}, [el(4, "link", { _cssText: CSS })]),
      el(5, "body", {}, [
        el(6, "div", { id: "spinner" }),
        el(7, "img", { src: PNG }),
        el(8, "ul", { id: "feed" }),
      ]),
    ]),
  ],
};

function storm(count: number): RrwebEvent[] {
  const out: RrwebEvent[] = [];
  for (let i = 0; i < count; i++)
    out.push(
      ev(3, 100 + i * 10, {
        source: 0,
        texts: [],
        adds: [],
        removes: [],
        attributes: [{ id: 6, attributes: { style: `transform: rotate(${i}deg)` } }],
      }),
    );
  return out;
}

const rec: Recording = {
  sessionId: "s1",
  distinctId: null,
  posthogEvents: [],
  windows: [
    {
      windowId: "w1",
      events: [
        ev(4, 0, { href: "https://a.test/", width: 800, height: 600 }),
        ev(2, 1, { node: snapshot, initialOffset: { top: 0, left: 0 } }),
        ...storm(500),
        ev(3, 6000, {
          source: 0,
          texts: [],
          attributes: [],
          removes: [],
          adds: [
            { parentId: 8, nextId: null, node: el(30, "li", {}, [{ type: 3, id: 31, textContent: "post" }]) },
          ],
        }),
        ev(3, 6100, {
          source: 1,
          positions: [
            { x: 1, y: 2, id: 5, timeOffset: 0 },
            { x: 3, y: 4, id: 5, timeOffset: -10 },
          ],
        }),
        ev(6, 6200, {
          plugin: "rrweb/network@1",
          payload: { requests: [{ name: "https://a.test/x" }, { name: "https://a.test/y" }] },
        }),
        ev(5, 6300, { tag: "checkout", payload: {} }),
        ev(3, 6400, { source: 0, texts: [], attributes: [], removes: [], adds: [] }),
        ev(9, 60_001, {}),
      ],
    },
  ],
};

describe("profileRecording", () => {
  const p = profileRecording(rec);
  const row = (id: string) => p.categories.find((c) => c.category === id);

  it("attributes every byte of every event's JSON to one category", () => {
    const expected = rec.windows[0]!.events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
    expect(p.bytes).toBe(expected);
    expect(p.categories.reduce((sum, c) => sum + c.bytes, 0)).toBe(expected);
    expect(p.categories.reduce((sum, c) => sum + c.share, 0)).toBeCloseTo(1, 12);
    expect(p.events).toBe(rec.windows[0]!.events.length);
    expect(p.durationMs).toBe(60_001);
    expect(p.bytesPerMinute).toBeCloseTo((expected * 60_000) / 60_001, 6);
  });

  it("splits mutations by part and counts items", () => {
    expect(row("mutation.attributes")).toMatchObject({ events: 500, items: 500 });
    // The empty mutation lands in adds, so adds has two events but one added node.
    expect(row("mutation.adds")).toMatchObject({ events: 2, items: 1 });
    expect(row("mouse-move")).toMatchObject({ events: 1, items: 2 });
    expect(row("plugin.network")).toMatchObject({ events: 1, items: 2 });
    expect(row("other")).toMatchObject({ events: 1 });
    expect(p.categories[0]?.category).toBe("mutation.attributes");
  });

  it("finds inlined CSS, data: URLs, the stormy element and its attribute", () => {
    expect(p.inlineCss[0]).toMatchObject({ what: "_cssText of <link>", count: 1 });
    expect(p.dataUrls.map((d) => d.what)).toEqual(["img[src] image/png", "css url() image/svg+xml"]);
    expect(p.dataUrls[0]!.bytes).toBe(Buffer.byteLength(JSON.stringify(PNG)));
    expect(p.mutationSelectors[0]).toMatchObject({ what: "#spinner", count: 500 });
    expect(p.mutatedAttributes[0]).toMatchObject({ what: "style on #spinner", count: 500 });
    expect(p.customTags[0]).toMatchObject({ what: "checkout" });
  });

  it("names the setting for each heavy part", () => {
    const settings = p.advice.map((a) => `${a.about}: ${a.setting}`);
    expect(settings[0]).toBe(
      'mutation.attributes: session_recording.attributeFilter (leave out "style") or blockSelector: "#spinner"',
    );
    const text = renderProfile(p);
    expect(text).toContain("mutation.attributes");
    expect(text).toContain("What would make it smaller:");
  });

  it("gives an empty recording zero bytes and finite rates", () => {
    const empty = profileRecording({ ...rec, windows: [] });
    expect(empty).toMatchObject({
      bytes: 0,
      events: 0,
      eventsPerSecond: 0,
      bytesPerMinute: 0,
      categories: [],
    });
  });
});

describe("parseBudget", () => {
  it.each([
    ["2MB/min", 2 * 1024 * 1024],
    ["500 KB/min", 500 * 1024],
    ["50KB/s", 50 * 1024 * 60],
    ["1GB/h", 1024 ** 3 / 60],
    ["1.5mb/m", 1.5 * 1024 * 1024],
  ])("%s", (text, perMinute) => expect(parseBudget(text)).toBeCloseTo(perMinute, 6));
  it.each(["2MB", "fast", "0MB/min", "-1MB/min", "2TB/min", "2MB/day"])("rejects %j", (text) =>
    expect(parseBudget(text)).toBeNull(),
  );
});
