import type { ApiErrorCode } from "@replay-devkit/api";
import { isCodecError, type CodecErrorCode } from "@replay-devkit/codec";
import { isExportError, type ExportErrorCode } from "@replay-devkit/export";
import { isPrivacyError, type PrivacyErrorCode } from "@replay-devkit/privacy";
import { isStoreError, type StoreErrorCode } from "@replay-devkit/store";

/**
 * Every error the server answers with. The names and the JSON body `{"error":{"code","message"}}`
 * are the API contract (@replay-devkit/api); the status of each is this server's table below.
 * Start-up failures are ServerStartError, not HTTP answers.
 */
export type HttpErrorCode = ApiErrorCode;

/** One table from code to status, so a code always means the same status everywhere. */
export const HTTP_STATUS: Readonly<Record<HttpErrorCode, number>> = Object.freeze({
  BAD_REQUEST: 400,
  INVALID_BODY: 400,
  INVALID_QUERY: 400,
  INVALID_PATH: 400,
  // No token, a wrong one, or an expired share grant. posthog-js does not retry a 401.
  UNAUTHORIZED: 401,
  // A page from another site (or a DNS-rebound name) asked for recordings: never retried, never served.
  FORBIDDEN_ORIGIN: 403,
  FORBIDDEN_HOST: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  // posthog-js retries 5xx (and only 5xx) with backoff: right for a locked database, wrong for bad input.
  BUSY: 503,
  INTERNAL: 500,
  UNAVAILABLE: 503,
});

export class HttpError extends Error {
  readonly code: HttpErrorCode;
  /** The codec's or store's own code when this wraps one of their errors. */
  readonly detail?: string;

  constructor(code: HttpErrorCode, message: string, options: { cause?: unknown; detail?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HttpError";
    this.code = code;
    if (options.detail !== undefined) this.detail = options.detail;
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

export function isHttpError(value: unknown): value is HttpError {
  return value instanceof HttpError;
}

const CODEC_CODES: Readonly<Record<CodecErrorCode, HttpErrorCode>> = {
  INVALID_JSON: "INVALID_BODY",
  INVALID_GZIP: "INVALID_BODY",
  INVALID_SNAPPY: "INVALID_BODY",
  TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_ENCODING: "UNSUPPORTED_MEDIA_TYPE",
  UNKNOWN_FORMAT: "UNSUPPORTED_MEDIA_TYPE",
  UNKNOWN_VERSION: "UNPROCESSABLE",
  INVALID_EVENT: "INVALID_BODY",
  INVALID_CAPTURE: "INVALID_BODY",
  INVALID_BUNDLE: "INVALID_BODY",
  CHECKSUM_MISMATCH: "INVALID_BODY",
  INCOMPLETE_CHUNKS: "INVALID_BODY",
};

const STORE_CODES: Readonly<Record<StoreErrorCode, HttpErrorCode>> = {
  OPEN_FAILED: "UNAVAILABLE",
  NOT_A_DATABASE: "UNAVAILABLE",
  SCHEMA_TOO_NEW: "UNAVAILABLE",
  MIGRATION_FAILED: "UNAVAILABLE",
  INVALID_INPUT: "INVALID_BODY",
  NOT_FOUND: "NOT_FOUND",
  BUSY: "BUSY",
  CORRUPT: "INTERNAL",
  CLOSED: "UNAVAILABLE",
  READ_ONLY: "UNAVAILABLE",
};

const PRIVACY_CODES: Readonly<Record<PrivacyErrorCode, HttpErrorCode>> = {
  INVALID_RECORDING: "UNPROCESSABLE",
  RECORDING_TOO_DEEP: "UNPROCESSABLE",
  INVALID_OPTIONS: "INTERNAL",
};

const EXPORT_CODES: Readonly<Record<ExportErrorCode, HttpErrorCode>> = {
  UNKNOWN_WINDOW: "NOT_FOUND",
  INVALID_REQUEST: "INVALID_QUERY",
};

/** Maps anything thrown to an HttpError; unknown throws become INTERNAL and keep their cause. */
export function toHttpError(error: unknown): HttpError {
  if (isHttpError(error)) return error;
  if (isCodecError(error))
    return new HttpError(CODEC_CODES[error.code] ?? "BAD_REQUEST", error.message, {
      cause: error,
      detail: error.code,
    });
  if (isStoreError(error))
    return new HttpError(STORE_CODES[error.code] ?? "INTERNAL", error.message, {
      cause: error,
      detail: error.code,
    });
  if (isPrivacyError(error))
    return new HttpError(PRIVACY_CODES[error.code] ?? "INTERNAL", error.message, {
      cause: error,
      detail: error.code,
    });
  if (isExportError(error))
    return new HttpError(EXPORT_CODES[error.code] ?? "INTERNAL", error.message, {
      cause: error,
      detail: error.code,
    });
  return new HttpError(
    "INTERNAL",
    "The server failed while handling this request; see its log for details.",
    { cause: error },
  );
}
