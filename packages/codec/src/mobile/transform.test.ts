import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SHARED_FIXTURES } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import { NodeMirror, type MirrorNode } from "../mirror.js";
import type { RrwebEvent } from "../types.js";
import { playableWindow } from "./playable.js";
import { SKELETON_IDS } from "./skeleton.js";
import { isMobileEvents, transformMobileEvents } from "./transform.js";
import { INPUT_TYPES, WIREFRAME_TYPES } from "./types.js";

const T0 = 1_706_104_140_000;
const ev = (type: number, data: unknown, dt = 0) => ({ type, data, timestamp: T0 + dt }) as RrwebEvent;
const meta = (width = 400, height = 800, href = "Home") => ev(4, { width, height, href });
const full = (wireframes: unknown[], dt = 1) => ev(2, { wireframes, initialOffset: { top: 0, left: 0 } }, dt);
const mutation = (data: Record<string, unknown>, dt: number) => ev(3, { source: 0, ...data }, dt);
const text = (id: number, x: number, y: number, value: string, extra: Record<string, unknown> = {}) => ({
  id,
  x,
  y,
  width: 100,
  height: 20,
  type: "text",
  text: value,
  ...extra,
});

function play(events: RrwebEvent[]) {
  const result = transformMobileEvents(events);
  const mirror = new NodeMirror();
  for (const e of result.events) mirror.apply(e);
  const all = (): MirrorNode[] => {
    const out: MirrorNode[] = [];
    const walk = (id: number) => {
      const node = mirror.node(id);
      if (!node) return;
      out.push(node);
      node.childIds.forEach(walk);
    };
    walk(SKELETON_IDS.document);
    return out;
  };
  const byWf = (id: number) => all().filter((n) => n.attributes["data-wf"] === String(id));
  const textOf = (node: MirrorNode): string => {
    if (node.type === 3) return node.text ?? "";
    return node.childIds.map((c) => textOf(mirror.node(c) as MirrorNode)).join("");
  };
  /** The box in screen coordinates: offsets summed up the positioned ancestors. */
  const box = (node: MirrorNode) => {
    const px = (n: MirrorNode, key: string) =>
      Number(new RegExp(`(?:^|;)${key}:(-?[\\d.]+)px`).exec(n.attributes.style ?? "")?.[1] ?? 0);
    let x = 0;
    let y = 0;
    for (let n: MirrorNode | undefined = node; n && n.attributes["data-wf"];) {
      x += px(n, "left");
      y += px(n, "top");
      n = n.parentId === null ? undefined : mirror.node(n.parentId);
      if (n?.attributes["data-wf"]) {
        const border = /border:([\d.]+)px/.exec(n.attributes.style ?? "")?.[1];
        x += Number(border ?? 0);
        y += Number(border ?? 0);
      }
    }
    return { x, y, width: px(node, "width"), height: px(node, "height") };
  };
  return { ...result, mirror, all, byWf, textOf, box };
}

describe("transformMobileEvents", () => {
  it("draws every wireframe type and input type as an element at its screen box", () => {
    const types = WIREFRAME_TYPES.filter((t) => t !== "input" && t !== "radio_group");
    const wireframes: Record<string, unknown>[] = types.map((type, i) => ({
      id: 10 + i,
      x: 5 + i,
      y: 40 * i,
      width: 50 + i,
      height: 30,
      type,
      text: type === "text" ? "hello" : undefined,
      base64: type === "image" || type === "screenshot" ? "iVBORw0KGgo=" : undefined,
      label: type === "placeholder" ? "masked" : undefined,
    }));
    const inputs = INPUT_TYPES.filter((t) => t !== "radio").map((inputType, i) => ({
      id: 100 + i,
      x: 200,
      y: 30 * i,
      width: 120,
      height: 28,
      type: "input",
      inputType,
      disabled: false,
      checked: inputType === "checkbox" || inputType === "toggle",
      value: inputType === "progress" ? 0.5 : inputType === "select" ? "b" : `v-${inputType}`,
      options: inputType === "select" ? ["a", "b"] : undefined,
      label: inputType === "toggle" ? "Wi-Fi" : undefined,
    }));
    const group = {
      id: 300,
      x: 10,
      y: 600,
      width: 200,
      height: 60,
      type: "radio_group",
      childWireframes: [1, 2].map((n) => ({
        id: 300 + n,
        x: 10,
        y: 600 + 30 * (n - 1),
        width: 100,
        height: 30,
        type: "input",
        inputType: "radio",
        disabled: false,
        checked: n === 2,
        label: `option ${n}`,
      })),
    };
    const p = play([meta(), full([...wireframes, ...inputs, group])]);
    expect(p.notes).toEqual([]);
    for (const wf of [...wireframes, ...inputs]) {
      const [node] = p.byWf(wf.id as number);
      expect(node, `wireframe ${String(wf.type)}/${String(wf.inputType)}`).toBeDefined();
      expect(p.box(node as MirrorNode)).toEqual({ x: wf.x, y: wf.y, width: wf.width, height: wf.height });
    }
    const tag = (id: number) => p.byWf(id)[0]?.tagName;
    expect(tag(10 + types.indexOf("image"))).toBe("img");
    expect(p.byWf(10 + types.indexOf("image"))[0]?.attributes.src).toBe("data:image/png;base64,iVBORw0KGgo=");
    expect(tag(10 + types.indexOf("screenshot"))).toBe("img");
    expect(p.textOf(p.byWf(10 + types.indexOf("text"))[0] as MirrorNode)).toBe("hello");
    expect(p.textOf(p.byWf(10 + types.indexOf("placeholder"))[0] as MirrorNode)).toBe("masked");
    const input = (t: string) =>
      p.byWf(100 + INPUT_TYPES.filter((x) => x !== "radio").indexOf(t as never))[0] as MirrorNode;
    expect(input("password").attributes).toMatchObject({ type: "password", value: "v-password" });
    expect(input("email").attributes).toMatchObject({ type: "email", value: "v-email" });
    expect(input("text_area").tagName).toBe("textarea");
    expect(input("button").tagName).toBe("button");
    expect(p.textOf(input("button"))).toBe("v-button");
    expect(input("toggle").attributes).toMatchObject({ role: "switch", "aria-checked": "true" });
    const checkbox = p.mirror.node(input("checkbox").childIds[0] as number) as MirrorNode;
    expect(checkbox.attributes).toMatchObject({ type: "checkbox", checked: "true" });
    expect(input("select").tagName).toBe("select");
    const options = input("select").childIds.map((id) => p.mirror.node(id) as MirrorNode);
    expect(options.map((o) => o.attributes.value)).toEqual(["a", "b"]);
    expect(options[1]?.attributes.selected).toBe("true");
    expect(input("progress").attributes).toMatchObject({ value: "0.5", max: "1" });
    const radios = [301, 302].map((id) => p.mirror.node((p.byWf(id)[0] as MirrorNode).childIds[0] as number));
    expect(radios.map((r) => r?.attributes.name)).toEqual(["radio-group-300", "radio-group-300"]);
    expect(radios.map((r) => r?.attributes.checked)).toEqual([undefined, "true"]);
    expect(p.box(p.byWf(302)[0] as MirrorNode)).toEqual({ x: 10, y: 630, width: 100, height: 30 });
  });

  it("draws progress as a bar, a spinner or stars", () => {
    const progress = (id: number, bar: string, value?: number, max?: number) => ({
      id,
      x: 0,
      y: id,
      width: 100,
      height: 20,
      type: "input",
      inputType: "progress",
      disabled: false,
      style: { bar },
      ...(value === undefined ? {} : { value }),
      ...(max === undefined ? {} : { max }),
    });
    const p = play([
      meta(),
      full([progress(1, "horizontal", 3, 10), progress(2, "circular"), progress(3, "rating", 3, 5)]),
    ]);
    expect(p.byWf(1)[0]).toMatchObject({ tagName: "progress", attributes: { value: "3", max: "10" } });
    expect(p.byWf(2)[0]?.attributes.role).toBe("progressbar");
    expect(p.textOf(p.byWf(3)[0] as MirrorNode)).toBe("★★★☆☆");
  });

  it("keeps child positions absolute and sizes border-box, inside a parent with a border", () => {
    const parent = {
      id: 1,
      x: 20,
      y: 100,
      width: 300,
      height: 200,
      type: "rectangle",
      style: { borderWidth: 4, borderColor: "#f00", paddingLeft: 8, backgroundColor: "#eee" },
      childWireframes: [text(2, 50, 150, "inside", { style: { paddingTop: 5, borderWidth: 2 } })],
    };
    const p = play([meta(), full([parent])]);
    expect(p.box(p.byWf(2)[0] as MirrorNode)).toEqual({ x: 50, y: 150, width: 100, height: 20 });
    const style = p.byWf(1)[0]?.attributes.style ?? "";
    expect(style).toContain("box-sizing:border-box");
    expect(style).toContain("border:4px solid #f00");
    expect(style).toContain("padding-left:8px");
    expect(style).toContain("background-color:#eee");
  });

  it("applies adds, updates (whole subtree) and removes; a node sent twice appears once", () => {
    const screen = { id: 1, x: 0, y: 0, width: 400, height: 800, type: "div" };
    const list = {
      id: 2,
      x: 0,
      y: 100,
      width: 400,
      height: 300,
      type: "div",
      childWireframes: [text(3, 0, 100, "a"), text(4, 0, 120, "b")],
    };
    const p = play([
      meta(),
      full([{ ...screen, childWireframes: [list] }]),
      // The update carries the list without child 4: it disappears without a remove.
      mutation(
        { updates: [{ parentId: 1, wireframe: { ...list, childWireframes: [text(3, 0, 100, "a2")] } }] },
        10,
      ),
      mutation(
        {
          adds: [
            { parentId: 2, wireframe: text(5, 0, 140, "c") },
            { parentId: 2, wireframe: text(5, 0, 140, "c") },
          ],
        },
        20,
      ),
      mutation({ removes: [{ parentId: 2, id: 3 }] }, 30),
    ]);
    expect(p.notes).toEqual([]);
    expect(p.byWf(4)).toHaveLength(0);
    expect(p.byWf(3)).toHaveLength(0);
    expect(p.byWf(5)).toHaveLength(1);
    expect(p.textOf(p.byWf(5)[0] as MirrorNode)).toBe("c");
    expect(p.box(p.byWf(5)[0] as MirrorNode)).toEqual({ x: 0, y: 140, width: 100, height: 20 });
  });

  it("plays PostHog's incremental fixture: nested duplicates once, ids above 2^32 kept, unknown parents noted", () => {
    const fixture = JSON.parse(
      readFileSync(join(SHARED_FIXTURES, "public/posthog__mobile-incremental-wireframes.json"), "utf8"),
    ) as RrwebEvent;
    // The fixture is one incremental; the screen it edits comes first.
    const base = full(
      [
        {
          id: 183891344,
          x: 0,
          y: 0,
          width: 411,
          height: 914,
          type: "div",
          childWireframes: [
            {
              id: 47740111,
              x: 0,
              y: 0,
              width: 411,
              height: 50,
              type: "div",
              childWireframes: [{ id: 149659273, x: 0, y: 0, width: 10, height: 10, type: "rectangle" }],
            },
          ],
        },
      ],
      -10,
    );
    const p = play([{ ...base, timestamp: fixture.timestamp - 10 }, fixture]);
    for (const id of [142908405, 209272202, 52129787, 99571736, 240124529]) {
      expect(p.byWf(id), `wireframe ${id}`).toHaveLength(1);
    }
    expect(p.byWf(149659273)).toHaveLength(0);
    expect(p.textOf(p.byWf(52129787)[0] as MirrorNode)).toBe("PostHog/posthog-ios");
    expect(p.box(p.byWf(52129787)[0] as MirrorNode)).toEqual({ x: 66, y: 556, width: 368, height: 19 });
    expect(p.byWf(142908405)[0]?.attributes.style).toContain(
      "background-image:url('data:image/png;base64,iVBOR",
    );
    // Two fixture wireframes have no type (drawn as boxes) and one has no size (skipped): all noted.
    const missing = p.notes.filter((n) => n.code === "MISSING_FIELD");
    expect(new Set(missing.map((n) => n.wireframeId))).toEqual(new Set([142908405, 209272202, 52129787123]));
    expect(p.byWf(52129787123)).toHaveLength(0);
    // An id above 2^32 that is well formed plays, and keeps its digits.
    const big = 2 ** 32 + 12345;
    const wide = play([
      meta(),
      full([text(big, 1, 2, "big id")]),
      mutation({ updates: [{ parentId: 0, wireframe: text(big, 1, 2, "big id 2") }] }, 5),
    ]);
    expect(wide.byWf(big).map((n) => wide.textOf(n))).toEqual(["big id 2"]);
    expect(wide.byWf(big)[0]?.attributes["data-wf"]).toBe("4294979641");
    const orphan = play([meta(), full([]), fixture]);
    expect(orphan.notes.filter((n) => n.code === "UNKNOWN_PARENT").map((n) => n.wireframeId)).toContain(
      142908405,
    );
    expect(orphan.byWf(142908405)).toHaveLength(0);
  });

  it("notes bad wireframes and still plays the rest", () => {
    const deep: Record<string, unknown> = { id: 900, x: 0, y: 0, width: 1, height: 1, type: "div" };
    let cursor = deep;
    for (let i = 1; i < 100; i++) {
      const child = { id: 900 + i, x: 0, y: 0, width: 1, height: 1, type: "div" };
      cursor.childWireframes = [child];
      cursor = child;
    }
    const p = play([
      meta(),
      full([
        { id: 1, x: 0, y: 0, width: 10, height: 10, type: "hologram" },
        { id: 2, x: 0, y: 0, type: "text", text: "no size" },
        { x: 0, y: 0, width: 5, height: 5, type: "div" },
        { id: 3, x: 0, y: 0, width: 10, height: 10, type: "image", base64: "A".repeat(2000) },
        deep,
        text(4, 1, 2, "survivor"),
      ]),
    ]);
    const codes = p.notes.map((n) => n.code);
    expect(codes).toEqual(expect.arrayContaining(["UNKNOWN_WIREFRAME_TYPE", "MISSING_FIELD", "TOO_DEEP"]));
    expect(p.textOf(p.byWf(4)[0] as MirrorNode)).toBe("survivor");
    expect(p.byWf(2)).toHaveLength(0);
    const capped = transformMobileEvents(
      [meta(), full([{ id: 3, x: 0, y: 0, width: 10, height: 10, type: "image", base64: "A".repeat(2000) }])],
      { limits: { maxImageChars: 1000 } },
    );
    expect(capped.notes.map((n) => n.code)).toEqual(["IMAGE_TOO_LARGE"]);
  });

  it("synthesizes Meta and FullSnapshot, from $screen_width/$screen_height or the first full-screen wireframe", () => {
    const shot = (id: number, dt: number) =>
      mutation(
        {
          adds: [
            {
              parentId: 7,
              wireframe: {
                id,
                x: 0,
                y: 0,
                width: 390,
                height: 844,
                type: "screenshot",
                base64: `frame${id}`,
              },
            },
          ],
        },
        dt,
      );
    const fromWireframe = transformMobileEvents([shot(1, 0), shot(1, 100)]);
    expect(fromWireframe.events[0]).toMatchObject({ type: 4, data: { width: 390, height: 844 } });
    expect(fromWireframe.events[1]?.type).toBe(2);
    expect(fromWireframe.notes.map((n) => n.code)).toEqual(["SYNTHESIZED_FULL_SNAPSHOT", "SYNTHESIZED_META"]);
    const fromProps = transformMobileEvents([shot(1, 0)], { screen: { width: 360, height: 780 } });
    expect(fromProps.events[0]).toMatchObject({ type: 4, data: { width: 360, height: 780 } });
  });

  it("plays a screenshot stream frame by frame: each frame replaces the last", () => {
    const frame = (n: number) =>
      mutation(
        {
          updates: [
            {
              parentId: 1,
              wireframe: {
                id: 5,
                x: 0,
                y: 0,
                width: 400,
                height: 800,
                type: "screenshot",
                base64: `data:image/jpeg;base64,F${n}`,
              },
            },
          ],
        },
        n * 100,
      );
    const result = transformMobileEvents([
      meta(),
      full([{ id: 5, x: 0, y: 0, width: 400, height: 800, type: "screenshot", base64: "F0" }]),
      frame(1),
      frame(2),
    ]);
    const mirror = new NodeMirror();
    const sources: string[] = [];
    for (const e of result.events) {
      mirror.apply(e);
      const img = [...Array(400).keys()]
        .map((i) => mirror.node(i))
        .find((n) => n?.attributes["data-wf"] === "5");
      if (e.type === 2 || e.type === 3) sources.push(img?.attributes.src ?? "none");
    }
    expect(sources).toEqual([
      "data:image/png;base64,F0",
      "data:image/jpeg;base64,F1",
      "data:image/jpeg;base64,F2",
    ]);
  });

  it("moves the cursor on touches, shows the keyboard, drops same-time duplicates, keeps console text", () => {
    const touch = ev(3, { source: 2, type: 7, id: 0, x: 30, y: 40, pointerType: 2 }, 5);
    const result = transformMobileEvents([
      meta(400, 800),
      full([text(1, 0, 0, "x")]),
      touch,
      touch,
      ev(5, { tag: "keyboard", payload: { open: true, height: 300 } }, 6),
      ev(6, { plugin: "rrweb/console@1", payload: { level: "info", payload: "hello from ios" } }, 7),
    ]);
    const touches = result.events.filter((e) => e.type === 3 && (e.data as { source: number }).source === 2);
    expect(touches).toEqual([{ ...touch, data: { ...(touch.data as object), id: SKELETON_IDS.body } }]);
    expect(result.notes.map((n) => n.code)).toEqual(["DUPLICATE_EVENT"]);
    const keyboard = result.events.find(
      (e) => e.type === 3 && JSON.stringify(e.data).includes(`"id":${SKELETON_IDS.keyboard}`),
    );
    const style = (keyboard?.data as { attributes: { attributes: { style: string } }[] }).attributes[0]
      ?.attributes.style;
    expect(style).toContain("top:500px");
    expect(style).toContain("height:300px");
    expect(style).toContain("width:400px");
    expect(result.events.at(-1)?.data).toMatchObject({ payload: { payload: ['"hello from ios"'] } });
  });

  it("leaves web windows alone", () => {
    const web = {
      windowId: "w",
      events: [
        ev(4, { href: "http://x", width: 1, height: 1 }),
        ev(2, { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } }),
      ],
    };
    expect(isMobileEvents(web.events)).toBe(false);
    expect(playableWindow(web)).toBe(web);
  });
});
