/** Every way the store can refuse a call. Stable: the server maps these to HTTP statuses, the CLI to exit codes. */
export type StoreErrorCode =
  | "OPEN_FAILED"
  | "NOT_A_DATABASE"
  | "SCHEMA_TOO_NEW"
  | "MIGRATION_FAILED"
  | "INVALID_INPUT"
  | "NOT_FOUND"
  | "BUSY"
  | "CORRUPT"
  | "CLOSED"
  | "READ_ONLY";

/** The only error type the store throws. `code` is for programs, `message` tells a person what to do. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StoreError";
    this.code = code;
  }
}

export function isStoreError(value: unknown): value is StoreError {
  return value instanceof StoreError;
}

/** better-sqlite3 throws SqliteError with a `code` such as SQLITE_BUSY; this turns those into StoreErrors. */
export function fromSqliteError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const text = error instanceof Error ? error.message : String(error);
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new StoreError(
      "BUSY",
      `${what}: the database is locked by another process for too long (${text}). Retry, or stop the other replay-devkit process.`,
      { cause: error },
    );
  }
  if (typeof code === "string" && code.startsWith("SQLITE_READONLY")) {
    return new StoreError("READ_ONLY", `${what}: the database was opened read-only (${text}).`, {
      cause: error,
    });
  }
  if (code === "SQLITE_NOTADB") {
    return new StoreError("NOT_A_DATABASE", `${what}: the file is not a SQLite database (${text}).`, {
      cause: error,
    });
  }
  if (code === "SQLITE_CORRUPT") {
    return new StoreError(
      "CORRUPT",
      `${what}: the database file is corrupt (${text}). Restore a backup or start a new file.`,
      {
        cause: error,
      },
    );
  }
  return new StoreError("OPEN_FAILED", `${what}: ${text}`, { cause: error });
}
