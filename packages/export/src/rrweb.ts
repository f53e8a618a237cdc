import { writeRrwebJson } from "@replay-devkit/codec";
import { JSON_TYPE } from "./content-type.js";
import { fileSafe } from "./filename.js";
import type { FormatInput, FormatOutput } from "./types.js";
import { pickWindow } from "./window.js";

/**
 * A bare rrweb event array of ONE window (what a player can replay): the one asked for, else the
 * first. A window asked for by name also names the file.
 */
export function renderRrweb({ recording, window }: FormatInput): FormatOutput {
  const windowIds = recording.windows.map((w) => w.windowId);
  const windowId = pickWindow(recording.sessionId, windowIds, window);
  return {
    // A recording with no window at all exports an empty array, not a merged one.
    body: windowId === undefined ? "[]" : writeRrwebJson(recording, windowId),
    binary: false,
    contentType: JSON_TYPE,
    extension: window === undefined ? ".rrweb.json" : `.${fileSafe(window)}.rrweb.json`,
  };
}
