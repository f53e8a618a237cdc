export { renderExport } from "./render.js";
export { applyScrubMode, redactionCount } from "./scrub.js";
export type { ScrubbedRecording } from "./scrub.js";
export { pickWindow } from "./window.js";
export { ExportError, isExportError } from "./errors.js";
export type { ExportErrorCode } from "./errors.js";
export type { ExportRequest, ExportSource, Producer, RenderedExport } from "./types.js";
export { EXPORT_FORMATS, SCRUB_MODES } from "@replay-devkit/api";
export type { ExportFormat, ScrubMode } from "@replay-devkit/api";
