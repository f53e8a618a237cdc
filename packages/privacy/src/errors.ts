export type PrivacyErrorCode =
  /** The value passed as a recording does not have the Recording shape (windows, events, posthogEvents). */
  | "INVALID_RECORDING"
  /** Scan or scrub options are malformed (unknown detector, bad threshold, too-short known value …). */
  | "INVALID_OPTIONS"
  /** An event nests deeper than the walker's limit; such input is hostile or corrupt, not a web page. */
  | "RECORDING_TOO_DEEP";

/** The one error type thrown by @replay-devkit/privacy. `code` is stable; `message` says what to do. */
export class PrivacyError extends Error {
  override readonly name = "PrivacyError";
  readonly code: PrivacyErrorCode;

  constructor(code: PrivacyErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[privacy] ${message}`, options);
    this.code = code;
  }
}

export function isPrivacyError(value: unknown): value is PrivacyError {
  return value instanceof PrivacyError;
}
