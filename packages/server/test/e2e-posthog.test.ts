// End-to-end: the real posthog-js 1.449.2 from npm, in Debian's headless Chromium, records a
// scripted session into a running devkit server; the test then reads the recording back through
// the JSON API and every export format. Two ways of loading the SDK, as real sites do:
//   bundle:  the app page includes dist/array.full.js from its own origin (recorder bundled);
//   snippet: a stub loads <api_host>/static/array.js, which lazy-loads the recorder from the devkit.
// The old generations run through the same harness and checks in e2e-posthog-generations.test.ts.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DoctorReport } from "@replay-devkit/api";
import { LATEST_SDK, POSTHOG_JS_VERSION, type LoadVariant } from "./e2e/app-server.js";
import {
  checkEvents,
  checkExports,
  checkPosthogEvents,
  checkRecording,
  checkScriptsLoaded,
  waitForWholeSession,
  type GenerationWire,
} from "./e2e/checks.js";
import { launchE2eBrowser, recordSession } from "./e2e/session.js";

const VARIANT_TIMEOUT_MS = 150_000;

// 1.449.2 reads config.js only, and tries the versioned recorder path first.
const WIRE: GenerationWire = {
  configRequests: ["200 /array/"],
  staticScripts: {
    bundle: [],
    snippet: ["200 /static/array.js", `200 /static/${POSTHOG_JS_VERSION}/lazy-recorder.js`],
  },
};

describe("real posthog-js in Chromium against the devkit server", () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchE2eBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each<LoadVariant>(["bundle", "snippet"])(
    "records a two-page session loaded as %s",
    async (variant) => {
      if (!browser) throw new Error("Chromium did not launch");
      await recordSession(browser, { sdk: LATEST_SDK, variant }, async ({ api, driven, testStart }) => {
        checkScriptsLoaded(variant, driven, WIRE);
        const recording = await waitForWholeSession(api, driven);
        await checkRecording(api, recording, driven, testStart);
        const windowEvents = await checkEvents(api, driven);
        await checkPosthogEvents(api, driven, POSTHOG_JS_VERSION);
        await checkExports(api, driven, recording, windowEvents);
        // The capture doctor sees a healthy setup: a recording, and no error or warning to act on.
        const { status, body } = await api.getJson("/api/doctor");
        expect(status).toBe(200);
        const report = body as DoctorReport;
        const findings = report.clients.flatMap((c) => c.findings);
        expect(findings.filter((f) => f.severity === "error" || f.severity === "warning")).toEqual([]);
        expect(findings.map((f) => f.code)).toContain("RECORDING_OK");
        expect(report.clients.map((c) => c.sdkVersion)).toContain(POSTHOG_JS_VERSION);
      });
    },
    VARIANT_TIMEOUT_MS,
  );
});
