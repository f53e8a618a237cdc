import { NodeType, type serializedNodeWithId } from "@rrweb/types";
import { KEYBOARD_Z_INDEX } from "./nodes.js";
import type { ScreenSize } from "./types.js";

/** Fixed rrweb ids of the replay document's own nodes; wireframes get ids from FIRST_FREE_ID on. */
export const SKELETON_IDS = Object.freeze({
  document: 1,
  doctype: 2,
  html: 3,
  head: 4,
  style: 5,
  styleText: 6,
  body: 7,
  keyboard: 8,
  keyboardLabel: 9,
});
export const FIRST_FREE_ID = 100;

const RESET_CSS =
  "html,body{margin:0;padding:0;overflow:hidden}body{position:relative;font-family:sans-serif}" +
  "[data-wf]{overflow:hidden}[data-wf-type='input:text_area']{resize:none}";

/** The keyboard layer's style: full width at the bottom, over the navigation bar; hidden when closed. */
export function keyboardStyle(screen: ScreenSize, height: number | null): string {
  const base = `position:absolute;left:0;width:${screen.width}px;box-sizing:border-box;z-index:${KEYBOARD_Z_INDEX};background:#d1d4da;display:flex;align-items:center;justify-content:center;font:14px sans-serif;color:#555`;
  if (height === null) return `${base};top:${screen.height}px;height:0;visibility:hidden`;
  const h = Math.max(0, Math.min(height, screen.height));
  return `${base};top:${screen.height - h}px;height:${h}px`;
}

function el(
  id: number,
  tagName: string,
  attributes: Record<string, string>,
  childNodes: serializedNodeWithId[],
): serializedNodeWithId {
  return { type: NodeType.Element, tagName, attributes, childNodes, id };
}

/**
 * The replay document: doctype, html, head with a reset stylesheet, and a body the size of the
 * recorded screen holding the wireframes and, last, the keyboard layer.
 */
export function skeleton(screen: ScreenSize, body: serializedNodeWithId[]): serializedNodeWithId {
  const ids = SKELETON_IDS;
  const keyboard = el(
    ids.keyboard,
    "div",
    { "data-wf-layer": "keyboard", style: keyboardStyle(screen, null) },
    [{ type: NodeType.Text, textContent: "keyboard", id: ids.keyboardLabel }],
  );
  return {
    type: NodeType.Document,
    childNodes: [
      { type: NodeType.DocumentType, name: "html", publicId: "", systemId: "", id: ids.doctype },
      el(ids.html, "html", {}, [
        el(ids.head, "head", {}, [
          el(ids.style, "style", {}, [{ type: NodeType.Text, textContent: RESET_CSS, id: ids.styleText }]),
        ]),
        el(
          ids.body,
          "body",
          {
            "data-mobile-replay": "true",
            style: `width:${screen.width}px;height:${screen.height}px`,
          },
          [...body, keyboard],
        ),
      ]),
    ],
    id: ids.document,
  };
}
