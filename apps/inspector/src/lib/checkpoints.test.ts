import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PUBLIC_FIXTURES, capturedRrwebEvents } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import type { RrwebEvent } from "./api";
import { CheckpointBuilder } from "./checkpoints";

interface SNode {
  type: number;
  id: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SNode[];
  textContent?: string;
}

function publicEvents(name: string): RrwebEvent[] {
  const doc = JSON.parse(readFileSync(join(PUBLIC_FIXTURES, name), "utf8")) as { result: RrwebEvent[] };
  return doc.result;
}

function snapshotOf(events: RrwebEvent[]): SNode {
  const full = events.find((e) => e.type === 2)!;
  return (full.data as { node: SNode }).node;
}

function ids(node: SNode, out: number[] = []): number[] {
  out.push(node.id);
  for (const c of node.childNodes ?? []) ids(c, out);
  return out;
}

function find(node: SNode, pred: (n: SNode) => boolean): SNode | null {
  if (pred(node)) return node;
  for (const c of node.childNodes ?? []) {
    const hit = find(c, pred);
    if (hit) return hit;
  }
  return null;
}

const meta = (t: number): RrwebEvent => ({
  type: 4,
  timestamp: t,
  data: { href: "http://a/", width: 800, height: 600 },
});
const text = (id: number, value: string): SNode => ({ type: 3, id, textContent: value });
const el = (
  id: number,
  tagName: string,
  childNodes: SNode[] = [],
  attributes: Record<string, unknown> = {},
) => ({
  type: 2,
  id,
  tagName,
  attributes,
  childNodes,
});

/** html > body > ul#list(li "a"(id 10/11)) */
function page(t: number): RrwebEvent {
  const doc = {
    type: 0,
    id: 1,
    childNodes: [
      el(2, "html", [el(3, "body", [el(4, "ul", [el(10, "li", [text(11, "a")])], { id: "list" })])]),
    ],
  };
  return { type: 2, timestamp: t, data: { node: doc, initialOffset: { top: 0, left: 0 } } };
}

const mutation = (t: number, data: Record<string, unknown>): RrwebEvent => ({
  type: 3,
  timestamp: t,
  data: { source: 0, texts: [], attributes: [], removes: [], adds: [], ...data },
});

describe("CheckpointBuilder", () => {
  it("models adds, removes, text and attribute changes with rrweb's ordering rules", () => {
    const b = new CheckpointBuilder({ intervalMs: 1000 });
    b.add([
      meta(0),
      page(1),
      // li 20 goes before li 10 (nextId), li 30 after li 20 (previousId); its text comes first in the
      // batch, before its parent exists, so it has to wait like rrweb's queue.
      mutation(100, {
        adds: [
          { parentId: 30, nextId: null, node: text(31, "c") },
          {
            parentId: 4,
            nextId: 10,
            node: el(20, "li", [text(99, "ignored: children arrive as their own adds")]),
          },
          { parentId: 4, previousId: 20, nextId: 10, node: el(30, "li") },
          { parentId: 20, nextId: null, node: text(21, "b") },
        ],
      }),
      mutation(200, {
        texts: [
          { id: 11, value: "A1" },
          { id: 11, value: "A2" },
        ],
        attributes: [{ id: 4, attributes: { class: "x", id: null, style: { color: "red" } } }],
      }),
      // Removing an unknown node is skipped; adds under a parent that never arrives are dropped.
      mutation(300, {
        removes: [
          { parentId: 4, id: 20 },
          { parentId: 4, id: 777 },
        ],
        adds: [{ parentId: 12345, nextId: null, node: el(50, "li") }],
      }),
      { type: 3, timestamp: 400, data: { source: 3, id: 4, x: 0, y: 50 } },
      { type: 3, timestamp: 1500, data: { source: 1, positions: [{ x: 1, y: 2, id: 4, timeOffset: 0 }] } },
    ]);
    expect(b.unsafeReason).toBeNull();
    const cp = b.checkpoints.at(-1)!;
    expect(cp.time).toBe(1499);
    expect(cp.index).toBe(6);
    const [m, full, ...state] = cp.events();
    expect(m).toMatchObject({ type: 4, timestamp: 1499, data: { width: 800, height: 600 } });
    const ul = find((full!.data as { node: SNode }).node, (n) => n.id === 4)!;
    expect(ul.attributes).toEqual({ class: "x", style: "color: red;" });
    expect(ul.childNodes!.map((c) => c.id)).toEqual([30, 10]);
    expect(ul.childNodes![0]!.childNodes).toEqual([text(31, "c")]);
    expect(ul.childNodes![1]!.childNodes).toEqual([text(11, "A2")]);
    // The element scroll is replayed after the rebuild, at the checkpoint's time.
    expect(state).toEqual([{ type: 3, timestamp: 1499, data: { source: 3, id: 4, x: 0, y: 50 } }]);
  });

  it("hands out fresh copies, so rrweb mutating one cannot corrupt the next seek", () => {
    const b = new CheckpointBuilder({ intervalMs: 10 });
    b.add([meta(0), page(1), mutation(100, {})]);
    const first = b.checkpoints[0]!.events();
    (first[1]!.data as { node: SNode }).node.id = -5;
    expect((b.checkpoints[0]!.events()[1]!.data as { node: SNode }).node.id).toBe(1);
  });

  it("stops at what it cannot model and starts again at the next full snapshot", () => {
    const b = new CheckpointBuilder({ intervalMs: 10 });
    b.add([
      meta(0),
      page(1),
      mutation(50, {}),
      { type: 3, timestamp: 100, data: { source: 8, id: 4, adds: [] } },
    ]);
    expect(b.unsafeReason).toMatch(/source 8/);
    const before = b.checkpoints.length;
    b.add([mutation(200, {}), mutation(300, {})]);
    expect(b.checkpoints).toHaveLength(before);
    b.add([meta(400), page(401), mutation(500, {})]);
    expect(b.unsafeReason).toBeNull();
    expect(b.checkpoints.at(-1)!.time).toBe(499);
    // A node id added twice and legacy -1 ordering are refused.
    for (const bad of [
      { adds: [{ parentId: 4, nextId: null, node: el(10, "li") }] },
      { adds: [{ parentId: 4, nextId: -1, node: el(51, "li") }] },
    ]) {
      const c = new CheckpointBuilder({ intervalMs: 10 });
      c.add([meta(0), page(1), mutation(100, bad)]);
      expect(c.unsafeReason).not.toBeNull();
    }
  });

  it("keeps a real recording's node tree consistent at every checkpoint", () => {
    const events = publicEvents("rrweb-player-example__homepage.json");
    const b = new CheckpointBuilder({ intervalMs: 30_000 });
    b.add(events);
    expect(b.unsafeReason).toBeNull();
    expect(b.checkpoints.length).toBeGreaterThanOrEqual(6);
    const htmlId = find(snapshotOf(events), (n) => n.tagName === "html")!.id;
    const bodyId = find(snapshotOf(events), (n) => n.tagName === "body")!.id;
    for (const cp of b.checkpoints) {
      const node = (cp.events()[1]!.data as { node: SNode }).node;
      const all = ids(node);
      expect(new Set(all).size).toBe(all.length);
      expect(cp.index).toBeGreaterThan(0);
      expect(events[cp.index]!.timestamp).toBeGreaterThan(cp.time);
      expect(events[cp.index - 1]!.timestamp).toBeLessThanOrEqual(cp.time);
      // Mutations swap the content, but the document's <html> and <body> are the snapshot's own.
      expect(find(node, (n) => n.tagName === "html")!.id).toBe(htmlId);
      expect(find(node, (n) => n.tagName === "body")!.id).toBe(bodyId);
    }
  });

  it("follows posthog-js recordings across a page load", () => {
    const events = capturedRrwebEvents("A")
      .map((e) => e.event as RrwebEvent)
      .sort((a, b) => a.timestamp - b.timestamp);
    const b = new CheckpointBuilder({ intervalMs: 3000 });
    b.add(events);
    expect(b.unsafeReason).toBeNull();
    const secondPage = events.filter((e) => e.type === 4)[1]!.timestamp;
    const after = b.checkpoints.filter((cp) => cp.time > secondPage);
    expect(after.length).toBeGreaterThan(0);
    expect((after[0]!.events()[0]!.data as { href: string }).href).toMatch(/second\.html$/);
  });
});
