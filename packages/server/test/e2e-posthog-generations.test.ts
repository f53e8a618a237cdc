// End-to-end for the older posthog-js generations real sites still ship: the real 1.180.0, 1.250.0
// and 1.300.0 from npm (pinned aliases in package.json) record the same scripted session as the
// current SDK in e2e-posthog.test.ts, through the same harness and the same checks. What differs
// per generation is only what the SDK asks the devkit for (POSTHOG-PROTOCOL.md §1.3-1.6):
//   1.180: config from `POST /decide/?v=3`, recorder `/static/recorder.js?v=<ver>`;
//   1.300: fetches config.js but only logs it (it applies it behind `__preview_remote_config`);
//          recording is turned on by `POST /flags/?v=2&config=true`; recorder
//          `/static/lazy-recorder.js?v=<ver>`, which its array.full.js fetches too;
//   both:  `?ver=<ver>&compression=gzip-js` on every capture call, batches with `offset` times.
// One real SDK bug shows: 1.180 can lose the rrweb Meta event of the second page (see MetaEvents).
// Variants: bundle and snippet with the devkit serving the SDK's own dist (core and recorder match),
// and core (array.js without a recorder, as `import "posthog-js"`) against the devkit serving the
// current posthog-js, as the CLI does: an old core with the recorder the devkit ships.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  E2E_TOKEN,
  LATEST_SDK,
  posthogSdk,
  type LoadVariant,
  type PosthogJsPackage,
  type PosthogSdk,
} from "./e2e/app-server.js";
import {
  checkEvents,
  checkExports,
  checkPosthogEvents,
  checkRecording,
  checkScriptsLoaded,
  waitForWholeSession,
  type GenerationWire,
  type MetaEvents,
} from "./e2e/checks.js";
import type { DrivenSession } from "./e2e/drive.js";
import type { DoctorReport } from "../src/index.js";
import { caseName, launchE2eBrowser, recordSession, type E2eCase } from "./e2e/session.js";

const CASE_TIMEOUT_MS = 150_000;

interface Generation {
  sdk: PosthogSdk;
  /** What this generation fetches from the devkit. */
  wire: GenerationWire;
  /** Which page loads are sure to send an rrweb Meta event, in every variant (see MetaEvents). */
  metaEvents: MetaEvents;
}

function generation(
  packageName: PosthogJsPackage,
  version: string,
  describe: (version: string) => Omit<Generation, "sdk">,
): Generation {
  const sdk = posthogSdk(packageName);
  // The expectations below are facts about this exact release; a changed pin must revisit them.
  if (sdk.version !== version) {
    throw new Error(`${packageName} is ${sdk.version}, but this test describes ${version}: update both`);
  }
  return { sdk, ...describe(version) };
}

const GENERATIONS: Generation[] = [
  generation("posthog-js-1.180", "1.180.0", (v) => {
    const recorder = `200 /static/recorder.js?v=${v}`;
    return {
      wire: {
        configRequests: ["200 /decide/?v=3&"],
        staticScripts: { bundle: [], snippet: ["200 /static/array.js", recorder], core: [recorder] },
      },
      metaEvents: "first-page",
    };
  }),
  generation("posthog-js-1.250", "1.250.0", (v) => {
    // Between the two: still /decide/ (now v=4) and recorder.js, as 1.180.
    const recorder = `200 /static/recorder.js?v=${v}`;
    return {
      wire: {
        configRequests: ["200 /decide/?v=4&"],
        staticScripts: { bundle: [], snippet: ["200 /static/array.js", recorder], core: [recorder] },
      },
      metaEvents: "every-page",
    };
  }),
  generation("posthog-js-1.300", "1.300.0", (v) => {
    // array.full.js of this generation bundles rrweb but not the recorder's glue
    // (initSessionRecording), so even the bundle lazy-loads lazy-recorder.js from api_host.
    const recorder = `200 /static/lazy-recorder.js?v=${v}`;
    return {
      wire: {
        configRequests: [`200 /array/${E2E_TOKEN}/config.js`, "200 /flags/?v=2&config=true&"],
        staticScripts: { bundle: [recorder], snippet: ["200 /static/array.js", recorder], core: [recorder] },
      },
      metaEvents: "every-page",
    };
  }),
];

const CASES: (E2eCase & { generation: Generation })[] = GENERATIONS.flatMap((g) =>
  (["bundle", "snippet", "core"] as LoadVariant[]).map((variant) => ({
    generation: g,
    sdk: g.sdk,
    variant,
    ...(variant === "core" ? { devkitSdk: LATEST_SDK } : {}),
  })),
);

/**
 * Cores before 1.398 tag every capture call with their version and the gzip-js hint. The page saw
 * the fetch uploads of page one (beacons are invisible to it), so the devkit took the regular
 * `/s/` path in that form, not only the pagehide beacons.
 */
function checkLegacyUploads(driven: DrivenSession, version: string): void {
  const uploads = driven.devkitResponses.filter((r) => /^\d+ \/(e|s|i\/v0\/e)\/[?]/.test(r));
  const summary = driven.devkitResponses.join(", ");
  expect(uploads.length, summary).toBeGreaterThan(0);
  for (const upload of uploads) {
    expect(upload).toMatch(/^200 /);
    expect(new URL(upload.slice(4), "http://devkit.invalid").searchParams.get("ver")).toBe(version);
  }
  expect(
    uploads.some((r) => r.startsWith("200 /s/?") && r.includes("compression=gzip-js")),
    `a fetch upload to /s/ with compression=gzip-js among ${summary}`,
  ).toBe(true);
}

describe("older posthog-js generations in Chromium against the devkit server", () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchE2eBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each(CASES.map((c) => [caseName(c), c] as const))(
    "records a two-page session: %s",
    async (_name, run) => {
      if (!browser) throw new Error("Chromium did not launch");
      const { version } = run.sdk;
      await recordSession(browser, run, async ({ api, driven, testStart }) => {
        checkScriptsLoaded(run.variant, driven, run.generation.wire);
        checkLegacyUploads(driven, version);
        const recording = await waitForWholeSession(api, driven);
        await checkRecording(api, recording, driven, testStart);
        const windowEvents = await checkEvents(api, driven, run.generation.metaEvents);
        await checkPosthogEvents(api, driven, version);
        await checkExports(api, driven, recording, windowEvents);
        // The doctor names the old generation, sees the recording, and finds nothing broken; a core
        // that lazy-loaded the devkit's newer recorder gets the version-mismatch warning.
        const { body } = await api.getJson("/api/doctor");
        const report = body as DoctorReport;
        const client = report.clients.find((c) => c.sdkVersion === version);
        expect(client, JSON.stringify(report).slice(0, 1000)).toBeDefined();
        const codes: string[] = client!.findings.map((f) => f.code);
        expect(codes).toEqual(expect.arrayContaining(["LEGACY_SDK", "RECORDING_OK"]));
        const legacy = client!.findings.find((f) => f.code === "LEGACY_SDK");
        expect(legacy?.message).toContain(`posthog-js ${version} `);
        expect(client!.findings.filter((f) => f.severity === "error")).toEqual([]);
        expect(codes.includes("SDK_VERSION_MISMATCH")).toBe(run.variant === "core");
      });
    },
    CASE_TIMEOUT_MS,
  );
});
