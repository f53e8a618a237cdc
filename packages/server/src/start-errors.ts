/**
 * Why the server could not start: bad options to createHandler or listen, or a port it cannot
 * bind. Thrown before any request is served, so it is not an HTTP answer (that is HttpError).
 */
export type ServerStartErrorCode =
  /** An option to createHandler or listen is missing or out of range; the message names it. */
  | "INVALID_OPTIONS"
  /** Another process holds the port. */
  | "PORT_IN_USE"
  /** Binding failed for another reason (address not local, permission); the message has the system's. */
  | "LISTEN_FAILED"
  /** A non-loopback address without a server token: anyone who reaches it could read recordings. */
  | "TOKEN_REQUIRED";

export class ServerStartError extends Error {
  readonly code: ServerStartErrorCode;

  constructor(code: ServerStartErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ServerStartError";
    this.code = code;
  }
}

export function isServerStartError(value: unknown): value is ServerStartError {
  return value instanceof ServerStartError;
}
