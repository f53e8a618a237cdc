import { NodeType, type serializedNodeWithId } from "@rrweb/types";
import { borderOf, boxCss, imageSource, styleCss } from "./styles.js";
import type { Wireframe } from "./types.js";

type Attributes = Record<string, string | number | true>;

/** Gives rrweb node ids: a stable one per wireframe id, fresh ones for the parts we add. */
export interface IdSource {
  wireframe(id: number): number;
  fresh(): number;
}

/** Where a wireframe's parent sits, so absolute screen positions become offsets inside it. */
export interface ParentBox {
  x: number;
  y: number;
  border: number;
}

export const SCREEN_BOX: ParentBox = Object.freeze({ x: 0, y: 0, border: 0 });

/** Layers drawn above the app: bars at their own boxes, the keyboard over the navigation bar. */
export const BAR_Z_INDEX = 10;
export const KEYBOARD_Z_INDEX = 20;

/** The `name` the radios of one radio_group share. */
export function radioGroupName(groupId: number): string {
  return `radio-group-${groupId}`;
}

export interface Context {
  ids: IdSource;
  parent: ParentBox;
  /** The `name` shared by the radios of one radio_group. */
  radioName?: string;
}

function element(
  ids: IdSource,
  tagName: string,
  attributes: Attributes,
  childNodes: serializedNodeWithId[] = [],
  id = ids.fresh(),
): serializedNodeWithId {
  return { type: NodeType.Element, tagName, attributes, childNodes, id };
}

function text(ids: IdSource, value: string): serializedNodeWithId {
  return { type: NodeType.Text, textContent: value, id: ids.fresh() };
}

function css(parts: string[]): string {
  return parts.join(";");
}

function valueText(wf: Wireframe): string {
  return wf.value === undefined ? "" : String(wf.value);
}

/** A span filling its box, holding a caption (placeholders, web views, images without data). */
function caption(ids: IdSource, value: string): serializedNodeWithId {
  return element(ids, "span", { style: "margin:auto;font:12px sans-serif;color:#555;text-align:center" }, [
    text(ids, value),
  ]);
}

/** The positioned element of a wireframe: attributes every kind shares. */
function baseAttributes(wf: Wireframe, left: number, top: number, extra: string[]): Attributes {
  const attrs: Attributes = {
    "data-wf": String(wf.id),
    "data-wf-type": wf.inputType ? `input:${wf.inputType}` : wf.type,
    style: css([...boxCss(wf, left, top), ...extra]),
  };
  if (wf.disabled) attrs["aria-disabled"] = "true";
  return attrs;
}

function children(wf: Wireframe, ctx: Context): serializedNodeWithId[] {
  const inner: Context = {
    ids: ctx.ids,
    parent: { x: wf.x, y: wf.y, border: borderOf(wf.style) },
  };
  const name = wf.type === "radio_group" ? radioGroupName(wf.id) : ctx.radioName;
  if (name !== undefined) inner.radioName = name;
  return wf.childWireframes.map((child) => wireframeNode(child, inner));
}

function inputNode(wf: Wireframe, ctx: Context, base: Attributes): serializedNodeWithId {
  const { ids } = ctx;
  const id = ids.wireframe(wf.id);
  const disabled: Attributes = wf.disabled ? { disabled: true } : {};
  const label = wf.label === undefined ? [] : [element(ids, "span", {}, [text(ids, wf.label)])];
  const row = ";display:flex;align-items:center;gap:4px";
  switch (wf.inputType) {
    case "checkbox":
    case "radio": {
      const attrs: Attributes = { type: wf.inputType, ...disabled, style: "margin:0" };
      if (wf.checked) attrs.checked = true;
      if (wf.inputType === "radio" && ctx.radioName !== undefined) attrs.name = ctx.radioName;
      const box = element(ids, "input", attrs);
      return element(ids, "label", { ...base, style: `${String(base.style)}${row}` }, [box, ...label], id);
    }
    case "toggle": {
      const on = wf.checked === true;
      const knob = element(ids, "span", {
        style: `position:absolute;top:2px;left:${on ? 18 : 2}px;width:16px;height:16px;border-radius:50%;background:#fff`,
      });
      const track = element(
        ids,
        "span",
        {
          style: `display:inline-block;position:relative;width:36px;height:20px;border-radius:10px;background:${on ? "#34c759" : "#ccc"}`,
        },
        [knob],
      );
      const attrs: Attributes = { ...base, role: "switch", "aria-checked": on ? "true" : "false" };
      attrs.style = `${String(base.style)}${row}`;
      return element(ids, "div", attrs, [track, ...label], id);
    }
    case "button": {
      const content = wf.value !== undefined ? [text(ids, valueText(wf))] : children(wf, ctx);
      return element(ids, "button", { ...base, type: "button", ...disabled }, content, id);
    }
    case "select": {
      const options = (wf.options ?? []).map((option) => {
        const attrs: Attributes = { value: option };
        if (option === wf.value) attrs.selected = true;
        return element(ids, "option", attrs, [text(ids, option)]);
      });
      return element(ids, "select", { ...base, ...disabled }, options, id);
    }
    case "text_area":
      return element(ids, "textarea", { ...base, value: valueText(wf), ...disabled }, [], id);
    case "progress":
      return progressNode(wf, ctx, base);
    default: {
      // text, password, email, number, search, tel, url. Passwords arrive masked by the SDK.
      const attrs: Attributes = { ...base, type: wf.inputType ?? "text", value: valueText(wf), ...disabled };
      return element(ids, "input", attrs, [], id);
    }
  }
}

function progressNode(wf: Wireframe, ctx: Context, base: Attributes): serializedNodeWithId {
  const { ids } = ctx;
  const id = ids.wireframe(wf.id);
  const value = typeof wf.value === "number" ? wf.value : Number(wf.value);
  switch (wf.style.bar) {
    case "circular":
      return element(
        ids,
        "div",
        { ...base, role: "progressbar", "aria-busy": "true" },
        [
          element(ids, "span", {
            style:
              "display:block;width:100%;height:100%;box-sizing:border-box;border:3px solid #ccc;border-top-color:#555;border-radius:50%",
          }),
        ],
        id,
      );
    case "rating": {
      const stars = Math.max(0, Math.min(50, Math.round(wf.max ?? 5)));
      const filled = Number.isFinite(value) ? Math.max(0, Math.min(stars, value)) : 0;
      const attrs: Attributes = {
        ...base,
        role: "img",
        "aria-label": `${filled} of ${stars} stars`,
      };
      const glyphs = "★".repeat(Math.floor(filled)) + "☆".repeat(stars - Math.floor(filled));
      return element(ids, "div", attrs, [text(ids, glyphs)], id);
    }
    default: {
      const attrs: Attributes = { ...base, max: wf.max ?? 1 };
      if (Number.isFinite(value)) attrs.value = value;
      return element(ids, "progress", attrs, [], id);
    }
  }
}

/**
 * One wireframe (and its children) as a serialized rrweb DOM node. Child x/y are screen positions,
 * so each element is placed at its offset from its parent's padding box.
 */
export function wireframeNode(wf: Wireframe, ctx: Context): serializedNodeWithId {
  const { ids, parent } = ctx;
  const left = wf.x - parent.x - parent.border;
  const top = wf.y - parent.y - parent.border;
  const id = ids.wireframe(wf.id);
  const isText = wf.type === "text" || wf.type === "placeholder" || wf.type === "web_view";
  const extra = styleCss(wf.style, { text: isText || wf.type === "image" || wf.type === "screenshot" });
  if (wf.type === "status_bar" || wf.type === "navigation_bar") extra.push(`z-index:${BAR_Z_INDEX}`);
  const base = baseAttributes(wf, left, top, extra);
  switch (wf.type) {
    case "text":
      return element(ids, "div", base, [text(ids, wf.text ?? ""), ...children(wf, ctx)], id);
    case "image":
    case "screenshot": {
      if (wf.base64 === undefined) {
        return element(ids, "div", base, [caption(ids, wf.type), ...children(wf, ctx)], id);
      }
      const src = imageSource(wf.base64);
      if (wf.childWireframes.length === 0) {
        return element(ids, "img", { ...base, src, alt: "" }, [], id);
      }
      const img = element(ids, "img", {
        src,
        alt: "",
        style: "position:absolute;left:0;top:0;width:100%;height:100%",
      });
      return element(ids, "div", base, [img, ...children(wf, ctx)], id);
    }
    case "placeholder":
      return element(ids, "div", base, [caption(ids, wf.label ?? "placeholder"), ...children(wf, ctx)], id);
    case "web_view":
      return element(
        ids,
        "div",
        base,
        [caption(ids, wf.url ? `web view: ${wf.url}` : "web view"), ...children(wf, ctx)],
        id,
      );
    case "input":
      return inputNode(wf, ctx, base);
    default:
      // rectangle, div, radio_group, status_bar, navigation_bar
      return element(ids, "div", base, children(wf, ctx), id);
  }
}
