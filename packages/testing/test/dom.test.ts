import type { Recording, RrwebEvent } from "@replay-devkit/codec";
import { describe, expect, it } from "vitest";
import { generateRecording } from "../bench/generate.mjs";
import {
  fromRecording,
  loadRecording,
  rebuildDom,
  TestingError,
  type LoadedRecording,
} from "../src/index.js";
import { capturedRecording, mergedTwoWindows, playerExampleEvents, publicFixture } from "./helpers.js";

interface SnapNode {
  type: number;
  tagName?: string;
  textContent?: string;
  id: number;
  childNodes?: SnapNode[];
}

/** The <title> text of a full snapshot, read straight from the serialised tree (no rrweb involved). */
function snapshotTitle(event: RrwebEvent): string | undefined {
  const walk = (node: SnapNode): string | undefined => {
    if (node.tagName === "title") return (node.childNodes ?? []).map((c) => c.textContent ?? "").join("");
    for (const child of node.childNodes ?? []) {
      const found = walk(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk((event.data as { node: SnapNode }).node);
}

function fromEvents(events: RrwebEvent[], sessionId = "generated"): LoadedRecording {
  const rec: Recording = {
    sessionId,
    distinctId: null,
    windows: [{ windowId: "w", events }],
    posthogEvents: [],
  };
  return fromRecording(rec);
}

describe("rebuildDom", () => {
  it("rebuilds both pages of the mobile recording (two full snapshots)", async () => {
    const rec = await loadRecording(publicFixture("rrweb-player-example__mobile-homepage.json"));
    const snapshots = rec.events().filter((e) => e.type === 2);
    expect(snapshots).toHaveLength(2);
    const [first, second] = snapshots as [RrwebEvent, RrwebEvent];
    using early = rebuildDom(rec, { at: rec.offsetOf(first.timestamp) + 500 });
    expect(early.document.title).toBe(snapshotTitle(first));
    expect(early.text()).toContain("Updating");
    using later = rebuildDom(rec, { at: rec.offsetOf(second.timestamp) });
    expect(later.document.title).toBe(snapshotTitle(second));
    expect(later.document.title).not.toBe(early.document.title);
  });

  it("matches an independent model of a generated recording, at the end and after an event", () => {
    const { events, expectedListHtml } = generateRecording({ durationMs: 20_000, intervalMs: 20 });
    const rec = fromEvents(events as RrwebEvent[]);
    using dom = rebuildDom(rec);
    expect(dom.document.querySelector("#list")?.outerHTML).toBe(expectedListHtml);

    const partial = generateRecording({ durationMs: 10_000, intervalMs: 20 });
    const lastIndex = partial.events.length - 1;
    // The same seed produces the same prefix, so the first half of the long run ends in `partial`'s state.
    using half = rebuildDom(rec, { afterEvent: lastIndex });
    expect(half.document.querySelector("#list")?.outerHTML).toBe(partial.expectedListHtml);
  });

  it("seeks forward and backward on one replayer with the same result as fresh rebuilds", () => {
    const { events } = generateRecording({ durationMs: 5_000, intervalMs: 25 });
    const rec = fromEvents(events as RrwebEvent[]);
    const fresh = (at: number) => {
      using d = rebuildDom(rec, { at });
      return d.html();
    };
    const dom = rebuildDom(rec, { at: 4000 });
    try {
      expect(dom.html()).toBe(fresh(4000));
      dom.seek(1000);
      expect(dom.offsetMs).toBe(1000);
      expect(dom.html()).toBe(fresh(1000));
      dom.seek(3000);
      expect(dom.html()).toBe(fresh(3000));
    } finally {
      dom.dispose();
    }
    expect(() => dom.html()).toThrow(TestingError);
  });

  it("styles: false drops stylesheet text but keeps elements and text", async () => {
    const rec = await loadRecording(publicFixture("rrweb-player-example__local-docs.json"));
    using styled = rebuildDom(rec);
    using plain = rebuildDom(rec, { styles: false });
    const cssLength = (d: Document) =>
      Array.from(d.querySelectorAll("style")).reduce((n, s) => n + (s.textContent ?? "").length, 0);
    expect(cssLength(styled.document)).toBeGreaterThan(1000);
    expect(cssLength(plain.document)).toBeLessThan(cssLength(styled.document) / 10);
    expect(plain.document.querySelectorAll("body *").length).toBe(
      styled.document.querySelectorAll("body *").length,
    );
    expect(plain.text()).toBe(styled.text());
  });

  it("leaves no DOM globals behind in the Node process", () => {
    const rec = fromEvents(generateRecording({ durationMs: 1000 }).events as RrwebEvent[]);
    using dom = rebuildDom(rec);
    expect(dom.text("h1")).toBe("Bench");
    const g = globalThis as Record<string, unknown>;
    expect(g.document).toBeUndefined();
    expect(g.window).toBeUndefined();
    expect(g.HTMLFormElement).toBeUndefined();
  });

  it("rebuilds the captured posthog-js session: masked text, clicked button, node ids", () => {
    const rec = fromRecording(capturedRecording("A"));
    const secondPage = rec.markers({ kind: "page" })[1];
    using dom = rebuildDom(rec, { at: (secondPage?.offsetMs ?? rec.durationMs) - 1 });
    expect(dom.text("span.ph-mask")).toMatch(/^\*+$/);
    expect(dom.isVisible("#btn-primary")).toBe(true);
    expect(dom.text("body")).not.toContain("PH-MASK-SHOULD-BE-STARS");
    const button = dom.document.querySelector("#btn-primary");
    expect(button).not.toBeNull();
    const id = dom.idOf(button as Element);
    expect(dom.node(id)).toBe(button);

    const click = rec.findClick("#btn-primary");
    expect(click?.selector).toBe("#btn-primary");
    expect(rec.findClick("#btn-primary", { nth: 1 })?.timestamp).toBeGreaterThan(click?.timestamp ?? 0);
    expect(rec.findClick("#does-not-exist")).toBeUndefined();
  });

  it("rebuilds each window of a multi-window session on its own", () => {
    const a = playerExampleEvents("rrweb-player-example__local-docs.json");
    const b = playerExampleEvents("rrweb-player-example__homepage.json");
    const rec = fromRecording(mergedTwoWindows(a, b, a[0]!.timestamp + 2000 - b[0]!.timestamp));
    const snapA = a.find((e) => e.type === 2) as RrwebEvent;
    const snapB = b.find((e) => e.type === 2) as RrwebEvent;
    using domA = rebuildDom(rec, { windowId: "window-a", at: 3000 });
    using domB = rebuildDom(rec, { windowId: "window-b", at: 3000 });
    // Each window must look exactly as it does when rebuilt from a recording of that window alone.
    const alone = (events: RrwebEvent[], at: number) => {
      using d = rebuildDom(fromEvents(events), { at });
      return d.html();
    };
    expect(domA.html()).toBe(alone(a, 3000));
    expect(domB.html()).toBe(alone(b, 1000));
    expect(domB.document.title).toBe(snapshotTitle(snapB));
    void snapA;
    expect(domA.document).not.toBe(domB.document);
    // Window b starts 2 s in: before its first snapshot there is no DOM.
    expect(() => rebuildDom(rec, { windowId: "window-b", at: 1000 })).toThrow(/no DOM yet/);
  });

  it("turns what rrweb throws on corrupt events into REBUILD_FAILED, and frees the replayer", () => {
    const meta = { type: 4, timestamp: 1, data: { href: "http://a.test/", width: 10, height: 10 } };
    let deep: Record<string, unknown> = { type: 2, tagName: "i", attributes: {}, childNodes: [], id: 99_999 };
    for (let i = 0; i < 20_000; i++)
      deep = { type: 2, tagName: "i", attributes: {}, childNodes: [deep], id: 10 + i };
    const corrupt: Record<string, unknown[]> = {
      "null node": [meta, { type: 2, timestamp: 2, data: { node: null } }],
      "mutation without adds": [
        meta,
        { type: 2, timestamp: 2, data: { node: { type: 0, id: 1, childNodes: [] } } },
        { type: 3, timestamp: 3, data: { source: 0, adds: null } },
      ],
      "20000 levels deep": [
        meta,
        {
          type: 2,
          timestamp: 2,
          data: {
            node: {
              type: 0,
              id: 1,
              childNodes: [{ type: 2, tagName: "html", id: 2, attributes: {}, childNodes: [deep] }],
            },
          },
        },
      ],
    };
    for (const [name, events] of Object.entries(corrupt)) {
      for (const styles of [true, false]) {
        let error: unknown;
        try {
          rebuildDom(fromEvents(events as RrwebEvent[]), { styles });
        } catch (e) {
          error = e;
        }
        expect(error, name).toBeInstanceOf(TestingError);
        expect((error as TestingError).code, name).toBe("REBUILD_FAILED");
        expect((error as Error).message).toMatch(/could not replay window w up to \d\d:\d\d\.\d{3}/);
      }
    }
    // The shared host window is still usable afterwards.
    using dom = rebuildDom(fromEvents(generateRecording({ durationMs: 500 }).events as RrwebEvent[]));
    expect(dom.text("h1")).toBe("Bench");
  });

  it("gives typed errors for bad options and windows without a snapshot", async () => {
    const rec = fromEvents(generateRecording({ durationMs: 1000 }).events as RrwebEvent[]);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as TestingError).code;
      }
      return "no error";
    };
    expect(code(() => rebuildDom(rec, { afterEvent: 10_000 }))).toBe("INVALID_OPTIONS");
    expect(code(() => rebuildDom(rec, { at: 1, afterEvent: 1 }))).toBe("INVALID_OPTIONS");
    expect(code(() => rebuildDom(rec, { at: Number.NaN }))).toBe("INVALID_OPTIONS");
    expect(code(() => rebuildDom(rec, { windowId: "nope" }))).toBe("WINDOW_NOT_FOUND");
    const blob = await loadRecording(publicFixture("posthog__blob-v2-snapshot-block.jsonl"));
    expect(code(() => rebuildDom(blob))).toBe("NO_FULL_SNAPSHOT");
  });
});
