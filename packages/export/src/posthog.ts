import { writePosthogExport } from "@replay-devkit/codec";
import { JSON_TYPE } from "./content-type.js";
import type { FormatInput, FormatOutput } from "./types.js";

/** PostHog "Export to JSON": every window merged in time order, each event tagged with its window. */
export function renderPosthog({ recording }: FormatInput): FormatOutput {
  return {
    body: writePosthogExport(recording),
    binary: false,
    contentType: JSON_TYPE,
    extension: ".posthog.json",
  };
}
