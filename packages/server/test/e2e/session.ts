// One end-to-end run: a devkit server over a real SQLite file (the CLI's wiring), the test app on
// its own origin loading a given posthog-js build, and the scripted user in Chromium.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { openStore } from "@replay-devkit/store";
import {
  CHROMIUM_PATH,
  TEST_APP_HOST,
  chromiumAvailable,
  launchChromium,
  tempDir,
} from "@replay-devkit/test-utils";
import { createHandler, listen } from "../../src/index.js";
import { DevkitApi, pollUntil } from "./api.js";
import { startAppServer, type LoadVariant, type PosthogSdk } from "./app-server.js";
import { INGEST_TIMEOUT_MS } from "./checks.js";
import { driveSession, type DrivenSession } from "./drive.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-results/", import.meta.url));

export interface E2eCase {
  /** The posthog-js build the page runs (its array.full.js, array.js or the snippet's array.js). */
  sdk: PosthogSdk;
  variant: LoadVariant;
  /**
   * The posthog-js `dist` the devkit serves under /static. Defaults to `sdk`'s: the snippet's core
   * and the recorder it lazy-loads must come from the same build.
   */
  devkitSdk?: PosthogSdk;
}

/** Where posthog-js sends its uploads, and the API the checks read. */
export interface E2eDevkit {
  /** The `api_host` the page's posthog-js is given. */
  apiHost: string;
  /** What the checks read through (it may be another process than the one at `apiHost`). */
  api: DevkitApi;
  close(): Promise<void>;
}

/** Starts the devkit a run records into; `posthogJsDist` is what it must serve under /static. */
export type E2eDevkitFactory = (posthogJsDist: string) => Promise<E2eDevkit>;

/** The default: one devkit server in this process over a real SQLite file (the CLI's wiring). */
export const inProcessDevkit: E2eDevkitFactory = async (posthogJsDist) => {
  const dir = tempDir("replay-devkit-e2e-");
  const store = openStore(join(dir.path, "devkit.sqlite"));
  const server = await listen(
    createHandler({
      store,
      staticDirs: { posthogJs: posthogJsDist },
      version: "0.0.0-e2e",
      captureDir: null,
    }),
    { port: 0, host: "127.0.0.1", handleSignals: false },
  );
  const apiHost = `http://127.0.0.1:${server.port}`;
  return {
    apiHost,
    api: new DevkitApi(apiHost),
    async close() {
      await server.close();
      store.close();
      dir.cleanup();
    },
  };
};

export interface RecordedSession {
  api: DevkitApi;
  driven: DrivenSession;
  /** Wall clock just before the browser opened the first page. */
  testStart: number;
}

/** Launches Chromium for the e2e tests, or fails with how to get it (never skips silently). */
export async function launchE2eBrowser(): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}, so the posthog-js end-to-end test cannot run. ` +
        "Run `node tooling/ci/ensure-chromium.mjs` (Debian's chromium via apt), or set CHROMIUM_PATH.",
    );
  }
  return launchChromium();
}

export function caseName(run: E2eCase): string {
  const devkit = run.devkitSdk && run.devkitSdk !== run.sdk ? `-devkit-${run.devkitSdk.version}` : "";
  return `${run.sdk.version}-${run.variant}${devkit}`;
}

/**
 * Records the scripted session with `run`'s SDK, then hands the live devkit to `check` before
 * everything is torn down. The app's request log is appended to any failure: it tells whether the
 * browser even reached the pages and fetches.
 */
export async function recordSession(
  browser: Browser,
  run: E2eCase,
  check: (session: RecordedSession) => Promise<void>,
  startDevkit: E2eDevkitFactory = inProcessDevkit,
): Promise<void> {
  const cleanups: (() => unknown)[] = [];
  let appLog: string[] = [];
  try {
    const devkit = await startDevkit((run.devkitSdk ?? run.sdk).dist);
    cleanups.push(() => devkit.close());
    const { apiHost, api } = devkit;
    const app = await startAppServer({ variant: run.variant, apiHost, host: TEST_APP_HOST, sdk: run.sdk });
    cleanups.push(() => app.close());
    appLog = app.log;
    const testStart = Date.now();

    const driven = await driveSession(browser, app, {
      apiHost,
      screenshotPath: join(ARTIFACTS, `e2e-posthog-${caseName(run)}.png`),
      // The regular upload path (fetch every ~3 s) must work on its own, before any beacon.
      afterPageOne: ({ sessionId }) =>
        pollUntil(
          "the first fetch upload of page one",
          () => api.recording(sessionId),
          (rec) => (rec && rec.clickCount > 0 ? [] : ["no recording with a click yet"]),
          INGEST_TIMEOUT_MS,
        ).then(() => undefined),
    });
    await check({ api, driven, testStart });
  } catch (error) {
    if (error instanceof Error) error.message += `\n[${caseName(run)}] app requests: ${appLog.join(", ")}`;
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
