import { isRecord } from "../json.js";
import {
  INPUT_TYPES,
  WIREFRAME_TYPES,
  type InputType,
  type MobileStyle,
  type PlaybackNote,
  type Wireframe,
  type WireframeType,
} from "./types.js";

/** Caps that keep one bad wireframe from costing the rest of the recording. */
export interface WireframeLimits {
  /** Deepest `childWireframes` nesting drawn; deeper children are dropped with a note. */
  maxDepth: number;
  /** Longest base64 image (characters) drawn; longer ones become a labelled box with a note. */
  maxImageChars: number;
}

/**
 * Native view trees are rarely more than 30 levels deep; 64 leaves room while keeping the
 * rebuilt DOM far below the JSON depth limit (two JSON levels per element).
 */
export const DEFAULT_WIREFRAME_LIMITS: WireframeLimits = Object.freeze({
  maxDepth: 64,
  // A full-screen PNG of a 1290x2796 phone is about 3-6 MB; 16 M characters is a 12 MB image.
  maxImageChars: 16 * 1024 * 1024,
});

export interface ReadContext {
  limits: WireframeLimits;
  /** What a width of `"100vw"` means: the recorded screen's width. */
  screenWidth: number;
  timestamp: number;
  notes: PlaybackNote[];
}

const TYPES = new Set<string>(WIREFRAME_TYPES);
const INPUTS = new Set<string>(INPUT_TYPES);
const STYLE_STRINGS = ["color", "backgroundColor", "backgroundImage", "borderColor", "fontFamily"] as const;
const STYLE_LENGTHS = [
  "borderWidth",
  "borderRadius",
  "fontSize",
  "paddingTop",
  "paddingBottom",
  "paddingLeft",
  "paddingRight",
] as const;
const ENUMS = {
  backgroundSize: new Set(["contain", "cover", "auto"]),
  horizontalAlign: new Set(["left", "right", "center"]),
  verticalAlign: new Set(["top", "bottom", "center"]),
  bar: new Set(["horizontal", "circular", "rating"]),
} as const;

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function note(ctx: ReadContext, code: PlaybackNote["code"], message: string, wireframeId?: number): void {
  const entry: PlaybackNote = { code, message, timestamp: ctx.timestamp };
  if (wireframeId !== undefined) entry.wireframeId = wireframeId;
  ctx.notes.push(entry);
}

function readStyle(raw: unknown, id: number, ctx: ReadContext): MobileStyle {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    note(ctx, "BAD_FIELD", `Wireframe ${id}: style is not an object; drawn unstyled`, id);
    return {};
  }
  const style: MobileStyle = {};
  for (const key of STYLE_STRINGS) {
    const value = raw[key];
    if (typeof value === "string") style[key] = value;
    else if (value !== undefined && value !== null)
      note(ctx, "BAD_FIELD", `Wireframe ${id}: style.${key} is not a string; ignored`, id);
  }
  for (const key of STYLE_LENGTHS) {
    const value = raw[key];
    if (finite(value) || (typeof value === "string" && /^-?\d+(\.\d+)?(px)?$/.test(value.trim())))
      style[key] = value;
    else if (value !== undefined && value !== null)
      note(ctx, "BAD_FIELD", `Wireframe ${id}: style.${key} is not a length; ignored`, id);
  }
  for (const [key, allowed] of Object.entries(ENUMS) as [keyof typeof ENUMS, Set<string>][]) {
    const value = raw[key];
    if (typeof value === "string" && allowed.has(value)) (style as Record<string, string>)[key] = value;
    else if (value !== undefined && value !== null)
      note(
        ctx,
        "BAD_FIELD",
        `Wireframe ${id}: style.${key} ${JSON.stringify(value)} is unknown; ignored`,
        id,
      );
  }
  if (style.backgroundImage !== undefined && style.backgroundImage.length > ctx.limits.maxImageChars) {
    note(
      ctx,
      "IMAGE_TOO_LARGE",
      `Wireframe ${id}: background image of ${style.backgroundImage.length} characters is over the cap of ${ctx.limits.maxImageChars}; not drawn`,
      id,
    );
    delete style.backgroundImage;
  }
  return style;
}

/**
 * Validates one wireframe (and its children) from untrusted JSON. Returns null, with a note, when
 * it cannot be placed (no numeric id, width or height); every other defect is noted and drawn as
 * well as possible: an unknown or missing type becomes a plain box, a missing text an empty one.
 */
export function readWireframe(raw: unknown, ctx: ReadContext, depth = 0): Wireframe | null {
  if (!isRecord(raw)) {
    note(ctx, "BAD_FIELD", "A wireframe is not an object; skipped");
    return null;
  }
  const id = raw.id;
  if (!finite(id)) {
    note(ctx, "MISSING_FIELD", "A wireframe has no numeric id; skipped with its children");
    return null;
  }
  for (const key of ["width", "height"] as const) {
    const value = raw[key];
    if (!finite(value) && !(key === "width" && value === "100vw")) {
      note(ctx, "MISSING_FIELD", `Wireframe ${id} has no numeric ${key}; skipped with its children`, id);
      return null;
    }
  }
  let type: WireframeType = "div";
  if (typeof raw.type === "string" && TYPES.has(raw.type)) type = raw.type as WireframeType;
  else if (raw.type === undefined)
    note(ctx, "MISSING_FIELD", `Wireframe ${id} has no type; drawn as a box`, id);
  else
    note(
      ctx,
      "UNKNOWN_WIREFRAME_TYPE",
      `Wireframe ${id} has unknown type ${JSON.stringify(raw.type)}; drawn as a box`,
      id,
    );
  const wf: Wireframe = {
    id,
    x: finite(raw.x) ? raw.x : 0,
    y: finite(raw.y) ? raw.y : 0,
    width: finite(raw.width) ? raw.width : ctx.screenWidth,
    height: raw.height as number,
    type,
    style: readStyle(raw.style, id, ctx),
    childWireframes: [],
  };
  if (type === "input") {
    if (typeof raw.inputType === "string" && INPUTS.has(raw.inputType))
      wf.inputType = raw.inputType as InputType;
    else {
      note(
        ctx,
        raw.inputType === undefined ? "MISSING_FIELD" : "UNKNOWN_INPUT_TYPE",
        `Wireframe ${id}: input type ${JSON.stringify(raw.inputType ?? null)} is unknown; drawn as a text input`,
        id,
      );
      wf.inputType = "text";
    }
  }
  if (typeof raw.text === "string") wf.text = raw.text;
  else if (type === "text")
    note(ctx, "MISSING_FIELD", `Wireframe ${id} is a text with no text; drawn empty`, id);
  if (typeof raw.label === "string") wf.label = raw.label;
  if (typeof raw.value === "string" || finite(raw.value)) wf.value = raw.value;
  if (typeof raw.url === "string") wf.url = raw.url;
  if (typeof raw.disabled === "boolean") wf.disabled = raw.disabled;
  if (typeof raw.checked === "boolean") wf.checked = raw.checked;
  if (finite(raw.max)) wf.max = raw.max;
  if (Array.isArray(raw.options)) wf.options = raw.options.filter((o): o is string => typeof o === "string");
  if (typeof raw.base64 === "string") {
    if (raw.base64.length > ctx.limits.maxImageChars) {
      note(
        ctx,
        "IMAGE_TOO_LARGE",
        `Wireframe ${id}: image of ${raw.base64.length} characters is over the cap of ${ctx.limits.maxImageChars}; drawn as a box`,
        id,
      );
    } else wf.base64 = raw.base64;
  }
  const children = raw.childWireframes;
  if (Array.isArray(children) && children.length > 0) {
    if (depth + 1 >= ctx.limits.maxDepth) {
      note(
        ctx,
        "TOO_DEEP",
        `Wireframe ${id}: children nested more than ${ctx.limits.maxDepth} levels deep were dropped`,
        id,
      );
    } else {
      for (const child of children) {
        const read = readWireframe(child, ctx, depth + 1);
        if (read) wf.childWireframes.push(read);
      }
    }
  }
  return wf;
}
