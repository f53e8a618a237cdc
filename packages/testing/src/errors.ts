/**
 * Every failure this package reports on purpose.
 * @see TestingError
 */
export type TestingErrorCode =
  | "LOAD_FAILED"
  | "NO_RECORDING"
  | "WINDOW_NOT_FOUND"
  | "NO_FULL_SNAPSHOT"
  | "REBUILD_FAILED"
  | "INVALID_OPTIONS"
  | "UNHANDLED_REQUEST"
  | "REDRIVE_FAILED"
  | "MISSING_PEER";

/**
 * The one error class of `@replay-devkit/testing`. `code` is stable; `message` says what to do.
 * @see TestingErrorCode
 */
export class TestingError extends Error {
  override readonly name = "TestingError";
  readonly code: TestingErrorCode;

  constructor(code: TestingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Narrows an unknown thrown value to a {@link TestingError}.
 * @see TestingError
 */
export function isTestingError(value: unknown): value is TestingError {
  return value instanceof TestingError;
}
