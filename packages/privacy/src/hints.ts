import type { DetectorId } from "./detectors.js";
import type { SiteKind } from "./walk.js";

/** The posthog-js setting that would have kept a value out of the recording. */
export interface MaskingHint {
  /** Option names as posthog-js spells them (checked against @posthog/types 1.425 / posthog-js 1.449). */
  settings: string[];
  /** What to do, in one sentence. */
  advice: string;
}

const AUTOCAPTURE_KEYS = new Set(["$elements", "$elements_chain", "$el_text", "$element_text"]);

export function maskingHint(kind: SiteKind, name?: string, detector?: DetectorId): MaskingHint {
  if (detector === "mask-violation") {
    return {
      settings: [
        "session_recording.maskTextClass",
        "session_recording.blockClass",
        "session_recording.maskTextFn",
      ],
      advice:
        "The element carries the mask/block class but its text was recorded anyway: check that maskTextClass/blockClass match your markup, that maskTextFn does not return the text, and that nothing rewrote the recording after capture.",
    };
  }
  switch (kind) {
    case "dom-text":
      return {
        settings: [
          "session_recording.maskTextSelector",
          "session_recording.maskTextClass ('ph-mask')",
          "session_recording.blockClass ('ph-no-capture')",
        ],
        advice:
          "Add class ph-mask to the element (or match it with maskTextSelector) so its text is recorded as '*'; use ph-no-capture to drop the element entirely.",
      };
    case "dom-attribute":
      return {
        settings: [
          "session_recording.maskAttributeFn",
          "session_recording.maskAllElementAttributes",
          "session_recording.blockClass ('ph-no-capture')",
        ],
        advice: `Text masking does not reach attributes: mask the ${name ? `'${name}' ` : ""}attribute with maskAttributeFn, or block the element with ph-no-capture.`,
      };
    case "input":
      return {
        settings: [
          "session_recording.maskAllInputs",
          "session_recording.maskInputOptions",
          "session_recording.maskInputFn",
        ],
        advice:
          "Input values are masked by default; keep maskAllInputs: true (or list this input type in maskInputOptions) and make sure maskInputFn does not return the raw value.",
      };
    case "console":
      return {
        settings: ["enable_recording_console_log"],
        advice:
          "Console arguments are recorded verbatim: stop logging the value, or turn console recording off with enable_recording_console_log: false.",
      };
    case "page-url":
      return {
        settings: ["mask_personal_data_properties", "custom_personal_data_properties", "before_send"],
        advice:
          "Keep secrets out of page URLs; mask_personal_data_properties (plus custom_personal_data_properties for your own parameter names) masks query parameters in captured URLs.",
      };
    case "network-url":
      return {
        settings: ["session_recording.maskCapturedNetworkRequestFn"],
        advice: "Rewrite the request's name/URL in maskCapturedNetworkRequestFn (return a redacted copy).",
      };
    case "network-header":
      return {
        settings: ["session_recording.recordHeaders", "session_recording.maskCapturedNetworkRequestFn"],
        advice: `Drop or redact the ${name ? `'${name}' ` : ""}header in maskCapturedNetworkRequestFn, or set recordHeaders: false.`,
      };
    case "network-body":
      return {
        settings: ["session_recording.recordBody", "session_recording.maskCapturedNetworkRequestFn"],
        advice: "Redact requestBody/responseBody in maskCapturedNetworkRequestFn, or set recordBody: false.",
      };
    case "posthog-config":
      return {
        settings: ["request_headers"],
        advice:
          "The $posthog_config replay event echoes the init config: do not pass credentials in request_headers or other init options (send them from your own fetch wrapper instead).",
      };
    case "custom-event":
    case "plugin":
      return {
        settings: ["before_send"],
        advice: "This value was put into the recording by a custom or plugin event; stop sending it there.",
      };
    case "posthog-property":
      if (name !== undefined && AUTOCAPTURE_KEYS.has(name)) {
        return {
          settings: ["mask_all_text", "mask_all_element_attributes", "autocapture"],
          advice:
            "Autocapture copied element text: set mask_all_text (and mask_all_element_attributes) or add ph-no-capture to the element.",
        };
      }
      if (name !== undefined && /url|referrer|pathname/i.test(name)) {
        return {
          settings: ["mask_personal_data_properties", "custom_personal_data_properties", "before_send"],
          advice:
            "Mask personal query parameters in captured URLs (mask_personal_data_properties) or rewrite the URL in before_send.",
        };
      }
      return {
        settings: ["property_denylist", "before_send", "sanitize_properties (deprecated)"],
        advice: `Remove the ${name ? `'${name}' ` : ""}property with property_denylist or strip it in before_send.`,
      };
    case "person":
      return {
        settings: ["person_profiles", "before_send"],
        advice: "Person properties travel with exports; set only what you need on identify().",
      };
    case "metadata":
      return {
        settings: [],
        advice: "Derived from the recording's events; fix the events and this follows.",
      };
  }
}
