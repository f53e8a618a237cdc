/** What went wrong rendering a video; each code says what to do next. */
export type VideoErrorCode =
  /** No Chromium at the path (install Debian's chromium, or set CHROMIUM_PATH). */
  | "CHROMIUM_MISSING"
  /** playwright-core is not installed next to replay-devkit. */
  | "PLAYWRIGHT_MISSING"
  /** The window has no full snapshot, or the clip is empty. */
  | "NOTHING_TO_RENDER"
  /** --from/--to, fps or size out of range. */
  | "INVALID_OPTIONS"
  /** The browser failed while rendering or encoding (the message has its words). */
  | "RENDER_FAILED";

export class VideoError extends Error {
  readonly code: VideoErrorCode;
  constructor(code: VideoErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "VideoError";
    this.code = code;
  }
}

export function isVideoError(value: unknown): value is VideoError {
  return value instanceof VideoError;
}
