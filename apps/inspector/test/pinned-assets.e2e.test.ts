// Asset pinning end to end: a small app on a loopback host (`shop.localhost`) serves a page with an
// <img>, a CSS background-image and an @font-face web font; the real posthog-js 1.449.2 records it
// in Debian's Chromium through a devkit with pinning on. Then the app's server is STOPPED, and the
// inspector must still draw the image, the background and the font, from the devkit's copies only;
// and testing's rebuildDom sees the pinned URLs.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRecordingFile } from "@replay-devkit/codec";
import { createHandler, listen, type Listening } from "@replay-devkit/server";
import { openStore, type Store } from "@replay-devkit/store";
import { fromRecording, pinnedAssets, rebuildDom } from "@replay-devkit/testing";
import { launchChromium, newDesktopContext, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { OUT_DIR } from "./harness.js";

const POSTHOG_DIST = join(dirname(createRequire(import.meta.url).resolve("posthog-js/package.json")), "dist");
const APP_HOST = "shop.localhost";
// fontconfig (a dependency of Debian's chromium) brings DejaVu; chromium itself brings Liberation.
const FONT_FILES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
];
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="120" height="80" fill="#c33"/></svg>';
// A 1x1 PNG for the CSS background.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

function fontFile(): Buffer {
  const path = FONT_FILES.find((p) => existsSync(p));
  if (!path)
    throw new Error(`No TrueType font at ${FONT_FILES.join(" or ")}; install Debian's fonts-dejavu-core.`);
  return readFileSync(path);
}

interface App {
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

async function startApp(apiHost: string): Promise<App> {
  const font = fontFile();
  const arrayFull = readFileSync(join(POSTHOG_DIST, "array.full.js"));
  const requests: string[] = [];
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>Pinned shop</title>
<link rel="stylesheet" href="/app.css">
<script src="/array.full.js"></script>
<script>posthog.init("phc_pin", { api_host: ${JSON.stringify(apiHost)}, person_profiles: "always" });</script>
</head><body>
<h1>Pinned shop</h1>
<img id="logo" src="/logo.svg" alt="logo">
<div id="hero" class="hero">hero</div>
<p id="fonty" class="fonty">Text in the pinned web font</p>
<button id="buy">Buy</button>
</body></html>`;
  const css = `@font-face { font-family: "PinFont"; src: url("/fonts/pin.ttf") format("truetype"); }
.hero { width: 100px; height: 50px; background-image: url(/img/bg.png); }
.fonty { font-family: "PinFont", monospace; }`;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push(path);
    if (path === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    else if (path === "/app.css") res.writeHead(200, { "content-type": "text/css" }).end(css);
    else if (path === "/array.full.js")
      res.writeHead(200, { "content-type": "text/javascript" }).end(arrayFull);
    else if (path === "/logo.svg") res.writeHead(200, { "content-type": "image/svg+xml" }).end(SVG);
    else if (path === "/img/bg.png") res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    else if (path === "/fonts/pin.ttf") res.writeHead(200, { "content-type": "font/ttf" }).end(font);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${APP_HOST}:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface AssetRow {
  url: string;
  status: string;
  sha256: string | null;
  reason: string | null;
}

async function poll<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("pinned assets survive the app's server", () => {
  let dir: TempDir;
  let store: Store;
  let devkit: Listening;
  let browser: Browser;
  let app: App;
  let sessionId = "";
  let assets: AssetRow[] = [];
  let devkitUrl = "";

  beforeAll(async () => {
    dir = tempDir("pinned-assets-e2e-");
    store = openStore(join(dir.path, "devkit.db"));
    devkit = await listen(
      createHandler({
        store,
        version: "0.0.0-e2e",
        staticDirs: { inspector: OUT_DIR, posthogJs: POSTHOG_DIST },
        captureDir: null,
        log: () => {},
        assets: {},
      }),
      { port: 0, host: "127.0.0.1", handleSignals: false },
    );
    devkitUrl = `http://127.0.0.1:${devkit.port}`;
    browser = await launchChromium({ hosts: [APP_HOST] });
    app = await startApp(devkitUrl);

    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    await page.goto(`${app.origin}/`);
    await page.waitForFunction(
      "!!(window.posthog && window.posthog.__loaded && window.posthog.sessionRecordingStarted())",
      undefined,
      { timeout: 30_000, polling: 100 },
    );
    // The page itself drew the font and the background (so the recording shows what a user saw).
    expect(await page.evaluate(() => document.fonts.check('16px "PinFont"'))).toBe(true);
    sessionId = (await page.evaluate("window.posthog.get_session_id()")) as string;
    await page.click("#buy");
    await poll("the recording with its full snapshot", async () => {
      const res = await fetch(`${devkitUrl}/api/recordings/${sessionId}`);
      if (!res.ok) return null;
      const rec = (await res.json()) as { clickCount?: number };
      return (rec.clickCount ?? 0) > 0 ? rec : null;
    });
    await context.close();
    assets = await poll("the assets to be pinned", async () => {
      const body = (await (await fetch(`${devkitUrl}/api/recordings/${sessionId}/assets`)).json()) as {
        assets: AssetRow[];
      };
      const settled = body.assets.length >= 3 && body.assets.every((a) => a.status !== "pending");
      return settled ? body.assets : null;
    });
    // The app goes away: from here on only the devkit's copies exist.
    await app.close();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await devkit?.close();
    store?.close();
    dir?.cleanup();
  });

  it("pinned the image, the background and the font while the app ran", () => {
    const status = Object.fromEntries(assets.map((a) => [new URL(a.url).pathname, a.status]));
    expect(status).toMatchObject({
      "/logo.svg": "pinned",
      "/img/bg.png": "pinned",
      "/fonts/pin.ttf": "pinned",
    });
  });

  it("renders them in the inspector from the devkit's origin only", async () => {
    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    const requested: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(`${devkitUrl}/recording/?id=${encodeURIComponent(sessionId)}`);
    const frame = page.frameLocator('[data-testid="player-root"] iframe');
    await frame.locator("#logo").waitFor({ state: "attached", timeout: 30_000 });
    const handle = await page.locator('[data-testid="player-root"] iframe').elementHandle();
    const doc = await handle?.contentFrame();
    if (!doc) throw new Error("no replayer iframe");
    await doc.waitForFunction(
      () => (document.querySelector("#logo") as HTMLImageElement | null)?.complete === true,
    );
    const seen = await doc.evaluate(async () => {
      const img = document.querySelector("#logo") as HTMLImageElement;
      const hero = document.querySelector("#hero") as HTMLElement;
      const loaded = await document.fonts.load('16px "PinFont"');
      return {
        src: img.src,
        naturalWidth: img.naturalWidth,
        background: getComputedStyle(hero).backgroundImage,
        fontFaces: loaded.map((f) => `${f.family} ${f.status}`),
        fontCheck: document.fonts.check('16px "PinFont"'),
      };
    });
    expect(seen.src.startsWith(`${devkitUrl}/api/assets/`)).toBe(true);
    expect(seen.naturalWidth).toBe(120);
    expect(seen.background).toContain(`${devkitUrl}/api/assets/`);
    expect(seen.fontFaces).toEqual(["PinFont loaded"]);
    expect(seen.fontCheck).toBe(true);
    const elsewhere = requested.filter((u) => /^https?:/.test(u) && !u.startsWith(`${devkitUrl}/`));
    expect(elsewhere).toEqual([]);
    // The font, the image and the background each came from their pinned copy.
    for (const path of ["/fonts/pin.ttf", "/logo.svg", "/img/bg.png"]) {
      const sha = assets.find((a) => a.url.endsWith(path))?.sha256;
      expect(requested).toContain(`${devkitUrl}/api/assets/${sha}`);
    }
    // The Assets tab says what was pinned.
    await page.getByTestId("tab-assets").click();
    await expect
      .poll(async () => page.getByTestId("asset-row").and(page.locator('[data-status="pinned"]')).count())
      .toBeGreaterThanOrEqual(3);
    await context.close();
  });

  it("lets rebuildDom show the pinned URLs", async () => {
    const res = await fetch(`${devkitUrl}/api/recordings/${sessionId}/export?format=posthog`);
    expect(res.status).toBe(200);
    const [recording] = (await readRecordingFile(new Uint8Array(await res.arrayBuffer()))).recordings;
    if (!recording) throw new Error("the export holds no recording");
    const rec = fromRecording(recording);
    const map = await pinnedAssets(devkitUrl, sessionId);
    using dom = rebuildDom(rec, { assets: map });
    const src = dom.document.querySelector("#logo")?.getAttribute("src") ?? "";
    expect(src.startsWith(`${devkitUrl}/api/assets/`)).toBe(true);
    const html = dom.html();
    expect(html).toContain(map.get(`${app.origin}/fonts/pin.ttf`));
    expect(html).toContain(map.get(`${app.origin}/img/bg.png`));
    expect(html).not.toContain(`${app.origin}/img/bg.png`);
    // Without the map the recording is as recorded (the PostHog export is lossless).
    using plain = rebuildDom(rec);
    expect(plain.document.querySelector("#logo")?.getAttribute("src")).toBe(`${app.origin}/logo.svg`);
  });
});
