/** What went wrong rendering an export; every code names something the caller can change. */
export type ExportErrorCode =
  /** The `window` asked for is not one of the recording's windows (the message lists them). */
  | "UNKNOWN_WINDOW"
  /** A format or scrub mode the renderer does not know. */
  | "INVALID_REQUEST";

export class ExportError extends Error {
  readonly code: ExportErrorCode;

  constructor(code: ExportErrorCode, message: string) {
    super(message);
    this.name = "ExportError";
    this.code = code;
  }
}

export function isExportError(value: unknown): value is ExportError {
  return value instanceof ExportError;
}
