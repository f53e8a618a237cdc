import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

/** Debian's chromium, installed by tooling/ci/ensure-chromium.mjs. Never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * A plain desktop Chrome user agent. posthog-js drops every event from a browser whose UA looks
 * like a bot or headless browser (see shared/docs/POSTHOG-JS-OBSERVED.md §12), and it re-reads the
 * UA during unload, so the UA must be set on the process (--user-agent), not only per context.
 */
export const DESKTOP_CHROME_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

/**
 * Host names that resolve to 127.0.0.1 inside the launched browser only. posthog-js skips network
 * capture on `localhost`/`127.0.0.1` pages, so real-SDK tests serve the app as `app.replay.test`.
 */
export const TEST_APP_HOST = "app.replay.test";

export interface LaunchOptions {
  /** Extra host names mapped to 127.0.0.1 (TEST_APP_HOST is always mapped). */
  hosts?: string[];
  /** Extra Chromium flags. */
  args?: string[];
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  // Browser tests fail, never skip, without a browser: a green run must mean they ran.
  if (!chromiumAvailable()) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}, so this browser test cannot run. Install Debian's chromium ` +
        "with `node tooling/ci/ensure-chromium.mjs` (the test command does this), or set CHROMIUM_PATH.",
    );
  }
  const hosts = [TEST_APP_HOST, ...(options.hosts ?? [])];
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Playwright adds --enable-automation by default, which makes posthog-js treat the page as a bot.
    ignoreDefaultArgs: ["--enable-automation"],
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-quic",
      "--no-first-run",
      "--disable-sync",
      // posthog-js's bot check also returns true when navigator.webdriver is set, which headless
      // Chromium under automation does unless this Blink feature is off.
      "--disable-blink-features=AutomationControlled",
      `--user-agent=${DESKTOP_CHROME_UA}`,
      `--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1`).join(", ")}`,
      ...(options.args ?? []),
    ],
  });
}

export async function newDesktopContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ userAgent: DESKTOP_CHROME_UA, viewport: { width: 1280, height: 800 } });
}
