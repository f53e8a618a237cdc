// The inspector on a server with a token, in Chromium: a signed-out browser gets the sign-in page,
// the right token gets an HttpOnly cookie and the list, and the "Embed link" button copies a link
// with a grant that plays that one recording in a browser that never signed in.
import type { Browser } from "playwright-core";
import { launchChromium, newDesktopContext } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOMEPAGE_FIXTURE, importFile, startDevkit, type RunningDevkit } from "./harness";

const TOKEN = "inspector-token-0123456789abcdef";

describe("inspector sign-in and share links on a server with a token", () => {
  let devkit: RunningDevkit;
  let browser: Browser;
  let id: string;

  beforeAll(async () => {
    devkit = await startDevkit({ token: TOKEN });
    [id] = (await importFile(devkit.baseUrl, HOMEPAGE_FIXTURE, TOKEN)) as [string];
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await devkit?.close();
  });

  it("signs in with the token, then lists and plays recordings; the embed link works without signing in", async () => {
    const context = await newDesktopContext(browser);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const page = await context.newPage();
    const first = await page.goto(`${devkit.baseUrl}/`);
    expect(first?.status()).toBe(401);
    await page.getByLabel("Token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/not this server's token/);

    await page.getByLabel("Token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("recordings").waitFor({ timeout: 20_000 });
    // The homepage fixture is a recording of posthog.com.
    await expect
      .poll(() => page.getByTestId("recordings").textContent(), { timeout: 20_000 })
      .toContain("https://posthog.com/");
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "replay_devkit_session")?.httpOnly).toBe(true);
    expect(await page.evaluate(() => document.cookie)).not.toContain("replay_devkit_session");

    await page.goto(`${devkit.baseUrl}/recording/?id=${encodeURIComponent(id)}`);
    await page.getByTestId("share-embed").click();
    await expect.poll(() => page.getByTestId("share-embed").textContent()).toBe("Copied");
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/\/embed\/\?id=.+&grant=v1\./);
    await context.close();

    // A browser that never signed in: the link plays, the rest stays closed.
    const stranger = await newDesktopContext(browser);
    const shared = await stranger.newPage();
    await shared.goto(link);
    await shared.waitForFunction(
      () => {
        const frame = document.querySelector<HTMLIFrameElement>('[data-testid="player-root"] iframe');
        return !!frame?.contentDocument?.body && frame.contentDocument.body.childElementCount > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    const list = await stranger.request.get(`${devkit.baseUrl}/api/recordings`);
    expect(list.status()).toBe(401);
    const other = await shared.goto(`${devkit.baseUrl}/recording/?id=${encodeURIComponent(id)}`);
    expect(other?.status()).toBe(401);
    await stranger.close();
  });
});
