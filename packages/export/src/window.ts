import { ExportError } from "./errors.js";

/**
 * The window an rrweb export holds: the one asked for, else the recording's first. Throws
 * UNKNOWN_WINDOW, naming the valid ids, for a window the recording does not have; callers with a
 * cheap list of window ids (the server's summary) call it before loading any event.
 */
export function pickWindow(
  sessionId: string,
  windowIds: readonly string[],
  requested: string | undefined,
): string | undefined {
  if (requested === undefined) return windowIds[0];
  if (windowIds.includes(requested)) return requested;
  throw new ExportError(
    "UNKNOWN_WINDOW",
    `Recording ${sessionId} has no window ${JSON.stringify(requested.slice(0, 200))}; it has ${
      windowIds.length === 0 ? "no windows" : windowIds.join(", ")
    }.`,
  );
}
