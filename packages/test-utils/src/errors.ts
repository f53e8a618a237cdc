/** Why a shared fixture could not be used. */
export type TestUtilsErrorCode = "FIXTURE_INVALID";

/**
 * The one error test-utils throws on purpose. A fixture that does not have the shape its type
 * promises would otherwise surface much later as a confusing assertion failure in some test.
 */
export class TestUtilsError extends Error {
  override readonly name = "TestUtilsError";

  constructor(
    readonly code: TestUtilsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
