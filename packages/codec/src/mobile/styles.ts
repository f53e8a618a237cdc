import type { MobileStyle, Wireframe } from "./types.js";

/** A style length as CSS: numbers are pixels, `"12"` and `"12px"` too. */
export function cssLength(value: number | string | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value === "number") return `${value}px`;
  const trimmed = value.trim();
  return trimmed.endsWith("px") ? trimmed : `${trimmed}px`;
}

/** The numeric pixels of a style length (0 when absent). */
export function pixels(value: number | string | undefined): number {
  if (value === undefined) return 0;
  const n = typeof value === "number" ? value : Number.parseFloat(value);
  return Number.isFinite(n) ? n : 0;
}

/** `data:` URLs are kept; bare base64 is a PNG (the format's default). */
export function imageSource(base64: string): string {
  return base64.startsWith("data:") ? base64 : `data:image/png;base64,${base64}`;
}

// CSS values come from the device: anything that could close the declaration is dropped.
function safe(value: string): string | null {
  return /[;{}<>"\\]/.test(value) || value.length > 200 ? null : value;
}

const GENERIC_FONT = /(^|,)\s*(serif|sans-serif|monospace|cursive|fantasy|system-ui)\s*$/;

const JUSTIFY = { left: "flex-start", center: "center", right: "flex-end" } as const;
const ALIGN = { top: "flex-start", center: "center", bottom: "flex-end" } as const;

/**
 * Declarations for the box itself. Width and height include padding and border (border-box), and
 * the position is the offset from the positioned parent's padding box.
 */
export function boxCss(wf: Wireframe, left: number, top: number): string[] {
  return [
    "position:absolute",
    "box-sizing:border-box",
    "margin:0",
    `left:${left}px`,
    `top:${top}px`,
    `width:${wf.width}px`,
    `height:${wf.height}px`,
  ];
}

/** Colours, borders, radius, font, padding, alignment and background image of a wireframe. */
export function styleCss(style: MobileStyle, opts: { text?: boolean } = {}): string[] {
  const out: string[] = [];
  const color = style.color === undefined ? null : safe(style.color);
  if (color) out.push(`color:${color}`);
  const bg = style.backgroundColor === undefined ? null : safe(style.backgroundColor);
  if (bg) out.push(`background-color:${bg}`);
  if (style.backgroundImage !== undefined) {
    out.push(`background-image:url('${imageSource(style.backgroundImage).replace(/['\\\s]/g, "")}')`);
    out.push(`background-size:${style.backgroundSize ?? "auto"}`, "background-repeat:no-repeat");
  }
  const borderColor = style.borderColor === undefined ? null : safe(style.borderColor);
  // The schema: any of borderWidth, borderColor or borderRadius means a solid border.
  if (style.borderWidth !== undefined || borderColor !== null) {
    out.push(`border:${cssLength(style.borderWidth) ?? "1px"} solid ${borderColor ?? "currentColor"}`);
  }
  const radius = cssLength(style.borderRadius);
  if (radius) out.push(`border-radius:${radius}`);
  const size = cssLength(style.fontSize);
  if (size) out.push(`font-size:${size}`);
  const family = style.fontFamily === undefined ? null : safe(style.fontFamily);
  // Device fonts (-apple-system, Roboto) are rarely installed where the replay plays: end on a generic family.
  if (family) out.push(`font-family:${GENERIC_FONT.test(family) ? family : `${family},sans-serif`}`);
  for (const side of ["Top", "Bottom", "Left", "Right"] as const) {
    const value = cssLength(style[`padding${side}`]);
    if (value) out.push(`padding-${side.toLowerCase()}:${value}`);
  }
  if (opts.text) {
    out.push("display:flex", "overflow:hidden", "white-space:pre-wrap");
    out.push(`justify-content:${JUSTIFY[style.horizontalAlign ?? "left"]}`);
    out.push(`align-items:${ALIGN[style.verticalAlign ?? "top"]}`);
    if (style.horizontalAlign) out.push(`text-align:${style.horizontalAlign}`);
  }
  return out;
}

/** The border width drawn for a style: what a child's offset must skip inside its parent. */
export function borderOf(style: MobileStyle): number {
  if (style.borderWidth !== undefined) return pixels(style.borderWidth);
  return style.borderColor !== undefined ? 1 : 0;
}
