import type { Recording, RrwebEvent } from "@replay-devkit/codec";

/** A 1x1 PNG. */
export const PNG_1X1 = new Uint8Array(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "base64",
  ),
);

type Node = Record<string, unknown>;
let nextId = 1;
const element = (tagName: string, attributes: Record<string, string>, childNodes: Node[] = []): Node => ({
  type: 2,
  id: nextId++,
  tagName,
  attributes,
  childNodes,
});
const text = (textContent: string): Node => ({ type: 3, id: nextId++, textContent });

/** One page load; `body` is called after the ids restart, so every node id is unique. */
function page(start: number, href: string, body: () => Node[]): RrwebEvent[] {
  nextId = 1;
  const doc = { type: 0, id: nextId++, childNodes: [] as Node[] };
  doc.childNodes.push(element("html", {}, [element("head", {}), element("body", {}, body())]));
  return [
    { type: 4, timestamp: start, data: { href, width: 800, height: 600 } },
    { type: 2, timestamp: start + 10, data: { node: doc, initialOffset: { top: 0, left: 0 } } },
    {
      type: 3,
      timestamp: start + 2000,
      data: { source: 1, positions: [{ x: 10, y: 10, id: 1, timeOffset: 0 }] },
    },
  ] as unknown as RrwebEvent[];
}

/**
 * Two windows, shaped as rrweb 2 serializes them: the first with an inline `data:` image, an image
 * and a CSS background the asset pinning would have copied (`http://assets.test/...`), and an
 * image nobody pinned; the second with one text.
 */
export function imageRecording(): Recording {
  const dataUrl = `data:image/png;base64,${Buffer.from(PNG_1X1).toString("base64")}`;
  const start = 1_790_000_000_000;
  return {
    sessionId: "images-session",
    distinctId: "someone",
    windows: [
      {
        windowId: "window-one",
        events: page(start, "http://app.test/", () => [
          element("h1", {}, [text("Images")]),
          element("img", { id: "inline", src: dataUrl, width: "40", height: "40" }),
          element("img", { id: "pinned", src: "http://assets.test/logo.png", width: "40", height: "40" }),
          element("img", {
            id: "unpinned",
            src: "http://elsewhere.test/gone.png",
            width: "40",
            height: "40",
          }),
          element("div", {
            id: "hero",
            style: "width: 40px; height: 40px; background-image: url(http://assets.test/bg.png)",
          }),
        ]),
      },
      {
        windowId: "window-two",
        events: page(start + 5000, "http://app.test/two", () => [element("p", {}, [text("The second tab")])]),
      },
    ],
    posthogEvents: [],
  };
}
