import type { Recording } from "@replay-devkit/codec";
import type * as Video from "@replay-devkit/video";
import type { CommandContext } from "./command.js";
import { videoLibDir } from "./assets.js";
import { CliError } from "./errors.js";
import { Progress, bar } from "./progress.js";
import { formatBytes, openDataStore, prepareForExport } from "./shared.js";
import { parseTimePoint } from "./trim.js";

/** `export --format mp4|gif`: rendered in headless Chromium by @replay-devkit/video. */
export const VIDEO_FORMATS = ["mp4", "gif"] as const;
export type VideoExportFormat = (typeof VIDEO_FORMATS)[number];

export function isVideoFormat(format: string): format is VideoExportFormat {
  return (VIDEO_FORMATS as readonly string[]).includes(format);
}

export interface VideoExportOptions {
  format: VideoExportFormat;
  from?: string;
  to?: string;
  fps?: string;
  scrub: boolean;
  data?: string;
}

// VideoError code → what the CLI says: the video package's codes mapped onto the CLI's exits.
const VIDEO_CODES = {
  CHROMIUM_MISSING: "REPLAY_DEVKIT_MISSING_ASSETS",
  PLAYWRIGHT_MISSING: "REPLAY_DEVKIT_MISSING_ASSETS",
  NOTHING_TO_RENDER: "REPLAY_DEVKIT_INVALID_INPUT",
  INVALID_OPTIONS: "REPLAY_DEVKIT_USAGE",
  RENDER_FAILED: "REPLAY_DEVKIT_INTERNAL",
} as const;

/** The pinned copies of a stored recording's assets, with their bytes, for the video page. */
async function pinnedWithBytes(ctx: CommandContext, data: string | undefined, id: string) {
  const store = await openDataStore(ctx, data, "read");
  if (!store) return [];
  try {
    return store.assets.pinned(id).flatMap((a) => {
      const stored = store.assets.get(a.sha256);
      return stored ? [{ ...a, data: new Uint8Array(stored.data) }] : [];
    });
  } finally {
    store.close();
  }
}

/**
 * Renders the stored recording (scrubbed first, like every export, so masked stays masked) to MP4
 * or GIF with the pinned assets, showing frame progress on stderr. Returns the file's bytes.
 */
export async function exportVideo(
  ctx: CommandContext,
  stored: Recording,
  opts: VideoExportOptions,
): Promise<{ data: Uint8Array; summary: string }> {
  let video: typeof Video;
  try {
    video = await import("@replay-devkit/video");
  } catch (error) {
    throw new CliError("REPLAY_DEVKIT_MISSING_ASSETS", "this install cannot render video", {
      hint: "Install playwright-core next to replay-devkit (npm i playwright-core) and Debian's chromium.",
      cause: error,
    });
  }
  const { recording } = await prepareForExport(stored, opts.scrub);
  const start = video.videoWindow(recording).events[0]?.timestamp ?? 0;
  const offset = (name: "from" | "to", text: string | undefined) => {
    if (text === undefined) return undefined;
    const at = parseTimePoint(text, start);
    if (at === null)
      throw new CliError(
        "REPLAY_DEVKIT_USAGE",
        `--${name} must be an offset like 90s, 1m30s or 01:30, or an ISO time`,
      );
    return at - start;
  };
  const fps = opts.fps === undefined ? undefined : Number(opts.fps);
  const progress = new Progress(ctx.stderr, true);
  const assets = await pinnedWithBytes(ctx, opts.data, stored.sessionId);
  try {
    const result = await video.renderVideo(recording, {
      format: opts.format,
      fromMs: offset("from", opts.from),
      toMs: offset("to", opts.to),
      ...(fps === undefined ? {} : { fps }),
      assets,
      libDir: videoLibDir() ?? undefined,
      onProgress: (done, total) =>
        progress.step(
          () => `Rendering ${opts.format} ${bar(done, total)} ${done}/${total} frames`,
          done === total,
        ),
    });
    progress.done();
    const cut = result.skippedMs > 0 ? `, ${Math.round(result.skippedMs / 1000)} s idle cut` : "";
    return {
      data: result.data,
      summary: `${opts.format}: ${(result.durationMs / 1000).toFixed(1)} s (clip ${(result.clipMs / 1000).toFixed(1)} s${cut}), ${result.width}x${result.height}, ${result.fps} fps, ${result.codec}, ${formatBytes(result.data.byteLength)}, ${assets.length} pinned asset(s)`,
    };
  } catch (error) {
    progress.done();
    if (video.isVideoError(error))
      throw new CliError(VIDEO_CODES[error.code], error.message, { cause: error });
    throw error;
  }
}
