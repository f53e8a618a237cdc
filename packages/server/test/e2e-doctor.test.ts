// The capture doctor against the real posthog-js 1.449.2 in Debian Chromium: the two silent stops
// developers hit most (a headless user agent, a page on 127.0.0.1) must each be named, and the
// normal harness run (app.replay.test, desktop UA) must come out clean (e2e-posthog.test.ts).
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@replay-devkit/store";
import { TEST_APP_HOST, newDesktopContext, tempDir, type TempDir } from "@replay-devkit/test-utils";
import type { DoctorReport } from "@replay-devkit/api";
import { createHandler, listen, type Listening } from "../src/index.js";
import { DevkitApi, pollUntil } from "./e2e/api.js";
import { LATEST_SDK, startAppServer, type AppServer } from "./e2e/app-server.js";
import { launchE2eBrowser } from "./e2e/session.js";

/** What Playwright's bundled headless shell reports unless told otherwise. */
const HEADLESS_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";
const CASE_TIMEOUT_MS = 90_000;

interface Devkit {
  api: DevkitApi;
  store: Store;
  close(): Promise<void>;
}

async function startDevkit(dir: TempDir, name: string): Promise<Devkit> {
  const store = openStore(join(dir.path, `${name}.sqlite`));
  let server: Listening;
  try {
    server = await listen(
      createHandler({
        store,
        staticDirs: { posthogJs: LATEST_SDK.dist },
        version: "0.0.0-e2e",
        captureDir: null,
        doctor: { recordingGraceMs: 5_000 },
      }),
      { port: 0, host: "127.0.0.1", handleSignals: false },
    );
  } catch (error) {
    store.close();
    throw error;
  }
  return {
    api: new DevkitApi(`http://127.0.0.1:${server.port}`),
    store,
    close: async () => {
      await server.close();
      store.close();
    },
  };
}

async function doctorReport(api: DevkitApi): Promise<DoctorReport> {
  const { status, body } = await api.getJson("/api/doctor");
  expect(status).toBe(200);
  return body as DoctorReport;
}

describe("capture doctor with real posthog-js in Chromium", () => {
  let browser: Browser | undefined;
  let dir: TempDir;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-e2e-doctor-");
    browser = await launchE2eBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    dir?.cleanup();
  });

  async function withPage(
    context: BrowserContext,
    app: AppServer,
    act: (page: Awaited<ReturnType<BrowserContext["newPage"]>>) => Promise<void>,
  ): Promise<void> {
    try {
      const page = await context.newPage();
      await page.goto(`${app.origin}/`);
      await act(page);
    } finally {
      await context.close();
    }
  }

  it(
    "names a headless user agent, and nothing is recorded",
    async () => {
      if (!browser) throw new Error("Chromium did not launch");
      const devkit = await startDevkit(dir, "headless");
      const app = await startAppServer({
        variant: "bundle",
        apiHost: devkit.api.baseUrl,
        host: TEST_APP_HOST,
      });
      try {
        const context = await browser.newContext({ userAgent: HEADLESS_UA });
        await withPage(context, app, async (page) => {
          await page.waitForFunction("!!(window.posthog && window.posthog.__loaded)", undefined, {
            timeout: 30_000,
          });
          for (let i = 0; i < 3; i++) await page.locator("#btn-count").click();
          await page.locator("#name").pressSequentially("typed by a bot", { delay: 10 });
          const report = await pollUntil(
            "the doctor to name the headless user agent",
            () => doctorReport(devkit.api),
            (r) =>
              r.clients.some((c) => c.findings.some((f) => f.code === "BOT_USER_AGENT"))
                ? []
                : ["no BOT_USER_AGENT finding yet"],
            30_000,
          );
          const client = report.clients.find((c) => c.findings.some((f) => f.code === "BOT_USER_AGENT"))!;
          expect(client.origin).toBe(app.origin);
          expect(client.browser).toBe("HeadlessChrome 156");
          const finding = client.findings.find((f) => f.code === "BOT_USER_AGENT")!;
          expect(finding.severity).toBe("error");
          expect(finding.fix).toContain("opt_out_useragent_filter");
          // Long enough for the SDK's 3 s flush of the clicks and keys above, had it sent any.
          await page.waitForTimeout(4_000);
        });
        expect(devkit.store.listRecordings({}).total).toBe(0);
        const after = await doctorReport(devkit.api);
        expect(after.clients.flatMap((c) => c.findings.map((f) => f.code))).not.toContain("RECORDING_OK");
      } finally {
        await app.close();
        await devkit.close();
      }
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "records a page served from 127.0.0.1 but names the network capture it loses",
    async () => {
      if (!browser) throw new Error("Chromium did not launch");
      const devkit = await startDevkit(dir, "loopback");
      const app = await startAppServer({ variant: "bundle", apiHost: devkit.api.baseUrl, host: "127.0.0.1" });
      try {
        const context = await newDesktopContext(browser);
        await withPage(context, app, async (page) => {
          await page.waitForFunction(
            "!!(window.posthog && window.posthog.__loaded && window.posthog.sessionRecordingStarted())",
            undefined,
            { timeout: 30_000, polling: 100 },
          );
          await page.mouse.move(200, 150, { steps: 3 });
          for (let i = 0; i < 2; i++) await page.locator("#btn-count").click();
          await page.locator("#btn-fetch").click();
          await page.locator("#fetch-status").filter({ hasText: "saved" }).waitFor({ timeout: 10_000 });
          const report = await pollUntil(
            "a recording and the localhost finding",
            () => doctorReport(devkit.api),
            (r) => {
              const codes: string[] = r.clients.flatMap((c) => c.findings.map((f) => f.code));
              return ["RECORDING_OK", "LOCALHOST_NO_NETWORK"].filter((c) => !codes.includes(c));
            },
            30_000,
          );
          expect(report.clients).toHaveLength(1);
          const client = report.clients[0]!;
          expect(client.origin).toBe(app.origin);
          expect(client.sdkVersion).toBe(LATEST_SDK.version);
          const local = client.findings.find((f) => f.code === "LOCALHOST_NO_NETWORK")!;
          expect(local.severity).toBe("warning");
          expect(local.message).toContain("127.0.0.1");
          expect(local.fix).toContain(`http://app.localhost:${new URL(app.origin).port}`);
          expect(client.findings.filter((f) => f.severity === "error")).toEqual([]);
        });
        expect(devkit.store.listRecordings({}).total).toBe(1);
      } finally {
        await app.close();
        await devkit.close();
      }
    },
    CASE_TIMEOUT_MS,
  );
});
