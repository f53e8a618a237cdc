/** Why a shared fixture or a test peer (PostgreSQL) could not be used. */
export type TestUtilsErrorCode = "FIXTURE_INVALID" | "POSTGRES_MISSING" | "POSTGRES_START_FAILED";

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
