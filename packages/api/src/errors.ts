/**
 * The error codes an API answer can carry. What each means is contract; which status each maps to
 * belongs to the server (its HTTP_STATUS table), which must cover every one of them.
 */
export const API_ERROR_CODES = [
  "BAD_REQUEST",
  "INVALID_BODY",
  "INVALID_QUERY",
  "INVALID_PATH",
  "UNAUTHORIZED",
  "FORBIDDEN_ORIGIN",
  "FORBIDDEN_HOST",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNPROCESSABLE",
  "BUSY",
  "INTERNAL",
  "UNAVAILABLE",
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Every non-2xx JSON answer: `{"error":{"code","message"}}`. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}

/** The code and message of an error body, or null when `value` is not one. */
export function parseApiError(value: unknown): { code: ApiErrorCode; message: string } | null {
  if (typeof value !== "object" || value === null) return null;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== "string" || !(API_ERROR_CODES as readonly unknown[]).includes(code)) return null;
  return { code: code as ApiErrorCode, message };
}
