import { describe, expect, it } from "vitest";
import type { Recording, RrwebEvent } from "@replay-devkit/codec";
import { describeAnchors, limitEntries, parseAnchor, windowAround } from "./anchors.js";
import { parseTimePoint } from "./time.js";
import { buildTimeline, type Anchor, type TimelineEntry } from "./timeline.js";
import { renderMarkdown, renderText } from "./timeline-render.js";

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
const txt = (id: number, textContent: string) => ({ type: 3, id, textContent });

const snapshot = {
  type: 0,
  id: 1,
  childNodes: [
    el(2, "html", {}, [
      el(3, "body", {}, [
        el(4, "form", { class: "checkout" }, [
          el(5, "input", { type: "password", name: "pw" }),
          el(6, "input", { type: "text", id: "coupon" }),
          el(7, "button", { id: "pay" }, [el(8, "span", {}, [txt(9, "Pay | now")])]),
        ]),
        el(10, "ul", { id: "items" }),
        el(11, "p", { id: "status" }, [txt(12, "idle")]),
      ]),
    ]),
  ],
};

const network = (t: number, requests: unknown[]) =>
  ev(6, t, { plugin: "rrweb/network@1", payload: { requests } });

const rec: Recording = {
  sessionId: "s1",
  distinctId: null,
  windows: [
    {
      windowId: "w1",
      events: [
        ev(4, 0, { href: "https://shop.test/cart", width: 800, height: 600 }),
        ev(2, 1, { node: snapshot, initialOffset: { top: 0, left: 0 } }),
        ev(3, 1000, { source: 5, id: 5, text: "*****", isChecked: false }),
        ev(3, 1100, { source: 5, id: 6, text: "SAVE", isChecked: false }),
        ev(3, 1200, { source: 5, id: 6, text: "SAVE10", isChecked: false }),
        ev(3, 2000, { source: 2, type: 2, id: 9, x: 1, y: 1 }),
        network(2010, [
          {
            name: "https://shop.test/api/pay",
            initiatorType: "fetch",
            method: "post",
            status: 502,
            duration: 31.25,
            timestamp: T0 + 2005,
            requestBody: "x".repeat(50),
            responseBody: "bad gateway",
          },
          { name: "https://shop.test/logo.png", initiatorType: "img", status: 200, timestamp: T0 + 2006 },
          { name: "https://shop.test/missing.css", initiatorType: "link", status: 404, timestamp: T0 + 2007 },
        ]),
        ev(3, 2050, {
          source: 0,
          texts: [{ id: 12, value: "payment failed" }],
          attributes: [{ id: 7, attributes: { disabled: "" } }],
          removes: [],
          adds: [
            { parentId: 10, nextId: null, node: el(20, "li", {}, []) },
            { parentId: 20, nextId: null, node: txt(21, "retry") },
          ],
        }),
        ev(6, 2060, {
          plugin: "rrweb/console@1",
          payload: { level: "error", trace: ["pay (app.js:1:1)"], payload: ['"payment failed"', "{}"] },
        }),
        ev(6, 2070, {
          plugin: "rrweb/console@1",
          payload: { level: "log", trace: [], payload: ['"noise"'] },
        }),
        ev(5, 2080, { tag: "$session_options", payload: {} }),
        ev(5, 2090, { tag: "checkout-step", payload: { step: 2 } }),
        ev(3, 9000, { source: 0, texts: [{ id: 12, value: "idle" }], attributes: [], removes: [], adds: [] }),
      ],
    },
  ],
  posthogEvents: [
    { event: "$autocapture", properties: {}, timestamp: new Date(T0 + 2000).toISOString() },
    {
      event: "order_failed",
      properties: { $window_id: "w1", reason: "502", token: "phc" },
      timestamp: new Date(T0 + 2100).toISOString(),
    },
  ],
};

const at = (text: string) =>
  parseAnchor(text, (t) => {
    const abs = parseTimePoint(t, T0);
    return abs === null ? null : abs - T0;
  });
const kinds = (entries: readonly TimelineEntry[]) => entries.map((e) => `${e.kind}@${e.offsetMs}`);

describe("parseAnchor", () => {
  it.each<[string, Anchor]>([
    ["click:#pay", { kind: "click", selector: "#pay", text: "click:#pay" }],
    ["click", { kind: "click", selector: null, text: "click" }],
    ["error", { kind: "error", contains: null, text: "error" }],
    ["request:/api/items", { kind: "request", contains: "/api/items", text: "request:/api/items" }],
    ["url:/checkout", { kind: "url", contains: "/checkout", text: "url:/checkout" }],
    ["90s", { kind: "time", offsetMs: 90_000, text: "90s" }],
    ["01:30", { kind: "time", offsetMs: 90_000, text: "01:30" }],
  ])("%s", (text, expected) => expect(at(text)).toEqual(expected));
  it.each(["bogus", "clicks:#a", "", "1x"])("rejects %j", (text) => expect(at(text)).toBeNull());
});

describe("buildTimeline", () => {
  it("orders page, inputs, click, request, DOM, console and custom entries with selectors", () => {
    const t = buildTimeline(rec);
    expect(kinds(t.entries)).toEqual([
      "page@0",
      "input@1000",
      "input@1100",
      "click@2000",
      "request@2005",
      "request@2007",
      "dom@2050",
      "console@2060",
      "custom@2090",
      "custom@2100",
    ]);
    const [, pw, coupon, click, pay, css, dom, error, custom, posthog] = t.entries;
    expect(pw).toMatchObject({ selector: 'input[name="pw"]', masked: true, value: null, length: 5 });
    expect(coupon).toMatchObject({ selector: "#coupon", masked: false, value: "SAVE10", events: 2 });
    expect(click).toMatchObject({ selector: "#pay > span:nth-child(1)", text: "Pay | now" });
    expect(pay).toMatchObject({ method: "POST", status: 502, failed: true, durationMs: 31.3 });
    expect(pay).not.toHaveProperty("requestBody");
    expect(css).toMatchObject({ url: "https://shop.test/missing.css", failed: true });
    expect(dom).toMatchObject({ endOffsetMs: 9000, mutations: 2 });
    expect((dom as { summary: string }).summary).toBe(
      '+1 node under #items ("retry"), text changed in #status ("idle"), disabled changed on #pay',
    );
    expect(error).toMatchObject({
      level: "error",
      message: "payment failed",
      argCount: 2,
      source: "pay (app.js:1:1)",
    });
    expect(custom).toMatchObject({ name: "checkout-step", source: "rrweb", payload: '{"step":2}' });
    expect(posthog).toMatchObject({ name: "order_failed", source: "posthog", payload: '{"reason":"502"}' });
  });

  it("keeps bodies only when asked, cut at the limit", () => {
    const t = buildTimeline(rec, { bodies: true, bodyLimit: 11 });
    const pay = t.entries.find((e) => e.kind === "request");
    expect(pay).toMatchObject({ requestBody: "xxxxxxxxxxx… (50 chars)", responseBody: "bad gateway" });
  });

  it("finds anchors by selector (also an ancestor), text and name, and says what exists when none match", () => {
    const anchorOf = (text: string) => buildTimeline(rec, { anchor: at(text) as Anchor }).anchorEntry;
    expect(anchorOf("click:#pay")).toMatchObject({ kind: "click", offsetMs: 2000 });
    expect(anchorOf("click:form.checkout")).toMatchObject({ kind: "click" });
    expect(anchorOf("input:#coupon")).toMatchObject({ kind: "input", offsetMs: 1100 });
    expect(anchorOf("error:payment")).toMatchObject({ kind: "console" });
    expect(anchorOf("request:POST /api/pay")).toMatchObject({ kind: "request", status: 502 });
    expect(anchorOf("event:order_failed")).toMatchObject({ source: "posthog" });
    expect(anchorOf("url:/cart")).toMatchObject({ kind: "page" });
    expect(anchorOf("click:#nope")).toBeNull();
    expect(anchorOf("warn")).toBeNull();
    expect(describeAnchors(buildTimeline(rec))).toContain("clicks on #pay > span:nth-child(1)");
  });

  it("caps the rows around the anchor and says how many it left out", () => {
    const t = buildTimeline(rec, { anchor: at("error") as Anchor });
    const view = windowAround(t, { text: "error", offsetMs: 2060, entry: t.anchorEntry }, 500, true);
    expect(limitEntries(view, 100)).toBe(view);
    const capped = limitEntries(view, 3);
    expect(kinds(capped.entries)).toEqual(["dom@2050", "console@2060", "custom@2090"]);
    expect(capped.anchorIndex).toBe(1);
    expect(capped.omitted).toEqual({ before: 3, after: 1 });
    expect(renderText(capped)).toMatch(/^> 00:02\.060 {2}error/m);
    expect(renderMarkdown(capped)).toContain("Showing 3 entries; 3 earlier and 1 later ones left out");
    // Without an anchor the first rows stay.
    const all = windowAround(t, { text: "0s", offsetMs: 0, entry: null }, 60_000, true);
    const first = limitEntries({ ...all, anchorIndex: null }, 2);
    expect(first.entries).toEqual(all.entries.slice(0, 2));
    expect(first.omitted).toEqual({ before: 0, after: all.entries.length - 2 });
  });

  it("keeps entries within the window, a DOM entry when its span overlaps", () => {
    const t = buildTimeline(rec, { anchor: at("error") as Anchor });
    const view = windowAround(t, { text: "error", offsetMs: 2060, entry: t.anchorEntry }, 500, true);
    expect(kinds(view.entries)).toEqual([
      "click@2000",
      "request@2005",
      "request@2007",
      "dom@2050",
      "console@2060",
      "custom@2090",
      "custom@2100",
    ]);
    expect(view.anchorIndex).toBe(4);
    expect(renderText(view)).toMatch(/^> 00:02\.060 {2}error {3}"payment failed" \(\+1 arg\) at pay/m);
    const md = renderMarkdown(view);
    expect(md).toContain('| 00:02.000 | click | #pay > span:nth-child(1) "Pay \\| now" |');
    expect(md).toContain("| **00:02.060** | **error** |");
    const late = windowAround(t, { text: "8s", offsetMs: 8000, entry: null }, 500, true);
    expect(kinds(late.entries)).toEqual(["dom@2050"]);
  });

  it("counts text written into a node added by the same mutation as part of the addition; shows checkboxes as checked", () => {
    const events = [
      ...rec.windows[0]!.events.slice(0, 2),
      ev(3, 100, {
        source: 0,
        removes: [],
        adds: [
          { parentId: 10, nextId: null, node: el(40, "li", { type: "checkbox" }, []) },
          { parentId: 40, nextId: null, node: txt(41, "") },
        ],
        texts: [{ id: 41, value: "fresh" }],
        attributes: [{ id: 40, attributes: { class: "new" } }],
      }),
      ev(3, 200, { source: 5, id: 40, text: "on", isChecked: true }),
    ];
    const t = buildTimeline({ ...rec, posthogEvents: [], windows: [{ windowId: "w1", events }] });
    expect(t.entries.find((e) => e.kind === "dom")).toMatchObject({ summary: "+1 node under #items" });
    const view = { ...t, anchor: null, anchorIndex: null, scrubbed: true };
    expect(t.entries.find((e) => e.kind === "input")).toMatchObject({ checked: true });
    expect(renderText(view)).toMatch(/input {3}li\.new checked=true$/m);
  });

  it("never prints a recorded terminal escape sequence", () => {
    const hostile = [
      ev(6, 50, {
        plugin: "rrweb/console@1",
        payload: {
          level: "error",
          trace: ["\u001b]0;pwned\u0007"],
          payload: [JSON.stringify("\u001b[2J boom")],
        },
      }),
      ev(5, 60, { tag: "\u001b[31mred\r", payload: {} }),
    ];
    const t = buildTimeline({ ...rec, posthogEvents: [], windows: [{ windowId: "w1", events: hostile }] });
    const view = { ...t, anchor: null, anchorIndex: null, scrubbed: true };
    const text = renderText(view);
    expect(text).toContain("event   \\u001b[31mred\\u000d");
    expect(text).toContain("at \\u001b]0;pwned\\u0007");
    for (const out of [text, renderMarkdown(view)])
      expect([...out].filter((c) => c.charCodeAt(0) < 0x20 && c !== "\n")).toEqual([]);
  });

  it("limits to one window and handles a recording with no events", () => {
    expect(buildTimeline(rec, { windowId: "other" }).entries).toEqual([]);
    const empty = buildTimeline({ ...rec, windows: [], posthogEvents: [] });
    expect(empty.entries).toEqual([]);
    expect(empty.durationMs).toBe(0);
  });
});
