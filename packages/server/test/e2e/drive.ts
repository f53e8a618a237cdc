import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Browser, Page } from "playwright-core";
import { newDesktopContext } from "@replay-devkit/test-utils";
import type { AppServer } from "./app-server.js";

/** What the scripted user did, so the test can compare it with what the devkit stored. */
export interface DrivenSession {
  sessionId: string;
  distinctId: string;
  firstUrl: string;
  secondUrl: string;
  /** Real mouse clicks on page elements (each one a rrweb Click). */
  clicks: number;
  /** Characters typed into inputs rrweb records (one Input event per keystroke). */
  typedChars: number;
  /** Values typed by the user that must never reach the devkit in clear. */
  typedSecrets: { password: string; name: string; notes: string };
  /** `<status> <url>` of every response the page got from `apiHost` (beacons are not visible here). */
  devkitResponses: string[];
}

const NAME = "hello e2e name";
const PASSWORD = "s3cret-e2e-pw!";
const NOTES = "notes typed on page two";

// posthog-js needs the remote config (from the devkit) before it records; give a slow shared
// machine room, but fail with a reason instead of hanging.
const RECORDING_START_TIMEOUT_MS = 30_000;

/**
 * Runs the scripted session in a fresh browser context: page one (clicks, typing, console,
 * fetches, DOM changes, scroll), a full navigation to page two (typing, a custom event), then
 * leaving the site for a page without posthog so the SDK flushes with sendBeacon on pagehide.
 */
export async function driveSession(
  browser: Browser,
  app: AppServer,
  options: {
    /** The devkit's origin, to log which of its URLs the page loaded (static scripts, config). */
    apiHost: string;
    screenshotPath: string;
    /** Runs while still on page one, e.g. to wait for the first regular (fetch) upload. */
    afterPageOne?: (session: { sessionId: string; clicks: number }) => Promise<void>;
  },
): Promise<DrivenSession> {
  mkdirSync(dirname(options.screenshotPath), { recursive: true });
  const context = await newDesktopContext(browser);
  const pageErrors: string[] = [];
  let openPage: Page | undefined;
  try {
    const page = await context.newPage();
    openPage = page;
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const devkitResponses: string[] = [];
    page.on("response", (response) => {
      if (response.url().startsWith(`${options.apiHost}/`)) {
        devkitResponses.push(`${response.status()} ${response.url().slice(options.apiHost.length)}`);
      }
    });
    let clicks = 0;
    const click = async (selector: string) => {
      await page.locator(selector).click();
      clicks += 1;
    };
    const type = async (selector: string, text: string) => {
      await click(selector);
      await page.locator(selector).pressSequentially(text, { delay: 15 });
    };

    const firstUrl = `${app.origin}/`;
    const secondUrl = `${app.origin}/second.html`;
    await page.goto(firstUrl);
    await waitForRecording(page, "page one", pageErrors);
    const sessionId = await readString(page, "window.posthog.get_session_id()");
    const distinctId = await readString(page, "window.posthog.get_distinct_id()");

    await page.mouse.move(200, 150);
    await page.mouse.move(260, 180, { steps: 5 });
    await click("#btn-count");
    await click("#btn-count");
    await click("#btn-count");
    await type("#name", NAME);
    await type("#password", PASSWORD);
    await click("#btn-console");
    await click("#btn-fetch");
    await page.locator("#fetch-status").filter({ hasText: "saved" }).waitFor({ timeout: 10_000 });
    await click("#btn-items");
    await page.locator("#items li", { hasText: "Item 3" }).waitFor();
    await page.screenshot({ path: options.screenshotPath, fullPage: false });
    await page.mouse.wheel(0, 600);
    await page.waitForFunction("window.scrollY > 0");
    await options.afterPageOne?.({ sessionId, clicks });

    await Promise.all([page.waitForURL(secondUrl), click("#to-second")]);
    await waitForRecording(page, "page two", pageErrors);
    const sessionOnPageTwo = await readString(page, "window.posthog.get_session_id()");
    if (sessionOnPageTwo !== sessionId) {
      throw new Error(
        `posthog-js started a new session on page two (${sessionOnPageTwo} after ${sessionId})`,
      );
    }
    await page.mouse.move(300, 200, { steps: 4 });
    await type("#notes", NOTES);
    await click("#btn-save");
    await page.locator("#save-status").filter({ hasText: "saved" }).waitFor();

    await Promise.all([page.waitForURL(`${app.origin}/bye.html`), click("#to-bye")]);

    return {
      sessionId,
      distinctId,
      firstUrl,
      secondUrl,
      clicks,
      typedChars: NAME.length + PASSWORD.length + NOTES.length,
      typedSecrets: { password: PASSWORD, name: NAME, notes: NOTES },
      devkitResponses,
    };
  } catch (error) {
    // Where the scripted user got stuck, kept next to the regular screenshot for CI artifacts.
    await openPage
      ?.screenshot({ path: options.screenshotPath.replace(/\.png$/, "-failure.png") })
      .catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
}

async function waitForRecording(page: Page, where: string, pageErrors: string[]): Promise<void> {
  try {
    await page.waitForFunction(
      "!!(window.posthog && window.posthog.__loaded && window.posthog.sessionRecordingStarted())",
      undefined,
      { timeout: RECORDING_START_TIMEOUT_MS, polling: 100 },
    );
  } catch (error) {
    const state = await page
      .evaluate(
        `JSON.stringify({ loaded: !!(window.posthog && window.posthog.__loaded),
          status: window.posthog && window.posthog.sessionRecording ? window.posthog.sessionRecording.status : null })`,
      )
      .catch(() => "unknown");
    throw new Error(
      `posthog-js did not start recording on ${where} within ${RECORDING_START_TIMEOUT_MS} ms ` +
        `(SDK state ${String(state)}, page errors ${JSON.stringify(pageErrors)}). The devkit must answer ` +
        "the SDK's config request with sessionRecording on (/array/<token>/config.js; /flags/?config=true " +
        "for about 1.200-1.349; /decide/ before that) and serve the recorder it lazy-loads from /static/.",
      { cause: error },
    );
  }
}

async function readString(page: Page, expression: string): Promise<string> {
  const value: unknown = await page.evaluate(expression);
  if (typeof value !== "string" || value === "") {
    throw new Error(`${expression} returned ${JSON.stringify(value)}, expected a non-empty string`);
  }
  return value;
}
