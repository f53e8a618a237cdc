// The script-tag snippet that `dev` prints, pasted verbatim into a page, must record a session:
// real posthog-js (served by the built CLI from its own dependency) in Debian's Chromium.

import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TEST_APP_HOST,
  launchChromium,
  newDesktopContext,
  tempDir,
  type TempDir,
} from "@replay-devkit/test-utils";
import { freePort, runCli, startDev, type DevProcess, assertBuilt } from "./helpers.js";

assertBuilt();

/** The HTML between "script tag" and the pitfalls in dev's banner. */
function scriptSnippet(banner: string): string {
  const match = /script tag[^\n]*\n([\s\S]*?)\n\s*\nPitfalls/.exec(banner);
  if (!match?.[1]) throw new Error(`no script-tag snippet in:\n${banner}`);
  return match[1];
}

describe("dev's script-tag snippet in a real browser", () => {
  let dir: TempDir;
  let dev: DevProcess;
  let app: Server;
  let appUrl: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-browser-");
    dev = await startDev(["--port", String(await freePort())], {
      env: { REPLAY_DEVKIT_DATA: join(dir.path, "data") },
    });
    const snippet = scriptSnippet(dev.stderr());
    const page = `<!doctype html><html><head><title>snippet test</title>${snippet}</head>
      <body><h1>Snippet test</h1><button id="b" onclick="this.textContent='clicked '+(++window.n)">click</button>
      <input id="t"><script>window.n = 0;</script></body></html>`;
    app = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(page));
    const port = await freePort();
    await new Promise<void>((resolve) => app.listen(port, "127.0.0.1", resolve));
    appUrl = `http://${TEST_APP_HOST}:${port}/`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.close(resolve));
    await dev?.stop();
    dir?.cleanup();
  });

  it("records clicks and typing that `list` then shows", async () => {
    const context = await newDesktopContext(browser);
    const page = await context.newPage();
    const seen: string[] = [];
    page.on("response", (r) => seen.push(`${r.status()} ${r.request().method()} ${r.url()}`));
    page.on("console", (m) => seen.push(`console.${m.type()}: ${m.text()}`));
    await page.goto(appUrl);
    await page.waitForFunction(
      () => {
        const ph = (window as { posthog?: { sessionRecordingStarted?: () => boolean } }).posthog;
        return ph?.sessionRecordingStarted?.() === true;
      },
      undefined,
      { timeout: 30_000 },
    );
    for (let i = 0; i < 3; i++) await page.click("#b");
    await page.fill("#t", "hello");
    // The page stays open: posthog-js uploads its buffer every few seconds over fetch.

    const deadline = Date.now() + 60_000;
    let recordings: { id: string; clickCount: number; firstUrl: string | null }[] = [];
    while (Date.now() < deadline) {
      const res = await runCli(["list", "--json"], { env: { REPLAY_DEVKIT_DATA: join(dir.path, "data") } });
      recordings = (JSON.parse(res.stdout) as { recordings: typeof recordings }).recordings;
      if (recordings.some((r) => r.clickCount >= 3)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await context.close();
    expect(recordings, `${seen.join("\n")}\n${dev.stderr()}`).toHaveLength(1);
    expect(recordings[0]!.clickCount).toBeGreaterThanOrEqual(3);
    expect(recordings[0]!.firstUrl).toBe(appUrl);
  }, 120_000);
});
