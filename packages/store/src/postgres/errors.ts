import { isS3Error } from "@replay-devkit/s3";
import { StoreError } from "../errors.js";

/** `postgres://user:***@host:port/db`: the only form of a database URL that may reach a message or log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(a database URL that does not parse)";
  }
}

/** PostgreSQL and S3 failures as StoreErrors; messages never carry a password or key. */
export function fromPgError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  if (isS3Error(error)) {
    const code = error.code === "NOT_FOUND" ? "NOT_FOUND" : error.code === "NETWORK" ? "BUSY" : "OPEN_FAILED";
    return new StoreError(code, `${what}: ${error.message}`, { cause: error });
  }
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const text = error instanceof Error ? error.message : String(error);
  // Deadlock, serialization failure, lock timeout, too many connections, shutting down: worth a retry.
  if (code === "40P01" || code === "40001" || code === "55P03" || code === "53300" || code === "57P01") {
    return new StoreError("BUSY", `${what}: the database is busy (${text}). Retry.`, { cause: error });
  }
  if (code === "25006") return new StoreError("READ_ONLY", `${what}: ${text}`, { cause: error });
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ECONNRESET" || code === "ETIMEDOUT") {
    return new StoreError(
      "BUSY",
      `${what}: cannot reach PostgreSQL (${String(code)}). Check DATABASE_URL and that the server runs.`,
      {
        cause: error,
      },
    );
  }
  return new StoreError("OPEN_FAILED", `${what}: ${text}`, { cause: error });
}
