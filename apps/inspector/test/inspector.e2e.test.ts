// The built inspector (out/) served by the real devkit server, driven in headless Chromium.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openStore } from "@replay-devkit/store";
import { launchChromium, newDesktopContext } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevkit, SessionFacts } from "./harness";
import {
  HOMEPAGE_FIXTURE,
  RESULTS_DIR,
  importFile,
  postCaptureRun,
  postTwoTabSession,
  sessionFacts,
  startDevkit,
} from "./harness";

interface ApiRecording {
  id: string;
  distinctId: string | null;
  durationMs: number;
  clickCount: number;
  keypressCount: number;
  consoleErrorCount: number;
  firstUrl: string | null;
  windowIds: string[];
}

describe("inspector in Chromium against the devkit server", () => {
  let devkit: RunningDevkit;
  let browser: Browser;
  let context: BrowserContext;
  let sessionA: SessionFacts;
  let homepageId: string;
  const pageErrors: string[] = [];

  const apiRecording = async (id: string): Promise<ApiRecording> => {
    const res = await fetch(`${devkit.baseUrl}/api/recordings/${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { recording?: ApiRecording } & ApiRecording;
    return body.recording ?? body;
  };

  const open = async (path: string): Promise<Page> => {
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(`${path}: ${e.message}`));
    await page.goto(`${devkit.baseUrl}${path}`);
    return page;
  };

  const offsetOf = async (page: Page): Promise<number> =>
    Number(await page.getByTestId("time").getAttribute("data-offset"));

  const waitForPlayer = async (page: Page) => {
    await page.getByTestId("play-toggle").and(page.locator(":enabled")).waitFor({ timeout: 30_000 });
    // The first full snapshot has been drawn into rrweb's iframe.
    await page.waitForFunction(
      () => {
        const frame = document.querySelector<HTMLIFrameElement>('[data-testid="player-root"] iframe');
        return !!frame?.contentDocument?.body && frame.contentDocument.body.childElementCount > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
  };

  beforeAll(async () => {
    devkit = await startDevkit();
    sessionA = sessionFacts("A");
    await postCaptureRun(devkit.baseUrl, "A");
    const imported = await importFile(devkit.baseUrl, HOMEPAGE_FIXTURE);
    expect(imported).toHaveLength(1);
    homepageId = imported[0]!;
    browser = await launchChromium();
    context = await newDesktopContext(browser);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  });

  afterAll(async () => {
    await browser?.close();
    await devkit?.close();
  });

  it("shows the posthog-js snippet for this server when the store is empty", async () => {
    const empty = await startDevkit();
    try {
      const page = await context.newPage();
      await page.goto(`${empty.baseUrl}/`);
      const state = page.getByTestId("empty-state");
      await state.waitFor();
      const text = (await state.textContent()) ?? "";
      expect(text).toContain(`api_host: "${empty.baseUrl}"`);
      expect(text).toContain(`${empty.baseUrl}/static/array.full.js`);
      expect(text).toContain("opt_out_useragent_filter");
      expect(text).toMatch(/localhost disables network capture/i);
      expect(text).toMatch(/before the first interaction/i);
      await page.screenshot({ path: join(RESULTS_DIR, "empty.png"), fullPage: true });
      await page.close();
    } finally {
      await empty.close();
    }
  });

  it("shows the capture doctor's findings above an empty list, and only errors once recordings exist", async () => {
    const fresh = await startDevkit();
    try {
      const headless =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";
      const desktop =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
      // What posthog-js's first request looks like from a headless browser, and from a normal
      // browser, both on localhost pages.
      for (const [ua, origin] of [
        [headless, "http://localhost:3000"],
        [desktop, "http://localhost:4000"],
      ] as const) {
        const res = await fetch(`${fresh.baseUrl}/array/phc_e2e/config.js`, {
          headers: { "user-agent": ua, origin },
        });
        expect(res.status).toBe(200);
      }
      const page = await context.newPage();
      await page.goto(`${fresh.baseUrl}/`);
      const panel = page.getByTestId("doctor");
      await panel.waitFor();
      await page.getByTestId("empty-state").waitFor();
      const bot = panel.locator('[data-code="BOT_USER_AGENT"]');
      await expect.poll(() => bot.textContent()).toMatch(/looks like a bot.*opt_out_useragent_filter/);
      await expect.poll(() => panel.textContent()).toContain("http://localhost:3000 (HeadlessChrome 156)");
      await expect.poll(() => panel.textContent()).toContain("http://localhost:4000 (Chrome 156)");
      await expect.poll(() => panel.locator('[data-code="LOCALHOST_NO_NETWORK"]').count()).toBe(2);
      await page.screenshot({ path: join(RESULTS_DIR, "doctor-empty.png"), fullPage: true });

      // With recordings listed, only the client with an error stays (the live update refreshes it).
      await postCaptureRun(fresh.baseUrl, "A");
      await page.getByTestId("recordings").waitFor();
      await expect.poll(() => panel.textContent()).not.toContain("http://localhost:4000");
      expect(await panel.textContent()).toContain("http://localhost:3000 (HeadlessChrome 156)");
      await page.close();
    } finally {
      await fresh.close();
    }
  });

  it("lists the recordings with their metadata", async () => {
    const page = await open("/");
    const rowA = page.locator(`tr[data-recording-id="${sessionA.sessionId}"]`);
    await rowA.waitFor();
    const meta = await apiRecording(sessionA.sessionId);
    expect(meta.distinctId).toBe(sessionA.distinctId);
    expect(meta.consoleErrorCount).toBeGreaterThanOrEqual(1);
    await expect.poll(() => rowA.locator('[data-col="distinct"]').textContent()).toBe(sessionA.distinctId);
    expect(await rowA.locator('[data-col="clicks"]').textContent()).toBe(String(meta.clickCount));
    expect(await rowA.locator('[data-col="keys"]').textContent()).toBe(String(meta.keypressCount));
    expect(await rowA.locator('[data-col="errors"]').textContent()).toBe(String(meta.consoleErrorCount));
    expect(await rowA.locator('[data-col="url"]').textContent()).toContain("app.harness.test");
    // The imported public recording is about 224 s long.
    const rowHome = page.locator(`tr[data-recording-id="${homepageId}"]`);
    expect(await rowHome.locator('[data-col="url"]').textContent()).toBe("https://posthog.com/");
    expect(await rowHome.locator('[data-col="duration"]').textContent()).toMatch(/^3:4\d$/);
    expect(await page.getByTestId("range").textContent()).toContain("of 2");

    // Filters go to the server: only session A has console errors.
    await page.locator('input[name="hasErrors"]').check();
    await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
    expect(await page.locator("tbody tr").getAttribute("data-recording-id")).toBe(sessionA.sessionId);
    await page.locator('input[name="hasErrors"]').uncheck();
    await page.locator('input[name="url"]').fill("posthog.com");
    await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
    expect(await page.locator("tbody tr").getAttribute("data-recording-id")).toBe(homepageId);
    await page.locator('input[name="url"]').fill("");

    // Live: a recording captured while the list is open appears without a reload.
    await expect.poll(() => page.getByTestId("live").textContent()).toContain("live");
    const sessionB = sessionFacts("B");
    await postCaptureRun(devkit.baseUrl, "B");
    await page.locator(`tr[data-recording-id="${sessionB.sessionId}"]`).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(RESULTS_DIR, "list.png"), fullPage: true });
    await page.close();
  });

  it("plays, seeks and honours a ?t= deep link", async () => {
    const meta = await apiRecording(homepageId);
    const page = await open(`/recording/?id=${encodeURIComponent(homepageId)}&t=60000`);
    await waitForPlayer(page);
    expect(await offsetOf(page)).toBe(60_000);

    // Never allow-scripts: recorded pages must not run code in the inspector.
    const sandbox = await page.locator('[data-testid="player-root"] iframe').getAttribute("sandbox");
    expect(sandbox).toBe("allow-same-origin");

    await page.getByTestId("play-toggle").click();
    await expect.poll(() => offsetOf(page), { timeout: 15_000 }).toBeGreaterThan(61_000);
    await page.getByTestId("play-toggle").click();
    await page.waitForTimeout(200);
    const paused = await offsetOf(page);
    await page.waitForTimeout(600);
    expect(Math.abs((await offsetOf(page)) - paused)).toBeLessThan(150);

    // Seek by clicking three quarters along the timeline.
    const box = (await page.getByTestId("timeline").boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
    await expect.poll(() => offsetOf(page)).toBeGreaterThan(meta.durationMs * 0.7);
    expect(await offsetOf(page)).toBeLessThan(meta.durationMs * 0.8);

    // Keyboard: left arrow goes back 5 s; 4 picks 8x.
    const before = await offsetOf(page);
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => offsetOf(page)).toBeLessThanOrEqual(before - 4_900);
    await page.keyboard.press("4");
    expect(await page.getByTestId("speed-8").getAttribute("class")).toContain("active");

    // The share link points at this moment and opens there.
    const here = await offsetOf(page);
    await page.getByTestId("share").click();
    const link = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(link.searchParams.get("id")).toBe(homepageId);
    expect(Math.abs(Number(link.searchParams.get("t")) - here)).toBeLessThan(1000);
    const shared = await context.newPage();
    await shared.goto(link.toString());
    await waitForPlayer(shared);
    expect(Math.abs((await offsetOf(shared)) - here)).toBeLessThan(1000);
    await shared.close();
    await page.screenshot({ path: join(RESULTS_DIR, "player.png") });
    await page.close();
  });

  it("shows the recorded console error, the POST with its body, and finds a recorded element", async () => {
    const page = await open(`/recording/?id=${encodeURIComponent(sessionA.sessionId)}`);
    await waitForPlayer(page);

    const errorRow = page.locator('[data-testid="console-pane"] [data-level="error"]', {
      hasText: "harness console error",
    });
    await errorRow.first().waitFor();
    expect(await errorRow.first().textContent()).toContain("Error: harness boom");
    await errorRow.first().click();
    // Clicking a row seeks the player to it.
    const meta = await apiRecording(sessionA.sessionId);
    await expect.poll(() => offsetOf(page)).toBeGreaterThan(1000);
    expect(await offsetOf(page)).toBeLessThan(meta.durationMs);
    await page.getByText("Stack trace").waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, "console.png") });

    await page.getByTestId("tab-network").click();
    const post = page.locator('[data-testid="network-pane"] [data-method="POST"][data-url$="/api/items"]');
    await post.first().click();
    const body = page.getByTestId("request-body");
    await body.waitFor();
    expect(JSON.parse((await body.textContent())!)).toEqual({ name: "widget", qty: 3 });
    expect(await page.getByTestId("network-details").textContent()).toContain("x-harness");
    expect(await page.getByTestId("response-body").textContent()).toContain('"widget"');
    await page.screenshot({ path: join(RESULTS_DIR, "network.png") });

    await page.getByTestId("tab-dom").click();
    await page.getByTestId("dom-query").fill("#btn-primary");
    await page.getByTestId("dom-find").click();
    await expect.poll(() => page.getByTestId("dom-selector").textContent()).toBe("#btn-primary");
    expect(await page.getByTestId("dom-selected").textContent()).toContain("Primary action");
    const highlight = await page.getByTestId("dom-highlight").boundingBox();
    expect(highlight!.width).toBeGreaterThan(10);
    await page.getByTestId("copy-selector").click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("#btn-primary");

    // An element without an id gets a selector that finds exactly it in the replayed page.
    await page.locator('.tree .node[data-tag="div"]', { hasText: 'class="zone"' }).nth(1).click();
    const selector = (await page.getByTestId("dom-selector").textContent())!;
    expect(selector).toMatch(/div\.zone/);
    const matches = await page.evaluate((sel) => {
      const doc = document.querySelector<HTMLIFrameElement>(
        '[data-testid="player-root"] iframe',
      )!.contentDocument!;
      const found = doc.querySelectorAll(sel);
      const zones = Array.from(doc.querySelectorAll("div.zone"));
      return { count: found.length, index: found[0] ? zones.indexOf(found[0]) : -1 };
    }, selector);
    expect(matches).toEqual({ count: 1, index: 1 });
    await page.screenshot({ path: join(RESULTS_DIR, "dom.png") });

    await page.getByTestId("tab-events").click();
    await page.locator('[data-testid="events-pane"] [data-event="harness_note_saved"]').waitFor();
    await page.getByTestId("tab-privacy").click();
    await page.getByTestId("findings-pane").waitFor();
    await page.close();
  });

  it("shows the app's server logs beside the replay, highlights the one at the playhead and seeks on click", async () => {
    const meta = await apiRecording(homepageId);
    const start = Date.parse((meta as unknown as { startTime: string }).startTime);
    let page = await open(`/recording/?id=${encodeURIComponent(homepageId)}`);
    await waitForPlayer(page);
    await page.getByTestId("tab-logs").click();
    // Before any lines: the pane says how to get them.
    const empty = page.getByTestId("logs-empty");
    await empty.waitFor();
    expect(await empty.textContent()).toContain("replay-devkit dev -- npm run dev");
    await page.close();

    // What `dev -- <command>` writes, through a second connection to the same file. The fixture was
    // recorded years ago, so this writer keeps old lines (the default keeps 24 hours).
    const writer = openStore(join(devkit.dir.path, "devkit.db"), {
      appLogs: { maxAgeMs: 100 * 365 * 86_400_000 },
    });
    try {
      writer.appendAppLogs([
        { timestamp: start - 2000, stream: "stdout", text: "ready - started server on 0.0.0.0:3000" },
        { timestamp: start + 5000, stream: "stdout", text: "GET /cart 200 in 12ms" },
        { timestamp: start + 20_000, stream: "stderr", text: "Error: payment provider timed out" },
        { timestamp: start + 40_000, stream: "stdout", text: "POST /api/checkout 500 in 3012ms" },
        { timestamp: start - 3_600_000, stream: "stdout", text: "an hour before: not this recording's" },
      ]);
    } finally {
      writer.close();
    }

    page = await open(`/recording/?id=${encodeURIComponent(homepageId)}`);
    await waitForPlayer(page);
    await page.getByTestId("tab-logs").click();
    const rows = page.locator('[data-testid="logs-pane"] .row');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await page.getByTestId("tab-logs").textContent()).toContain("(4)");
    expect(await rows.first().textContent()).toContain("-0:02");
    expect(await rows.nth(2).textContent()).toContain("0:20");

    // Clicking the stderr line seeks the player to it, and that line becomes the current one.
    const errorRow = page.locator('[data-testid="logs-pane"] [data-stream="stderr"]');
    await errorRow.click();
    await expect.poll(() => offsetOf(page)).toBeGreaterThanOrEqual(19_900);
    expect(await offsetOf(page)).toBeLessThan(21_000);
    await expect.poll(() => errorRow.getAttribute("class")).toContain("current");
    expect(await rows.nth(3).getAttribute("class")).toContain("future");
    // A line before the first event seeks to the start.
    await rows.first().click();
    await expect.poll(() => offsetOf(page)).toBeLessThan(500);

    // Filters: by stream and by text.
    await page.getByLabel("Stream").selectOption("stderr");
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel("Stream").selectOption("all");
    await page.getByLabel("Search server logs").fill("500 in");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("POST /api/checkout 500");
    await page.screenshot({ path: join(RESULTS_DIR, "server-logs.png") });
    await page.close();
  });

  it("exports a recording, deletes it and imports the download again", async () => {
    const page = await open(`/recording/?id=${encodeURIComponent(homepageId)}`);
    await waitForPlayer(page);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("export").selectOption("posthog"),
    ]);
    const file = join(devkit.dir.path, "export.json");
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, "utf8")) as { version?: string; data?: unknown };
    expect(exported.version).toBeTruthy();
    // The offline HTML player comes from the same menu, as a file named for the recording.
    const [html] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("export").selectOption("html"),
    ]);
    expect(html.suggestedFilename()).toMatch(/\.replay\.html$/);
    const htmlFile = join(devkit.dir.path, "export.html");
    await html.saveAs(htmlFile);
    expect(readFileSync(htmlFile, "latin1")).toMatch(/^<!doctype html>[\s\S]*Content-Security-Policy/);

    page.once("dialog", (d) => void d.accept());
    await Promise.all([
      page.waitForURL((url) => !url.pathname.includes("recording")),
      page.getByTestId("delete").click(),
    ]);
    expect((await fetch(`${devkit.baseUrl}/api/recordings/${encodeURIComponent(homepageId)}`)).status).toBe(
      404,
    );

    await page.locator(`tr[data-recording-id]`).first().waitFor();
    expect(await page.locator(`tr[data-recording-id="${homepageId}"]`).count()).toBe(0);
    // A truncated file is refused with the server's explanation, and nothing is imported.
    const truncated = join(devkit.dir.path, "truncated.json");
    writeFileSync(truncated, readFileSync(file).subarray(0, 5000));
    await page.getByTestId("import-input").setInputFiles(truncated);
    const refused = page.getByTestId("import-error");
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toMatch(/^truncated\.json: .{10,}/);
    expect(await page.locator(`tr[data-recording-id="${homepageId}"]`).count()).toBe(0);

    await page.getByTestId("import-input").setInputFiles(file);
    await page.getByTestId("import-ok").waitFor({ timeout: 30_000 });
    await page.locator(`tr[data-recording-id="${homepageId}"]`).waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, "reimported.png") });
    await page.close();
  });

  it("seeks from in-browser checkpoints to exactly the page rrweb's own seek shows", async () => {
    const stateAt = async (checkpoints: boolean, fraction: number) => {
      // "always": this recording is short enough that the cost model would rightly prefer rrweb's seek.
      const page = await open(
        `/recording/?id=${encodeURIComponent(homepageId)}&checkpoints=${checkpoints ? "always" : "0"}`,
      );
      await waitForPlayer(page);
      await page.getByTestId("loading-more").waitFor({ state: "detached" });
      const time = page.getByTestId("time");
      if (checkpoints) expect(Number(await time.getAttribute("data-checkpoints"))).toBeGreaterThanOrEqual(2);
      const box = (await page.getByTestId("timeline").boundingBox())!;
      await page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
      await expect
        .poll(() => time.getAttribute("data-seek-from"))
        .toBe(checkpoints ? "checkpoint" : "events");
      await page.waitForTimeout(300);
      const state = await page.evaluate(() => {
        const frame = document.querySelector<HTMLIFrameElement>('[data-testid="player-root"] iframe')!;
        return {
          html: frame.contentDocument!.documentElement.outerHTML,
          scrollY: frame.contentWindow!.scrollY,
        };
      });
      const offset = await offsetOf(page);
      if (fraction > 0.9)
        await page.screenshot({
          path: join(RESULTS_DIR, `seek-${checkpoints ? "checkpoint" : "rrweb"}.png`),
        });
      await page.close();
      return { ...state, offset };
    };
    // A deep link far into the recording opens straight on a checkpoint, showing the same page.
    const deepLink = async (mode: string) => {
      const page = await open(
        `/recording/?id=${encodeURIComponent(homepageId)}&t=200000&checkpoints=${mode}`,
      );
      await waitForPlayer(page);
      const from = await page.getByTestId("time").getAttribute("data-seek-from");
      const html = await page.evaluate(
        () =>
          document.querySelector<HTMLIFrameElement>('[data-testid="player-root"] iframe')!.contentDocument!
            .documentElement.outerHTML,
      );
      const offset = await offsetOf(page);
      await page.close();
      return { from, html, offset };
    };
    const linkedCheckpoint = await deepLink("always");
    const linkedEvents = await deepLink("0");
    expect([linkedCheckpoint.from, linkedEvents.from]).toEqual(["checkpoint", "events"]);
    expect([linkedCheckpoint.offset, linkedEvents.offset]).toEqual([200_000, 200_000]);
    expect(linkedCheckpoint.html).toBe(linkedEvents.html);

    for (const fraction of [0.6, 0.97]) {
      const fromCheckpoint = await stateAt(true, fraction);
      const fromEvents = await stateAt(false, fraction);
      expect(fromCheckpoint.offset).toBe(fromEvents.offset);
      expect(fromCheckpoint.scrollY).toBe(fromEvents.scrollY);
      expect(fromCheckpoint.html.length).toBeGreaterThan(10_000);
      expect(fromCheckpoint.html).toBe(fromEvents.html);
    }
  });

  it("plays one tab at a time and switches between them", async () => {
    await postTwoTabSession(devkit.baseUrl, "two-tabs");
    const page = await open("/recording/?id=two-tabs");
    await waitForPlayer(page);
    const frameWidth = () => page.locator('[data-testid="player-root"] iframe').getAttribute("width");
    const buttons = page.getByTestId("windows").locator("button");
    expect(await buttons.count()).toBe(2);
    // Tab 1 is the 1853 px wide desktop docs page.
    await expect.poll(frameWidth).toBe("1853");
    await buttons.nth(1).click();
    await waitForPlayer(page);
    // Tab 2 is the 390 px wide mobile recording, in its own player.
    await expect.poll(frameWidth).toBe("390");
    expect(await page.locator('[data-testid="player-root"] iframe').count()).toBe(1);
    expect(await buttons.nth(1).getAttribute("class")).toContain("active");
    await page.screenshot({ path: join(RESULTS_DIR, "two-tabs.png") });
    await page.close();
  });

  it("plays in the embed view", async () => {
    const page = await open(`/embed/?id=${encodeURIComponent(homepageId)}&t=5000`);
    await waitForPlayer(page);
    expect(await page.locator(".topbar").count()).toBe(0);
    await expect.poll(() => offsetOf(page), { timeout: 15_000 }).toBeGreaterThan(6_000);
    await page.screenshot({ path: join(RESULTS_DIR, "embed.png") });
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it("sorts every list column on the server, across pages", async () => {
    // More recordings than one page (25 rows), with values that do not follow start order.
    const base = Date.UTC(2026, 2, 1);
    for (let i = 0; i < 28; i++) {
      const start = base + i * 60_000;
      const events = [
        {
          type: 4,
          timestamp: start,
          data: { href: `https://sort.test/${(i * 5) % 28}`, width: 800, height: 600 },
        },
        {
          type: 2,
          timestamp: start + 1,
          data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { top: 0, left: 0 } },
        },
        ...Array.from({ length: (i * 7) % 11 }, (_, c) => ({
          type: 3,
          timestamp: start + 10 + c,
          data: { source: 2, type: 2, id: 1, x: 1, y: 1 },
        })),
        { type: 3, timestamp: start + 1000 * ((i * 3) % 8), data: { source: 1, positions: [] } },
      ];
      const res = await fetch(
        `${devkit.baseUrl}/api/rrweb/sort-${i}?window=w&distinctId=${encodeURIComponent(`Sorter-${(i * 11) % 28}`)}`,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(events) },
      );
      expect(res.status).toBeLessThan(300);
    }
    const listed = async (query: string) =>
      (
        (await (await fetch(`${devkit.baseUrl}/api/recordings?${query}`)).json()) as {
          recordings: { id: string; clickCount: number }[];
          total: number;
        }
      ).recordings;
    const everything = await listed("limit=1000");
    expect(everything.length).toBeGreaterThan(25);

    const page = await open("/");
    await page.locator("tbody tr").first().waitFor();
    const shown = () =>
      page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-recording-id")));
    const columns: [label: string, key: string][] = [
      ["Start", "startTime"],
      ["Duration", "durationMs"],
      ["Active", "activeMs"],
      ["First URL", "firstUrl"],
      ["Distinct id", "distinctId"],
      ["Clicks", "clickCount"],
      ["Keys", "keypressCount"],
      ["Errors", "consoleErrorCount"],
      ["Size", "sizeBytes"],
    ];
    for (const [label, key] of columns) {
      const header = page.locator("thead th").filter({ hasText: new RegExp(`^${label}`) });
      // The list starts on Start, newest first, so its first click flips it to ascending.
      for (const order of label === "Start" ? ["asc", "desc"] : ["desc", "asc"]) {
        const [request] = await Promise.all([
          page.waitForRequest((r) => new URL(r.url()).pathname === "/api/recordings"),
          header.click(),
        ]);
        const params = new URL(request.url()).searchParams;
        expect(params.get("sort"), label).toBe(`${key}:${order}`);
        expect(params.get("offset")).toBe("0");
        // The rows are the server's first page in that order, not a re-sort of some other page.
        const expected = (await listed(`sort=${key}:${order}&limit=25`)).map((r) => r.id);
        await expect.poll(shown, { message: `${label} ${order}` }).toEqual(expected);
      }
    }

    // Most clicks first: the top row holds the most clicks of all recordings, on any page.
    const clicks = page.locator("thead th").filter({ hasText: /^Clicks/ });
    await clicks.click();
    await expect.poll(() => clicks.getAttribute("aria-sort")).toBe("descending");
    const most = Math.max(...everything.map((r) => r.clickCount));
    await expect
      .poll(() => page.locator('tbody tr [data-col="clicks"]').first().textContent())
      .toBe(String(most));
    // The next page continues the same server order.
    const [next] = await Promise.all([
      page.waitForRequest((r) => new URL(r.url()).searchParams.get("offset") === "25"),
      page.getByRole("button", { name: /Next/ }).click(),
    ]);
    expect(new URL(next.url()).searchParams.get("sort")).toBe("clickCount:desc");
    const rest = (await listed("sort=clickCount:desc&limit=25&offset=25")).map((r) => r.id);
    await expect.poll(shown).toEqual(rest);
    await page.screenshot({ path: join(RESULTS_DIR, "list-sorted.png"), fullPage: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
