/**
 * PostHog's mobile replay format, as the iOS, Android, React Native and Flutter SDKs send it
 * (PostHog's `rr-mobile-schema.json`; posthog-android `RRWireframe.kt`, `RRStyle.kt`). Field names
 * and enum values are the format's; everything else here is ours.
 */

export const WIREFRAME_TYPES = [
  "text",
  "image",
  "screenshot",
  "rectangle",
  "placeholder",
  "web_view",
  "input",
  "div",
  "radio_group",
  "status_bar",
  "navigation_bar",
] as const;
export type WireframeType = (typeof WIREFRAME_TYPES)[number];

export const INPUT_TYPES = [
  "text",
  "password",
  "email",
  "number",
  "search",
  "tel",
  "url",
  "text_area",
  "checkbox",
  "radio",
  "toggle",
  "button",
  "select",
  "progress",
] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** `style.bar` of a progress input: posthog-android sends horizontal/circular, the schema adds rating. */
export type ProgressBar = "horizontal" | "circular" | "rating";

export interface MobileStyle {
  color?: string;
  backgroundColor?: string;
  /** base64 without a prefix is a PNG; a `data:` URL is kept as is. */
  backgroundImage?: string;
  backgroundSize?: "contain" | "cover" | "auto";
  borderWidth?: number | string;
  borderRadius?: number | string;
  borderColor?: string;
  fontSize?: number | string;
  fontFamily?: string;
  horizontalAlign?: "left" | "right" | "center";
  verticalAlign?: "top" | "bottom" | "center";
  paddingTop?: number | string;
  paddingBottom?: number | string;
  paddingLeft?: number | string;
  paddingRight?: number | string;
  bar?: ProgressBar;
}

/** One wireframe after validation: every field the renderer reads has its type checked. */
export interface Wireframe {
  id: number;
  /** Absolute screen position (not relative to the parent). */
  x: number;
  y: number;
  /** Includes padding and border. */
  width: number;
  height: number;
  type: WireframeType;
  inputType?: InputType;
  text?: string;
  label?: string;
  value?: string | number;
  base64?: string;
  url?: string;
  style: MobileStyle;
  disabled?: boolean;
  checked?: boolean;
  options?: string[];
  max?: number;
  childWireframes: Wireframe[];
}

/** Something the transformer could not play as recorded; listed in the playback report. */
export interface PlaybackNote {
  code:
    | "UNKNOWN_WIREFRAME_TYPE"
    | "UNKNOWN_INPUT_TYPE"
    | "MISSING_FIELD"
    | "BAD_FIELD"
    | "IMAGE_TOO_LARGE"
    | "TOO_DEEP"
    | "UNKNOWN_PARENT"
    | "UNKNOWN_NODE"
    | "DUPLICATE_EVENT"
    | "SYNTHESIZED_META"
    | "SYNTHESIZED_FULL_SNAPSHOT"
    | "BAD_EVENT";
  message: string;
  /** The event's timestamp. */
  timestamp: number;
  /** The wireframe concerned, when there is one. */
  wireframeId?: number;
}

export interface ScreenSize {
  width: number;
  height: number;
}
