import { existsSync } from "node:fs";
import { rewriteAssetUrls, type Recording, type RrwebEvent } from "@replay-devkit/codec";
import type { Browser, BrowserType, Page } from "playwright-core";
import { VideoError } from "./errors.js";
import { encodeFrame, finishEncoder, setupReplayer, showFrame, startEncoder } from "./in-page.js";
import { findLibDir, startRenderServer } from "./page.js";
import { PageChanges, Pointers, planFrames, viewportAt } from "./plan.js";

export type VideoFormat = "mp4" | "gif";

/** A pinned copy of an asset with its bytes (the shape the store's `assets.pinned()` gives, plus data). */
export interface VideoAsset {
  url: string;
  sha256: string;
  contentType: string;
  data: Uint8Array;
}

export interface VideoOptions {
  format: VideoFormat;
  /** The window to render (default: the one with the most events). */
  windowId?: string;
  /** Clip start, ms since the window's first event (default 0). */
  fromMs?: number;
  /** Clip end, ms since the window's first event (default: the end). */
  toMs?: number;
  /** Frames per second of recorded time (default 15 for MP4, 8 for GIF). */
  fps?: number;
  /** Output width cap in pixels (default 1280 for MP4, 800 for GIF); the height keeps the aspect. */
  maxWidth?: number;
  /** Cut idle stretches (no input for more than 3 s) down to a second (default true). */
  skipIdle?: boolean;
  /** Pinned copies to show instead of the recorded asset URLs. */
  assets?: readonly VideoAsset[];
  /** Called after each frame. */
  onProgress?: (done: number, total: number) => void;
  /** A browser to render in (kept open); default: Debian's chromium, launched and closed here. */
  browser?: Browser;
  /** Chromium to launch (default CHROMIUM_PATH or /usr/bin/chromium). */
  chromiumPath?: string;
  /** Folder with the page's browser builds (default: dist/lib of this package). */
  libDir?: string;
}

export interface VideoResult {
  data: Uint8Array;
  contentType: "video/mp4" | "image/gif";
  /** WebCodecs codec string (`avc1.…`, `vp09.…`) or `gif`. */
  codec: string;
  frames: number;
  fps: number;
  width: number;
  height: number;
  /** Length of the output (frames / fps). */
  durationMs: number;
  /** The clip in recorded time, and how much of it was cut as idle. */
  clipMs: number;
  skippedMs: number;
}

const MAX_FRAMES = 36_000;

/** The window a video shows: `windowId`, or the one with the most events. */
export function videoWindow(rec: Recording, windowId?: string): { windowId: string; events: RrwebEvent[] } {
  if (windowId !== undefined) {
    const found = rec.windows.find((w) => w.windowId === windowId);
    if (!found)
      throw new VideoError(
        "INVALID_OPTIONS",
        `Recording ${rec.sessionId} has no window ${windowId}; it has ${rec.windows.map((w) => w.windowId).join(", ")}.`,
      );
    return found;
  }
  const best = [...rec.windows].sort((a, b) => b.events.length - a.events.length)[0];
  if (!best) throw new VideoError("NOTHING_TO_RENDER", `Recording ${rec.sessionId} has no events.`);
  return best;
}

function even(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

async function launch(chromiumPath: string | undefined): Promise<Browser> {
  const executablePath = chromiumPath ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath))
    throw new VideoError(
      "CHROMIUM_MISSING",
      `No Chromium at ${executablePath}; install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  let chromium: BrowserType;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (error) {
    throw new VideoError(
      "PLAYWRIGHT_MISSING",
      "Rendering video needs playwright-core next to replay-devkit: npm install playwright-core (no browser download; it drives your chromium).",
      { cause: error },
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--hide-scrollbars",
      "--font-render-hinting=none",
    ],
  });
}

/**
 * Renders a recording (scrub it first: what is passed in is what is drawn) to an MP4 or a GIF in
 * headless Chromium: rrweb's Replayer paused at each frame's moment, a screenshot, the pointer and
 * click rings drawn over it, then WebCodecs' VideoEncoder muxed to MP4 by mp4-muxer, or gifenc.
 * Frames step through recorded time deterministically; idle stretches are cut.
 */
export async function renderVideo(rec: Recording, opts: VideoOptions): Promise<VideoResult> {
  const { events } = videoWindow(rec, opts.windowId);
  if (!events.some((e) => e.type === 2))
    throw new VideoError(
      "NOTHING_TO_RENDER",
      "The window has no full snapshot, so there is no page to draw.",
    );
  const fps = opts.fps ?? (opts.format === "gif" ? 8 : 15);
  if (!Number.isInteger(fps) || fps < 1 || fps > 60)
    throw new VideoError("INVALID_OPTIONS", `fps must be a whole number from 1 to 60, got ${fps}.`);
  const first = (events[0] as RrwebEvent).timestamp;
  const lengthMs = (events.at(-1) as RrwebEvent).timestamp - first;
  for (const [name, value] of [
    ["from", opts.fromMs],
    ["to", opts.toMs],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0))
      throw new VideoError("INVALID_OPTIONS", `--${name} must be a time from the start, got ${value}.`);
  }
  if (opts.fromMs !== undefined && opts.fromMs > lengthMs)
    throw new VideoError(
      "INVALID_OPTIONS",
      `--from is after the end of the window (${Math.round(lengthMs / 1000)} s long).`,
    );
  if (opts.fromMs !== undefined && opts.toMs !== undefined && opts.toMs <= opts.fromMs)
    throw new VideoError("INVALID_OPTIONS", "--to must be after --from.");
  const plan = planFrames(events, {
    fromMs: opts.fromMs,
    toMs: opts.toMs,
    fps,
    skipIdle: opts.skipIdle ?? true,
  });
  if (plan.times.length === 0) throw new VideoError("NOTHING_TO_RENDER", "The clip has no frames.");
  if (plan.times.length > MAX_FRAMES)
    throw new VideoError(
      "INVALID_OPTIONS",
      `The clip would have ${plan.times.length} frames (over ${MAX_FRAMES}); pick a shorter --from/--to or a lower fps.`,
    );
  const libDir = findLibDir(opts.libDir);
  if (!libDir)
    throw new VideoError(
      "RENDER_FAILED",
      "The video package's dist/lib is missing; build @replay-devkit/video.",
    );

  const viewport = viewportAt(events, plan.startMs);
  const maxWidth = opts.maxWidth ?? (opts.format === "gif" ? 800 : 1280);
  const scale = Math.min(1, maxWidth / viewport.width);
  const width = even(viewport.width * scale);
  const height = even(viewport.height * scale);

  const assets = new Map(
    (opts.assets ?? []).map((a) => [a.sha256, { contentType: a.contentType, data: a.data }]),
  );
  const pointers = new Pointers(events);
  const browser = opts.browser ?? (await launch(opts.chromiumPath));
  let server: Awaited<ReturnType<typeof startRenderServer>> | null = null;
  let page: Page | null = null;
  try {
    const byUrl = new Map((opts.assets ?? []).map((a) => [a.url, a.sha256]));
    server = await startRenderServer(libDir, assets, (origin) => {
      const resolve = (url: string) => {
        const sha = byUrl.get(url);
        return sha === undefined ? undefined : `${origin}/assets/${sha}`;
      };
      return JSON.stringify(events.map((e) => rewriteAssetUrls(e, resolve)));
    });
    const origin = server.origin;
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    page = await context.newPage();
    // Only the render server: the recorded app (and anything else) is never contacted.
    await page.route("**/*", (route) =>
      route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort("blockedbyclient"),
    );
    await page.goto(`${origin}/`);
    await page.waitForFunction("!!window.__rd && !!window.rrweb");
    await page.evaluate(setupReplayer, { url: `${origin}/events.json` });
    const codec = await page.evaluate(startEncoder, { format: opts.format, width, height, fps });
    const cdp = await context.newCDPSession(page);
    const total = plan.times.length;
    // The pointer and clicks are drawn by the encoder, so a new screenshot is needed only when the
    // page itself changed (and once more after, for images and fonts that finish loading late).
    const changes = new PageChanges(events);
    let fresh = 0;
    for (let i = 0; i < total; i++) {
      const t = plan.times[i] as number;
      if (i === 0 || changes.between(plan.times[i - 1] as number, t)) fresh = 2;
      let jpeg: string | null = null;
      if (fresh > 0) {
        fresh--;
        await page.evaluate(showFrame, { offset: t - first });
        const shot = (await cdp.send("Page.captureScreenshot", {
          format: "jpeg",
          quality: 88,
          optimizeForSpeed: true,
          clip: { x: 0, y: 0, width: viewport.width, height: viewport.height, scale: 1 },
        })) as { data: string };
        jpeg = shot.data;
      }
      const { pointer, clicks } = pointers.at(t);
      await page.evaluate(encodeFrame, { jpeg, scale, pointer, clicks });
      opts.onProgress?.(i + 1, total);
    }
    const base64 = await page.evaluate(finishEncoder);
    await context.close();
    return {
      data: new Uint8Array(Buffer.from(base64, "base64")),
      contentType: opts.format === "gif" ? "image/gif" : "video/mp4",
      codec,
      frames: total,
      fps,
      width,
      height,
      durationMs: (total * 1000) / fps,
      clipMs: plan.endMs - plan.startMs,
      skippedMs: plan.skippedMs,
    };
  } catch (error) {
    if (error instanceof VideoError) throw error;
    throw new VideoError(
      "RENDER_FAILED",
      `Rendering the video failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    await server?.close();
    if (!opts.browser) await browser.close();
  }
}
