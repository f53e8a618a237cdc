// The HTML export opened the way a recipient opens it: from disk, in Chromium, with every request
// the page might make aborted and counted. Uses the session the real posthog-js recorded.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scrubRecording } from "@replay-devkit/privacy";
import { launchChromium, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { renderHtml } from "../src/index.js";
import { capturedSession } from "./captured.js";

interface Opened {
  page: Page;
  requests: string[];
  errors: string[];
}

describe("the HTML export in Chromium from file://, offline", () => {
  let dir: TempDir;
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    dir = tempDir("replay-share-html-");
    const { recording, redactions } = scrubRecording(capturedSession());
    file = join(dir.path, "recording.html");
    writeFileSync(file, renderHtml(recording, { producer: "test", redactions, scrubbed: true }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    dir?.cleanup();
  });

  async function open(path: string): Promise<Opened> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    const self = pathToFileURL(path).href;
    // Everything is aborted and counted except the navigation to the file itself.
    await context.route("**", (route) => {
      if (route.request().url() === self) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    page.on("request", (r) => {
      if (r.url() !== self && !requests.includes(r.url())) requests.push(r.url());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(path).href);
    await page.waitForSelector('#app[data-state="ready"]');
    return { page, requests, errors };
  }

  function replayFrame(page: Page): Frame {
    const frame = page.frames().find((f) => f !== page.mainFrame());
    if (!frame) throw new Error("the player has no replay frame");
    return frame;
  }

  it("opens on the first drawn frame and makes no request at all", async () => {
    const { page, requests, errors } = await open(file);
    const frame = replayFrame(page);
    expect(await frame.locator("#btn-primary").count()).toBe(1);
    expect(await page.locator('[data-testid="url-bar"]').inputValue()).toMatch(/^http:\/\/app\.harness\.test:\d+\/$/);
    expect(await page.locator('[data-testid="tabs"] button').allTextContents()).toEqual(["Console", "Network", "Events", "Privacy"]);
    await page.waitForTimeout(500);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
