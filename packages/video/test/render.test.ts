// Renders a synthetic 35-second recording in Debian's Chromium and checks the files in Chromium
// itself: the MP4 plays in a <video> element with the expected duration, the GIF decodes (WebCodecs'
// ImageDecoder) into frames that show the page, with the pinned image drawn from its copy.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Recording, RrwebEvent } from "@replay-devkit/codec";
import { launchChromium } from "@replay-devkit/test-utils";
import { planFrames, renderVideo, type VideoAsset } from "../src/index.js";

const T0 = 1_700_000_000_000;
const LOGO_URL = "http://gone.localhost:9/logo.svg";
const LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120"><rect width="200" height="120" fill="#00c000"/></svg>',
);
const ASSETS: VideoAsset[] = [
  {
    url: LOGO_URL,
    sha256: createHash("sha256").update(LOGO).digest("hex"),
    contentType: "image/svg+xml",
    data: LOGO,
  },
];

function el(id: number, tagName: string, attributes: Record<string, string>, childNodes: unknown[] = []) {
  return { type: 2, id, tagName, attributes, childNodes };
}

/** A page with a red box, a heading and the pinned logo; the pointer moves all the time, clicks every 5 s. */
function recording(seconds: number): Recording {
  const events: RrwebEvent[] = [
    { type: 4, timestamp: T0, data: { href: "http://gone.localhost:9/", width: 800, height: 600 } },
    {
      type: 2,
      timestamp: T0 + 10,
      data: {
        initialOffset: { top: 0, left: 0 },
        node: {
          type: 0,
          id: 1,
          childNodes: [
            el(2, "html", {}, [
              el(3, "head", {}, [
                el(4, "style", {}, [
                  { type: 3, id: 5, isStyle: true, textContent: "body{margin:0;font:20px sans-serif}" },
                ]),
              ]),
              el(6, "body", {}, [
                el(7, "div", {
                  id: "box",
                  style: "position:absolute;left:0;top:0;width:400px;height:300px;background:#e00000",
                }),
                el(8, "img", { id: "logo", src: LOGO_URL, style: "position:absolute;left:500px;top:350px" }),
                el(9, "h1", { style: "position:absolute;left:20px;top:400px" }, [
                  { type: 3, id: 10, textContent: "Checkout" },
                ]),
              ]),
            ]),
          ],
        },
      },
    } as unknown as RrwebEvent,
  ];
  for (let ms = 250; ms <= seconds * 1000; ms += 250) {
    const x = 100 + ((ms / 25) % 600);
    events.push({
      type: 3,
      timestamp: T0 + ms,
      data: { source: 1, positions: [{ x, y: 200, id: 7, timeOffset: 0 }] },
    } as unknown as RrwebEvent);
    if (ms % 5000 === 0)
      events.push({
        type: 3,
        timestamp: T0 + ms + 1,
        data: { source: 2, type: 2, id: 7, x, y: 200 },
      } as unknown as RrwebEvent);
  }
  return {
    sessionId: "video-test",
    distinctId: null,
    windows: [{ windowId: "w", events }],
    posthogEvents: [],
    metadata: {},
  } as unknown as Recording;
}

/** A page on 127.0.0.1 (a secure context: ImageDecoder and media need it) to inspect files in. */
async function inspectorPage(browser: Browser): Promise<{ page: Page; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/html" }).end("<html></html>"),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return {
    page,
    async close() {
      await page.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("renderVideo", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("exports a 30-second clip as an MP4 that plays in Chromium for 30 s", async () => {
    const progress: number[] = [];
    const result = await renderVideo(recording(35), {
      format: "mp4",
      fromMs: 2000,
      toMs: 32_000,
      fps: 5,
      browser,
      assets: ASSETS,
      onProgress: (done) => progress.push(done),
    });
    expect(result.contentType).toBe("video/mp4");
    expect(result.clipMs).toBe(30_000);
    expect(result.skippedMs).toBe(0);
    expect(progress.at(-1)).toBe(result.frames);
    expect(result.width).toBe(800);
    expect(result.height).toBe(600);
    const { page, close } = await inspectorPage(browser);
    try {
      const seen = await page.evaluate(async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const video = document.createElement("video");
        video.muted = true;
        video.src = URL.createObjectURL(new Blob([bytes], { type: "video/mp4" }));
        document.body.append(video);
        await new Promise((resolve, reject) => {
          video.onloadeddata = resolve;
          video.onerror = () => reject(new Error(`video error ${video.error?.code} ${video.error?.message}`));
        });
        video.currentTime = 10;
        await new Promise((resolve) => (video.onseeked = resolve));
        const canvas = document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
        ctx.drawImage(video, 0, 0);
        const [r, g, b] = ctx.getImageData(100, 100, 1, 1).data;
        return {
          duration: video.duration,
          width: video.videoWidth,
          height: video.videoHeight,
          box: [r, g, b],
        };
      }, Buffer.from(result.data).toString("base64"));
      expect(Math.abs(seen.duration - 30)).toBeLessThanOrEqual(1);
      expect([seen.width, seen.height]).toEqual([800, 600]);
      // The red box of the page, at a moment in the middle of the video.
      const [r, g, b] = seen.box as [number, number, number];
      expect(r).toBeGreaterThan(180);
      expect(g).toBeLessThan(80);
      expect(b).toBeLessThan(80);
    } finally {
      await close();
    }
  });

  it("exports a GIF whose frames show the page, the pinned image and the pointer", async () => {
    const result = await renderVideo(recording(35), {
      format: "gif",
      fromMs: 4000,
      toMs: 8000,
      fps: 4,
      browser,
      assets: ASSETS,
    });
    expect(result.contentType).toBe("image/gif");
    expect(result.frames).toBe(
      planFrames(recording(35).windows[0]!.events, { fromMs: 4000, toMs: 8000, fps: 4, skipIdle: true }).times
        .length,
    );
    const { page, close } = await inspectorPage(browser);
    try {
      const seen = await page.evaluate(async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const decoder = new ImageDecoder({ data: bytes, type: "image/gif" });
        await decoder.tracks.ready;
        const frameCount = decoder.tracks.selectedTrack?.frameCount ?? 0;
        const frames: { distinct: number; box: number[]; logo: number[]; pointer: number[] }[] = [];
        for (let i = 0; i < frameCount; i++) {
          const { image } = await decoder.decode({ frameIndex: i });
          const canvas = new OffscreenCanvas(image.displayWidth, image.displayHeight);
          const ctx = canvas.getContext("2d") as OffscreenCanvasRenderingContext2D;
          ctx.drawImage(image, 0, 0);
          image.close();
          const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          const colors = new Set<number>();
          for (let p = 0; p < data.length; p += 4 * 97)
            colors.add((data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!);
          const at = (x: number, y: number) => [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
          // The pointer at frame i (recorded 4 s + i/4 s) is at x = 100 + (160 + 10 i) % 600, y = 200.
          const x = 100 + ((160 + 10 * i) % 600);
          frames.push({
            distinct: colors.size,
            box: at(50, 50),
            logo: at(600, 400),
            pointer: at(x + 3, 210),
          });
        }
        return { frameCount, width: decoder.tracks.selectedTrack ? frames.length : 0, frames };
      }, Buffer.from(result.data).toString("base64"));
      expect(seen.frameCount).toBe(result.frames);
      for (const f of seen.frames) {
        // Not blank: the page's colours, the red box, and the logo from its pinned copy (green).
        expect(f.distinct).toBeGreaterThan(2);
        expect(f.box[0]).toBeGreaterThan(180);
        expect(f.box[1]).toBeLessThan(80);
        expect(f.logo[1]).toBeGreaterThan(150);
        expect(f.logo[0]).toBeLessThan(80);
        // The drawn pointer (dark arrow) where the recorded mouse was.
        expect(Math.max(...f.pointer)).toBeLessThan(90);
      }
    } finally {
      await close();
    }
  });

  it("cuts idle time: a 20-second pause becomes one second", () => {
    const rec = recording(35);
    const events = rec.windows[0]!.events.filter(
      (e) => e.type !== 3 || e.timestamp < T0 + 5000 || e.timestamp > T0 + 25_000,
    );
    const plan = planFrames(events, { fps: 10, skipIdle: true });
    expect(plan.skippedMs).toBeGreaterThan(18_000);
    const kept = planFrames(events, { fps: 10, skipIdle: false });
    expect(kept.skippedMs).toBe(0);
    expect(kept.times.length - plan.times.length).toBeGreaterThan(180);
  });
});
