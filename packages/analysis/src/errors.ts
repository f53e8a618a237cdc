export type AnalysisErrorCode =
  /** `around` is not an anchor (a kind such as `click:` or `error`, or a time such as `90s`). */
  | "INVALID_ANCHOR"
  /** The anchor is valid but nothing in the recording matches it (or a time is outside the recording). */
  | "ANCHOR_NOT_FOUND"
  /** The window around the anchor is not a duration, or is over the cap. */
  | "INVALID_WINDOW"
  /** The browser window (tab) asked for is not in the recording. */
  | "UNKNOWN_WINDOW_ID"
  /** The body limit is not a whole number in range. */
  | "INVALID_BODY_LIMIT";

/** Which request field an {@link AnalysisError} is about, so each interface can name its own option. */
export type AnalysisField = "around" | "window" | "windowId" | "bodyLimit";

/**
 * The one error type thrown by @replay-devkit/analysis: a request that cannot be answered for this
 * recording. `message` names no CLI flag or query parameter; the caller adds its own (`field`).
 */
export class AnalysisError extends Error {
  override readonly name = "AnalysisError";
  readonly code: AnalysisErrorCode;
  readonly field: AnalysisField;

  constructor(code: AnalysisErrorCode, field: AnalysisField, message: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

export function isAnalysisError(value: unknown): value is AnalysisError {
  return value instanceof AnalysisError;
}
