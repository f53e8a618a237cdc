/**
 * Every way an S3 call can fail, as something a person can act on. Stable: the store maps these onto its own
 * codes, the CLI onto exit codes.
 */
export type S3ErrorCode =
  /** The bucket does not exist at that endpoint: create it first (we never create buckets). */
  | "NO_SUCH_BUCKET"
  /** The credentials were refused or lack permission (403, bad signature, unknown key id). */
  | "ACCESS_DENIED"
  /** The object does not exist. */
  | "NOT_FOUND"
  /** The endpoint could not be reached (refused, DNS, reset, timeout). */
  | "NETWORK"
  /** The endpoint answered something that is not S3 (unexpected status or unreadable XML). */
  | "BAD_RESPONSE"
  /** The requested byte range is outside the object. */
  | "INVALID_RANGE"
  /** Missing or malformed configuration (region, credentials, endpoint, s3:// URL). */
  | "INVALID_CONFIG";

/**
 * The only error @replay-devkit/s3 throws. Messages name the endpoint, bucket and key, never a credential: the
 * secret key is not even reachable from the client object (see client.ts).
 */
export class S3Error extends Error {
  readonly code: S3ErrorCode;
  /** HTTP status when the endpoint answered, for logs. */
  readonly status?: number;

  constructor(code: S3ErrorCode, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "S3Error";
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
  }
}

export function isS3Error(value: unknown): value is S3Error {
  return value instanceof S3Error;
}
