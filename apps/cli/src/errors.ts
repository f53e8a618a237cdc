/**
 * Exit codes are part of the CLI's interface: scripts branch on them, so each number keeps its meaning.
 * Documented in README.md (a test checks the table against this object).
 */
export const EXIT = Object.freeze({
  OK: 0,
  /** Something failed that is not the caller's fault (I/O, database, an unexpected bug). */
  FAILURE: 1,
  /** Bad command line: unknown command or option, missing or malformed argument. */
  USAGE: 2,
  /** The recording id or file does not exist. */
  NOT_FOUND: 3,
  /** The input file is not a valid recording (corrupt, truncated, too large, unknown format or version). */
  INVALID_INPUT: 4,
  /** `dev`: the port is taken by another program. */
  PORT_IN_USE: 5,
  /** A CI check failed: `scan` found more than `--max-findings`, or `profile` is over `--budget`. */
  FINDINGS: 6,
  /** A server refused the token (or none was given): `REPLAY_DEVKIT_TOKEN`, `--token`; PostHog refused the API key or its scope. */
  UNAUTHORIZED: 7,
  /** Another server failed or could not be reached (push, pull): network errors, 5xx, wrong answers. */
  REMOTE: 8,
  /** `pull` from PostHog: no API key (POSTHOG_PERSONAL_API_KEY is not set). */
  NO_API_KEY: 9,
  /** `pull` from PostHog: the recording was deleted (410). */
  REMOTE_DELETED: 10,
  /** `pull` from PostHog: asked to wait (429 Retry-After) longer than a pull waits. */
  RATE_LIMITED: 11,
  /** `pull`: the host's TLS certificate is self-signed or untrusted (`--insecure` accepts it). */
  UNTRUSTED_CERTIFICATE: 12,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type CliErrorCode =
  | "REPLAY_DEVKIT_USAGE"
  | "REPLAY_DEVKIT_UNKNOWN_COMMAND"
  | "REPLAY_DEVKIT_NOT_FOUND"
  | "REPLAY_DEVKIT_FILE_NOT_FOUND"
  | "REPLAY_DEVKIT_INVALID_INPUT"
  | "REPLAY_DEVKIT_TOO_LARGE"
  | "REPLAY_DEVKIT_UNSUPPORTED_VERSION"
  | "REPLAY_DEVKIT_PORT_IN_USE"
  | "REPLAY_DEVKIT_TOKEN_REQUIRED"
  | "REPLAY_DEVKIT_UNAUTHORIZED"
  | "REPLAY_DEVKIT_REMOTE"
  | "REPLAY_DEVKIT_DATABASE"
  | "REPLAY_DEVKIT_FINDINGS"
  | "REPLAY_DEVKIT_OVER_BUDGET"
  | "REPLAY_DEVKIT_IO"
  | "REPLAY_DEVKIT_MISSING_ASSETS"
  | "REPLAY_DEVKIT_NO_API_KEY"
  | "REPLAY_DEVKIT_REMOTE_DELETED"
  | "REPLAY_DEVKIT_RATE_LIMITED"
  | "REPLAY_DEVKIT_UNTRUSTED_CERTIFICATE"
  | "REPLAY_DEVKIT_INTERNAL";

/** One table from code to exit status, so a code always exits the same way. */
export const EXIT_FOR_CODE: Readonly<Record<CliErrorCode, ExitCode>> = Object.freeze({
  REPLAY_DEVKIT_USAGE: EXIT.USAGE,
  REPLAY_DEVKIT_UNKNOWN_COMMAND: EXIT.USAGE,
  REPLAY_DEVKIT_NOT_FOUND: EXIT.NOT_FOUND,
  REPLAY_DEVKIT_FILE_NOT_FOUND: EXIT.NOT_FOUND,
  REPLAY_DEVKIT_INVALID_INPUT: EXIT.INVALID_INPUT,
  REPLAY_DEVKIT_TOO_LARGE: EXIT.INVALID_INPUT,
  REPLAY_DEVKIT_UNSUPPORTED_VERSION: EXIT.INVALID_INPUT,
  REPLAY_DEVKIT_PORT_IN_USE: EXIT.PORT_IN_USE,
  REPLAY_DEVKIT_TOKEN_REQUIRED: EXIT.USAGE,
  REPLAY_DEVKIT_UNAUTHORIZED: EXIT.UNAUTHORIZED,
  REPLAY_DEVKIT_REMOTE: EXIT.REMOTE,
  REPLAY_DEVKIT_DATABASE: EXIT.FAILURE,
  REPLAY_DEVKIT_FINDINGS: EXIT.FINDINGS,
  REPLAY_DEVKIT_OVER_BUDGET: EXIT.FINDINGS,
  REPLAY_DEVKIT_IO: EXIT.FAILURE,
  REPLAY_DEVKIT_MISSING_ASSETS: EXIT.FAILURE,
  REPLAY_DEVKIT_NO_API_KEY: EXIT.NO_API_KEY,
  REPLAY_DEVKIT_REMOTE_DELETED: EXIT.REMOTE_DELETED,
  REPLAY_DEVKIT_RATE_LIMITED: EXIT.RATE_LIMITED,
  REPLAY_DEVKIT_UNTRUSTED_CERTIFICATE: EXIT.UNTRUSTED_CERTIFICATE,
  REPLAY_DEVKIT_INTERNAL: EXIT.FAILURE,
});

export interface CliErrorOptions {
  /** What the user can do about it; printed after the message. */
  hint?: string;
  cause?: unknown;
}

/** The only error the CLI reports. Commands throw it; only `main` turns it into output and an exit code. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly hint?: string;

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
  }

  get exitCode(): ExitCode {
    return EXIT_FOR_CODE[this.code];
  }
}

export function isCliError(value: unknown): value is CliError {
  return value instanceof CliError;
}

interface CodedError {
  name: string;
  code: string;
  message: string;
}

function codedError(value: unknown): CodedError | null {
  if (!(value instanceof Error)) return null;
  const code = (value as { code?: unknown }).code;
  return typeof code === "string" ? { name: value.name, code, message: value.message } : null;
}

/**
 * Maps the workspace packages' typed errors onto CLI codes. It matches on `name` rather than
 * `instanceof` so this module stays free of the packages themselves (they load lazily).
 */
export function toCliError(error: unknown, context?: string): CliError {
  if (error instanceof CliError) return error;
  const prefix = context ? `${context}: ` : "";
  const coded = codedError(error);
  if (coded?.name === "CodecError") {
    switch (coded.code) {
      case "TOO_LARGE":
        return new CliError("REPLAY_DEVKIT_TOO_LARGE", `${prefix}${coded.message}`, {
          hint: "The input exceeds a safety limit (size, event count or nesting depth); split the recording.",
          cause: error,
        });
      case "UNKNOWN_VERSION":
        return new CliError("REPLAY_DEVKIT_UNSUPPORTED_VERSION", `${prefix}${coded.message}`, {
          hint: "Upgrade replay-devkit, or export the recording again from its source.",
          cause: error,
        });
      default:
        return new CliError("REPLAY_DEVKIT_INVALID_INPUT", `${prefix}${coded.message}`, { cause: error });
    }
  }
  if (coded?.name === "StoreError") {
    if (coded.code === "NOT_FOUND") {
      return new CliError("REPLAY_DEVKIT_NOT_FOUND", `${prefix}${coded.message}`, {
        hint: "Run `replay-devkit list` to see the recording ids.",
        cause: error,
      });
    }
    if (coded.code === "INVALID_INPUT") {
      return new CliError("REPLAY_DEVKIT_INVALID_INPUT", `${prefix}${coded.message}`, { cause: error });
    }
    return new CliError("REPLAY_DEVKIT_DATABASE", `${prefix}${coded.message}`, {
      hint: "Check --data (or $REPLAY_DEVKIT_DATA) points at a replay-devkit data directory.",
      cause: error,
    });
  }
  if (coded?.name === "ExportError") {
    // UNKNOWN_WINDOW names the recording's windows itself; INVALID_REQUEST is a bad format or mode.
    return coded.code === "UNKNOWN_WINDOW"
      ? new CliError("REPLAY_DEVKIT_NOT_FOUND", `${prefix}${coded.message}`, { cause: error })
      : new CliError("REPLAY_DEVKIT_USAGE", `${prefix}${coded.message}`, { cause: error });
  }
  if (coded?.name === "PrivacyError") {
    return new CliError("REPLAY_DEVKIT_INVALID_INPUT", `${prefix}${coded.message}`, { cause: error });
  }
  if (coded?.name === "ServerStartError") return fromServerStartError(coded, prefix, error);
  if (coded?.name === "S3Error") return fromS3Error(coded.code, `${prefix}${coded.message}`, error);
  if (coded?.name === "PosthogApiError")
    return fromPosthogApiError(coded.code, `${prefix}${coded.message}`, error);
  if (coded && /^E[A-Z]+$/.test(coded.code)) return fromSystemError(coded.code, coded.message, prefix, error);
  const message = error instanceof Error ? error.message : String(error);
  return new CliError("REPLAY_DEVKIT_INTERNAL", `${prefix}${message}`, {
    hint: "This is a bug in replay-devkit; rerun with --debug and report the stack trace.",
    cause: error,
  });
}

/** The server could not start: a taken port, a bind failure or options the CLI passed wrongly. */
function fromServerStartError(coded: CodedError, prefix: string, cause: unknown): CliError {
  switch (coded.code) {
    case "PORT_IN_USE":
      return new CliError("REPLAY_DEVKIT_PORT_IN_USE", `${prefix}${coded.message}`, {
        hint: "Use --port to pick another port.",
        cause,
      });
    case "TOKEN_REQUIRED":
      return new CliError("REPLAY_DEVKIT_TOKEN_REQUIRED", `${prefix}${coded.message}`, { cause });
    case "LISTEN_FAILED":
      return new CliError("REPLAY_DEVKIT_IO", `${prefix}${coded.message}`, {
        hint: "Check --host names an address of this machine, and --port is allowed for this user.",
        cause,
      });
    default:
      return new CliError("REPLAY_DEVKIT_USAGE", `${prefix}${coded.message}`, { cause });
  }
}

/** What a user can do about each failure of a pull from PostHog (codes of @replay-devkit/posthog-api). */
const POSTHOG_FAILURES: Readonly<Record<string, { code: CliErrorCode; hint: string }>> = {
  NO_KEY: {
    code: "REPLAY_DEVKIT_NO_API_KEY",
    hint: "Create a personal API key with the session_recording:read scope in PostHog (Settings → Personal API keys) and export it as POSTHOG_PERSONAL_API_KEY.",
  },
  BAD_KEY: {
    code: "REPLAY_DEVKIT_UNAUTHORIZED",
    hint: "POSTHOG_PERSONAL_API_KEY is not a valid key for this host; check it was made on this PostHog instance and not revoked.",
  },
  MISSING_SCOPE: {
    code: "REPLAY_DEVKIT_UNAUTHORIZED",
    hint: "Give the personal API key the session_recording:read scope and access to this project.",
  },
  NOT_FOUND: {
    code: "REPLAY_DEVKIT_NOT_FOUND",
    hint: "Check the session id and --project; `replay-devkit pull --list --from HOST --project ID` lists recordings.",
  },
  DELETED: { code: "REPLAY_DEVKIT_REMOTE_DELETED", hint: "Deleted recordings cannot be pulled." },
  RATE_LIMITED: { code: "REPLAY_DEVKIT_RATE_LIMITED", hint: "Try again later." },
  UNAVAILABLE: { code: "REPLAY_DEVKIT_REMOTE", hint: "PostHog is failing; try again later." },
  NETWORK: {
    code: "REPLAY_DEVKIT_REMOTE",
    hint: "Check the host URL and your network; try again later.",
  },
  UNTRUSTED_CERTIFICATE: {
    code: "REPLAY_DEVKIT_UNTRUSTED_CERTIFICATE",
    hint: "If you trust this host (a self-hosted PostHog with its own certificate), pass --insecure.",
  },
  INVALID_URL: {
    code: "REPLAY_DEVKIT_USAGE",
    hint: "Pass a PostHog recording link, or a session id with --from HOST --project ID.",
  },
  INVALID_RESPONSE: {
    code: "REPLAY_DEVKIT_INVALID_INPUT",
    hint: "The host did not answer like PostHog's API; check --from.",
  },
};

/** @replay-devkit/s3's codes, for `export --all --to s3://…` and `import --from s3://…`. */
function fromS3Error(code: string, message: string, cause: unknown): CliError {
  switch (code) {
    case "NO_SUCH_BUCKET":
    case "NOT_FOUND":
      return new CliError("REPLAY_DEVKIT_NOT_FOUND", message, {
        hint: "Create the bucket first, or check the s3:// URL.",
        cause,
      });
    case "ACCESS_DENIED":
      return new CliError("REPLAY_DEVKIT_UNAUTHORIZED", message, {
        hint: "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and the bucket's policy.",
        cause,
      });
    case "INVALID_CONFIG":
      return new CliError("REPLAY_DEVKIT_USAGE", message, { cause });
    case "NETWORK":
      return new CliError("REPLAY_DEVKIT_REMOTE", message, {
        hint: "Check AWS_ENDPOINT_URL and your network.",
        cause,
      });
    default:
      return new CliError("REPLAY_DEVKIT_IO", message, { cause });
  }
}

function fromPosthogApiError(code: string, message: string, cause: unknown): CliError {
  const known = POSTHOG_FAILURES[code];
  return known
    ? new CliError(known.code, message, { hint: known.hint, cause })
    : new CliError("REPLAY_DEVKIT_INTERNAL", message, { cause });
}

function fromSystemError(code: string, message: string, prefix: string, cause: unknown): CliError {
  switch (code) {
    case "ENOENT":
      return new CliError("REPLAY_DEVKIT_FILE_NOT_FOUND", `${prefix}${message}`, {
        hint: "Check the path.",
        cause,
      });
    case "EISDIR":
      return new CliError("REPLAY_DEVKIT_USAGE", `${prefix}${message}`, {
        hint: "Pass a file, not a directory.",
        cause,
      });
    default:
      return new CliError("REPLAY_DEVKIT_IO", `${prefix}${message}`, { cause });
  }
}

/** The one line a user sees; with `debug` the stack and the cause chain follow. */
export function formatError(error: CliError, debug: boolean): string {
  let text = `replay-devkit: ${error.message}`;
  if (error.hint) text += ` (${error.hint})`;
  text += ` [${error.code}]\n`;
  if (debug) {
    text += `${error.stack ?? ""}\n`;
    let cause: unknown = error.cause;
    for (let depth = 0; cause !== undefined && depth < 5; depth++) {
      text += `caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`;
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return text;
}
