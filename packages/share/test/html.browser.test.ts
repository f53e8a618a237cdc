// The HTML export opened the way a recipient opens it: from disk, in Chromium, with every request
// the page might make aborted and counted. The main recording is the session the real posthog-js
// recorded (shared captures, run A, decoded as the server decodes it); its driver's log (session-A.json) says what happened when.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PinnedAsset, Recording } from "@replay-devkit/codec";
import { scrubRecording } from "@replay-devkit/privacy";
import { CAPTURE_FIXTURES, launchChromium, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { renderHtml } from "../src/index.js";
import { captureRecording } from "../../codec/test/helpers.js";
import { imageRecording, PNG_1X1 } from "./image-recording.js";
import { fileText, payloadOf } from "./read-html.js";

interface SessionLog {
  actions: { seq: number; at: string; name: string }[];
  expect: {
    visibleTexts: string[];
    consoleMessages: string[];
    networkRequests: string[];
    customEvents: string[];
    mustNotContain: string[];
    urls: string[];
  };
}
const session = JSON.parse(readFileSync(join(CAPTURE_FIXTURES, "session-A.json"), "utf8")) as SessionLog;

interface Opened {
  page: Page;
  /** Requests that reached the network layer (all aborted). */
  requests: string[];
  /** Loads the file's CSP refused inside the page. */
  refused: string[];
  /** Requests the page started that the CSP did not refuse. */
  unrefused: () => string[];
  errors: string[];
}

describe("the HTML export in Chromium from file://, offline", () => {
  let dir: TempDir;
  let browser: Browser;
  let file: string;
  let bytes: Uint8Array;
  let recording: Recording;
  let redactionCount: number;

  beforeAll(async () => {
    dir = tempDir("replay-share-html-");
    const scrubbed = scrubRecording(captureRecording("A"));
    recording = scrubbed.recording;
    redactionCount = scrubbed.redactions.length;
    bytes = renderHtml(recording, { producer: "test", redactions: scrubbed.redactions, scrubbed: true });
    file = join(dir.path, "recording.html");
    writeFileSync(file, bytes);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    dir?.cleanup();
  });

  async function open(path: string): Promise<Opened> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });

    const requests: string[] = [];
    const attempted: string[] = [];
    const refused: string[] = [];
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
      if (r.url() !== self) attempted.push(r.url());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    // Chromium reports what the file's CSP refused as a failed request that never left the page.
    page.on("requestfailed", (r) => {
      if (r.failure()?.errorText === "csp") refused.push(r.url());
    });
    await page.goto(self);
    await page.waitForSelector('#app[data-state="ready"]');
    const unrefused = () => attempted.filter((url) => !refused.includes(url));
    return { page, requests, refused, unrefused, errors };
  }

  function replayFrame(page: Page): Frame {
    const frame = page.frames().find((f) => f !== page.mainFrame());
    if (!frame) throw new Error("the player has no replay frame");
    return frame;
  }

  /** Offset in the player of a driver action, plus `after` ms for the page to react. */
  function offsetOf(seq: number, after: number): number {
    const action = session.actions.find((a) => a.seq === seq);
    if (!action) throw new Error(`no action ${seq}`);
    const first = recording.windows[0]?.events[0]?.timestamp ?? 0;
    return Date.parse(action.at) - first + after;
  }

  async function seek(page: Page, offset: number): Promise<void> {
    const slider = page.locator('[data-testid="seek"]');
    const at = Math.min(Math.round(offset), Number(await slider.getAttribute("max")));
    await slider.fill(String(at));
    await page.waitForFunction(
      (t) => Math.abs(Number(document.getElementById("app")?.dataset.time) - t) < 50,
      at,
    );
  }

  async function bodyText(page: Page): Promise<string> {
    return replayFrame(page).locator("body").innerText();
  }

  async function tab(page: Page, name: string): Promise<string[]> {
    await page.locator('[data-testid="tabs"] button', { hasText: name }).click();
    await page.waitForFunction(
      (n) => document.querySelector<HTMLElement>('[data-testid="tab-body"]')?.dataset.tab === n,
      name,
    );
    return page.locator('[data-testid="tab-body"] li').allInnerTexts();
  }

  it("opens on the first drawn frame, with the player's controls, and makes no request at all", async () => {
    const { page, requests, refused, unrefused, errors } = await open(file);
    expect(await replayFrame(page).locator("#btn-primary").count()).toBe(1);
    expect(await bodyText(page)).toContain("Welcome to the harness shop");
    expect(await page.locator('[data-testid="url-bar"]').inputValue()).toBe(session.expect.urls[0]);
    expect(await page.locator('[data-testid="tabs"] button').allTextContents()).toEqual([
      "Console",
      "Network",
      "Events",
      "Privacy",
    ]);
    for (const control of ["play", "seek", "speed", "skip-idle"])
      expect(await page.locator(`[data-testid="${control}"]`).count(), control).toBe(1);
    // Markers: the page loads, the clicks and the console error.
    expect(await page.locator('[data-testid="marker"].error').count()).toBe(1);
    expect(await page.locator('[data-testid="marker"].page').count()).toBeGreaterThanOrEqual(2);
    // One window: no switcher.
    expect(await page.locator('[data-testid="window-switcher"]').count()).toBe(0);
    // Play moves the replay forward.
    await page.locator('[data-testid="play"]').click();
    await page.waitForSelector('#app[data-state="playing"]');
    const started = Number(await page.locator("#app").getAttribute("data-time"));
    await page.waitForFunction(
      (t) => Number(document.getElementById("app")?.dataset.time) > t + 200,
      started,
    );
    await page.locator('[data-testid="play"]').click();
    await page.waitForSelector('#app[data-state="paused"]');
    expect(requests).toEqual([]);
    expect(refused).toEqual([]);
    expect(unrefused()).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("shows the page's texts at the recorded moments when seeking", async () => {
    const { page, requests, unrefused } = await open(file);
    await seek(page, offsetOf(3, -300));
    expect(await bodyText(page)).not.toContain("Clicked 2 times");
    await seek(page, offsetOf(4, 1500));
    expect(await bodyText(page)).toContain("Clicked 2 times");
    await seek(page, offsetOf(14, 500));
    expect(await bodyText(page)).toMatch(/Item 4/);
    await seek(page, offsetOf(16, 1000));
    const afterRemoves = await bodyText(page);
    expect(afterRemoves).toMatch(/Item 2/);
    expect(afterRemoves).not.toMatch(/Item 3/);
    await seek(page, offsetOf(22, 1000));
    expect(await bodyText(page)).toContain("Second page");
    expect(await page.locator('[data-testid="url-bar"]').inputValue()).toBe(session.expect.urls[1]);
    // Seeking back rebuilds the first page.
    await seek(page, offsetOf(2, 0));
    expect(await bodyText(page)).toContain("Welcome to the harness shop");
    expect(requests).toEqual([]);
    expect(unrefused()).toEqual([]);
    await page.context().close();
  });

  it("lists the console, the network requests, the PostHog events and the privacy result", async () => {
    const { page } = await open(file);
    const consoleRows = await tab(page, "Console");
    for (const message of session.expect.consoleMessages)
      expect(
        consoleRows.some((r) => r.includes(message)),
        message,
      ).toBe(true);
    expect(await page.locator('[data-testid="console-row"].level-error').allInnerTexts()).toEqual([
      expect.stringContaining("harness console error"),
    ]);
    const networkRows = await tab(page, "Network");
    for (const url of session.expect.networkRequests)
      expect(
        networkRows.some((r) => r.includes(url)),
        url,
      ).toBe(true);
    expect(networkRows.some((r) => /POST\s+201/.test(r))).toBe(true);
    const eventRows = await tab(page, "Events");
    for (const name of [...session.expect.customEvents, "$pageview"])
      expect(
        eventRows.some((r) => r.includes(name)),
        name,
      ).toBe(true);
    expect(await page.locator('[data-testid="event-row"] .name.custom').allInnerTexts()).toContain(
      "harness_note_saved",
    );
    await tab(page, "Privacy");
    expect(await page.locator('[data-testid="privacy-verdict"]').innerText()).toMatch(/^Scrubbed/);
    const logRows = await page.locator('[data-testid="redaction-log"] tbody tr').count();
    expect(logRows).toBe(redactionCount);
    // Clicking a row seeks there.
    await tab(page, "Console");
    await page.locator('[data-testid="console-row"].level-error').click();
    const error = recording.windows[0]?.events.find(
      (e) => e.type === 6 && JSON.stringify(e.data).includes("harness console error"),
    );
    const first = recording.windows[0]?.events[0]?.timestamp ?? 0;
    expect(Number(await page.locator("#app").getAttribute("data-time"))).toBe(
      (error?.timestamp ?? NaN) - first,
    );
    await page.context().close();
  });

  it("holds nothing that was masked or typed into a masked field, in the file or in its payload", async () => {
    const text = fileText(bytes);
    const { json } = payloadOf(bytes);
    for (const secret of session.expect.mustNotContain) {
      expect(text.includes(secret), secret).toBe(false);
      expect(json.includes(secret), secret).toBe(false);
    }
    // The guard: the payload is the real recording (its visible texts are there).
    for (const visible of session.expect.visibleTexts.slice(0, 2)) expect(json).toContain(visible);
    const { page } = await open(file);
    await seek(page, offsetOf(24, 1000));
    const html = await replayFrame(page).content();
    for (const secret of session.expect.mustNotContain) expect(html.includes(secret), secret).toBe(false);
    await page.context().close();
  });

  it("says how to open it when a host re-serves it as UTF-8, instead of a broken replay", async () => {
    const context = await browser.newContext();
    await context.route("http://files.test/bug.html", (route) =>
      route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: Buffer.from(bytes) }),
    );
    const page = await context.newPage();
    await page.goto("http://files.test/bug.html");
    await page.waitForSelector('#app[data-state="error"]');
    expect(await page.locator('[data-testid="load-error"]').innerText()).toMatch(
      /opened as UTF-8, not windows-1252.*download it and open the downloaded file/,
    );
    await context.close();
  });

  it("shows data: images and pinned assets with the network blocked, and switches windows", async () => {
    const pinned: PinnedAsset[] = [
      { url: "http://assets.test/logo.png", sha256: "logo", contentType: "image/png", bytes: PNG_1X1 },
      { url: "http://assets.test/bg.png", sha256: "bg", contentType: "image/png", bytes: PNG_1X1 },
    ];
    const path = join(dir.path, "images.html");
    writeFileSync(
      path,
      renderHtml(imageRecording(), { producer: "test", redactions: [], scrubbed: true, assets: pinned }),
    );
    const { page, requests, refused, unrefused, errors } = await open(path);
    const frame = replayFrame(page);
    const loaded = (selector: string) =>
      frame.locator(selector).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
    await frame.waitForFunction(() => [...document.images].every((i) => i.complete));
    expect(await loaded("#inline")).toBe(true);
    expect(await loaded("#pinned")).toBe(true);
    expect(await frame.locator("#pinned").getAttribute("src")).toMatch(/^blob:/);
    expect(await frame.locator("#unpinned").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(0);
    expect(await frame.locator("#hero").evaluate((el) => getComputedStyle(el).backgroundImage)).toMatch(
      /^url\("blob:/,
    );
    // Two windows: the switcher shows the second one.
    const switcher = page.locator('[data-testid="window-switcher"]');
    expect(await switcher.locator("option").count()).toBe(2);
    await switcher.selectOption("1");
    await page.waitForFunction(() => document.getElementById("app")?.dataset.window === "window-two");
    expect(await replayFrame(page).locator("body").innerText()).toContain("The second tab");
    // The unpinned image was refused by the file's policy inside the page, never requested.
    expect(requests).toEqual([]);
    expect(refused).toEqual(["http://elsewhere.test/gone.png"]);
    expect(unrefused()).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
