/**
 * Everything that can go wrong talking to PostHog, one code per cause a user can act on. The CLI maps
 * each code to its own exit status; messages never contain the API key (see {@link redactSecret}).
 */
export type PosthogApiErrorCode =
  /** POSTHOG_PERSONAL_API_KEY is not set. */
  | "NO_KEY"
  /** 401: the personal API key is invalid (revoked, mistyped, another instance's key). */
  | "BAD_KEY"
  /** 403: the key lacks the scope (`session_recording:read`) or the project. */
  | "MISSING_SCOPE"
  /** 404 on both API prefixes: no such recording (or block) in that project. */
  | "NOT_FOUND"
  /** 410 `recording_deleted`: PostHog deleted the recording permanently. */
  | "DELETED"
  /** 429 with a Retry-After longer than the caller is willing to wait. */
  | "RATE_LIMITED"
  /** 5xx (or a short batch of blocks) after every retry. */
  | "UNAVAILABLE"
  /** The connection failed or dropped after every retry (DNS, refused, reset, timeout). */
  | "NETWORK"
  /** The host's TLS certificate is self-signed or untrusted and `insecure` was not given. */
  | "UNTRUSTED_CERTIFICATE"
  /** The recording URL or host URL cannot be used. */
  | "INVALID_URL"
  /** PostHog answered something this client cannot read (not JSON, wrong shape, 400, over the size cap). */
  | "INVALID_RESPONSE";

export class PosthogApiError extends Error {
  readonly code: PosthogApiErrorCode;
  /** HTTP status when the cause was an answer from PostHog. */
  readonly status?: number;

  constructor(
    code: PosthogApiErrorCode,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PosthogApiError";
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
  }
}

export function isPosthogApiError(value: unknown): value is PosthogApiError {
  return value instanceof PosthogApiError;
}

/**
 * Replaces every occurrence of the key in a text. Messages are built without the key already; this
 * is the second fence for text that came from elsewhere (a server echoing the header, an OS error).
 */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join("[redacted]");
}
