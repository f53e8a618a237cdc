/** Every way the codec can refuse input. Stable: other packages map these to HTTP statuses and CLI codes. */
export type CodecErrorCode =
  | "INVALID_JSON"
  | "INVALID_GZIP"
  | "INVALID_SNAPPY"
  | "TOO_LARGE"
  | "UNSUPPORTED_ENCODING"
  | "UNKNOWN_FORMAT"
  | "UNKNOWN_VERSION"
  | "INVALID_EVENT"
  | "INVALID_CAPTURE"
  | "INVALID_BUNDLE"
  | "CHECKSUM_MISMATCH"
  | "INCOMPLETE_CHUNKS";

export interface CodecErrorOptions {
  /** Where in the input the problem is, e.g. `batch[2].properties.$snapshot_data[5].data.source`. */
  path?: string;
  cause?: unknown;
}

/** The only error type the codec throws on bad input. `code` is stable, `message` is for people. */
export class CodecError extends Error {
  readonly code: CodecErrorCode;
  readonly path?: string;

  constructor(code: CodecErrorCode, message: string, options: CodecErrorOptions = {}) {
    super(
      options.path ? `${message} (at ${options.path})` : message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "CodecError";
    this.code = code;
    if (options.path !== undefined) this.path = options.path;
  }
}

export function isCodecError(value: unknown): value is CodecError {
  return value instanceof CodecError;
}

/** Short, bounded description of a value for error messages (never echoes large or sensitive input). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case "string":
      return value.length > 40 ? `a string of ${value.length} chars` : `the string ${JSON.stringify(value)}`;
    case "number":
      return Number.isFinite(value) ? `the number ${value}` : `${value}`;
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    default:
      return `a ${typeof value}`;
  }
}
