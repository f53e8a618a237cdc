// End-to-end: the real posthog-js 1.449.2 from npm, in Debian's headless Chromium, records a
// scripted session into a running devkit server; the test then reads the recording back through
// the JSON API and every export format. Two ways of loading the SDK, as real sites do:
//   bundle:  the app page includes dist/array.full.js from its own origin (recorder bundled);
//   snippet: a stub loads <api_host>/static/array.js, which lazy-loads the recorder from the devkit.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRecordingFile } from "@replay-devkit/codec";
import { openStore } from "@replay-devkit/store";
import {
  CHROMIUM_PATH,
  TEST_APP_HOST,
  chromiumAvailable,
  launchChromium,
  tempDir,
} from "@replay-devkit/test-utils";
import { createHandler, listen } from "../src/index.js";
import {
  DevkitApi,
  pollUntil,
  type RecordingSummary,
  type RrwebEventLike,
  type WindowEventLike,
} from "./e2e/api.js";
import {
  CONSOLE_ERROR_TEXT,
  CONSOLE_LOG_TEXT,
  CONSOLE_WARN_TEXT,
  CUSTOM_EVENT,
  POSTHOG_JS_DIST,
  POSTHOG_JS_VERSION,
  POST_BODY,
  startAppServer,
  type LoadVariant,
} from "./e2e/app-server.js";
import { driveSession, type DrivenSession } from "./e2e/drive.js";

const ARTIFACTS = fileURLToPath(new URL("../test-results/", import.meta.url));
// posthog-js uploads every ~3 s and on pagehide; 60 s leaves a slow shared CI box ample room.
const INGEST_TIMEOUT_MS = 60_000;
const VARIANT_TIMEOUT_MS = 150_000;

const RRWEB_INCREMENTAL = 3;
const RRWEB_PLUGIN = 6;
const SOURCE_MUTATION = 0;
const SOURCE_INPUT = 5;

interface NetworkRequest {
  name?: string;
  method?: string;
  status?: number;
  responseStatus?: number;
  requestBody?: unknown;
}

describe("real posthog-js in Chromium against the devkit server", () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!chromiumAvailable()) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM_PATH}, so the posthog-js end-to-end test cannot run. ` +
          "Run `node tooling/ci/ensure-chromium.mjs` (Debian's chromium via apt), or set CHROMIUM_PATH.",
      );
    }
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each<LoadVariant>(["bundle", "snippet"])(
    "records a two-page session loaded as %s",
    async (variant) => {
      if (!browser) throw new Error("Chromium did not launch");
      const cleanups: (() => unknown)[] = [];
      let appLog: string[] = [];
      try {
        const dir = tempDir("replay-devkit-e2e-");
        cleanups.push(() => dir.cleanup());
        const store = openStore(join(dir.path, "devkit.sqlite"));
        cleanups.push(() => store.close());
        // The same wiring as the CLI: handler over a real SQLite file, bound by the real listener.
        const server = await listen(
          createHandler({
            store,
            staticDirs: { posthogJs: POSTHOG_JS_DIST },
            version: "0.0.0-e2e",
            captureDir: null,
          }),
          { port: 0, host: "127.0.0.1", handleSignals: false },
        );
        cleanups.push(() => server.close());
        const apiHost = `http://127.0.0.1:${server.port}`;
        const api = new DevkitApi(apiHost);
        const app = await startAppServer({ variant, apiHost, host: TEST_APP_HOST });
        cleanups.push(() => app.close());
        appLog = app.log;
        const testStart = Date.now();

        const driven = await driveSession(browser, app, {
          apiHost,
          screenshotPath: join(ARTIFACTS, `e2e-posthog-${variant}.png`),
          // The regular upload path (fetch every ~3 s) must work on its own, before any beacon.
          afterPageOne: ({ sessionId }) =>
            pollUntil(
              "the first fetch upload of page one",
              () => api.recording(sessionId),
              (rec) => (rec && rec.clickCount > 0 ? [] : ["no recording with a click yet"]),
              INGEST_TIMEOUT_MS,
            ).then(() => undefined),
        });
        checkScriptsLoaded(variant, driven);
        const recording = await waitForWholeSession(api, driven);
        await checkRecording(api, recording, driven, testStart);
        const windowEvents = await checkEvents(api, driven);
        await checkPosthogEvents(api, driven);
        await checkExports(api, driven, recording, windowEvents);
      } catch (error) {
        // The app's request log says whether the browser even reached the pages and fetches.
        if (error instanceof Error) error.message += `\n[${variant}] app requests: ${appLog.join(", ")}`;
        throw error;
      } finally {
        for (const cleanup of cleanups.reverse()) await cleanup();
      }
    },
    VARIANT_TIMEOUT_MS,
  );
});

/** The snippet must have taken array.js and the lazy recorder from the devkit; the bundle needs neither. */
function checkScriptsLoaded(variant: LoadVariant, driven: DrivenSession): void {
  const staticScripts = driven.devkitResponses.filter((r) => r.includes(" /static/"));
  if (variant === "bundle") {
    expect(staticScripts).toEqual([]);
  } else {
    expect(staticScripts).toContain("200 /static/array.js");
    expect(staticScripts).toContain(`200 /static/${POSTHOG_JS_VERSION}/lazy-recorder.js`);
  }
  // Each page load fetched the remote config that turned recording on.
  const configs = driven.devkitResponses.filter((r) => r.startsWith("200 /array/"));
  expect(configs.length, driven.devkitResponses.join(", ")).toBeGreaterThanOrEqual(2);
}

/** Waits until both pages and both pagehide beacons have been ingested. */
async function waitForWholeSession(api: DevkitApi, driven: DrivenSession): Promise<RecordingSummary> {
  const { recording } = await pollUntil(
    "the whole session (both pages and the pagehide beacons)",
    async () => ({
      recording: await api.recording(driven.sessionId),
      events: (await api.posthogEvents(driven.sessionId)).map((e) => e.event),
    }),
    ({ recording: rec, events }) => {
      const missing: string[] = [];
      if (!rec) return ["no recording for the session"];
      if (rec.clickCount < driven.clicks) missing.push(`clickCount ${rec.clickCount} < ${driven.clicks}`);
      if (rec.keypressCount < driven.typedChars) {
        missing.push(`keypressCount ${rec.keypressCount} < ${driven.typedChars}`);
      }
      if (rec.consoleErrorCount < 1) missing.push("no console error yet");
      if (!rec.urls.includes(driven.secondUrl)) missing.push("second page not in urls");
      if (events.filter((e) => e === "$pageview").length < 2) missing.push("fewer than 2 $pageview");
      if (!events.includes(CUSTOM_EVENT)) missing.push(`no ${CUSTOM_EVENT}`);
      if (events.filter((e) => e === "$pageleave").length < 2)
        missing.push("fewer than 2 $pageleave (beacons)");
      return missing;
    },
    INGEST_TIMEOUT_MS,
  );
  if (!recording) throw new Error("unreachable: poll returned without a recording");
  return recording;
}

async function checkRecording(
  api: DevkitApi,
  recording: RecordingSummary,
  driven: DrivenSession,
  testStart: number,
): Promise<void> {
  const all = await api.recordings();
  expect(all.map((r) => r.id)).toEqual([driven.sessionId]);
  expect(recording.id).toBe(driven.sessionId);
  expect(recording.distinctId).toBe(driven.distinctId);

  const start = Date.parse(recording.startTime);
  const end = Date.parse(recording.endTime);
  expect(Number.isNaN(start), `startTime ${recording.startTime}`).toBe(false);
  expect(Number.isNaN(end), `endTime ${recording.endTime}`).toBe(false);
  // The session happened during this test (allowing for clock rounding), and ends after it starts.
  expect(start).toBeGreaterThanOrEqual(testStart - 1000);
  expect(end).toBeGreaterThan(start);
  expect(end).toBeLessThanOrEqual(Date.now() + 1000);
  expect(Math.abs(recording.durationMs - (end - start))).toBeLessThanOrEqual(1000);
  expect(recording.activeMs).toBeGreaterThan(0);
  expect(recording.activeMs).toBeLessThanOrEqual(recording.durationMs);

  expect(recording.clickCount).toBeGreaterThanOrEqual(driven.clicks);
  expect(recording.keypressCount).toBeGreaterThanOrEqual(driven.typedChars);
  expect({
    log: recording.consoleLogCount,
    warn: recording.consoleWarnCount,
    error: recording.consoleErrorCount,
  }).toEqual({ log: 1, warn: 1, error: 1 });
  expect(recording.firstUrl).toBe(driven.firstUrl);
  expect(recording.urls).toContain(driven.firstUrl);
  expect(recording.urls).toContain(driven.secondUrl);
  expect(recording.windowIds.length).toBeGreaterThanOrEqual(1);
  expect(recording.eventCount).toBeGreaterThan(0);
  expect(recording.sizeBytes).toBeGreaterThan(0);
}

function pluginPayloads(events: RrwebEventLike[], plugin: string): unknown[] {
  return events
    .filter((e) => e.type === RRWEB_PLUGIN)
    .map((e) => e.data as { plugin?: unknown; payload?: unknown })
    .filter((d) => d.plugin === plugin)
    .map((d) => d.payload);
}

async function checkEvents(api: DevkitApi, driven: DrivenSession): Promise<WindowEventLike[]> {
  const windowEvents = await api.events(driven.sessionId);
  const events = windowEvents.map((e) => e.event);
  const timestamps = events.map((e) => e.timestamp);
  expect(timestamps, "events come in timestamp order").toEqual([...timestamps].sort((a, b) => a - b));
  // One Meta and one FullSnapshot per page load, unpacked (FullSnapshot data is an object).
  expect(events.filter((e) => e.type === 4).length).toBeGreaterThanOrEqual(2);
  const fullSnapshots = events.filter((e) => e.type === 2);
  expect(fullSnapshots.length).toBeGreaterThanOrEqual(2);
  for (const snapshot of fullSnapshots) expect(typeof snapshot.data).toBe("object");

  const network = pluginPayloads(events, "rrweb/network@1").flatMap((payload) => {
    const requests = (payload as { requests?: unknown }).requests;
    return Array.isArray(requests) ? (requests as NetworkRequest[]) : [];
  });
  const post = network.find((r) => r.method === "POST" && r.name === `${driven.firstUrl}api/items`);
  expect(
    post,
    `a network event for POST /api/items among ${network.map((r) => r.name).join(", ")}`,
  ).toBeDefined();
  expect(post?.requestBody).toBe(JSON.stringify(POST_BODY));
  expect(post?.status ?? post?.responseStatus).toBe(201);
  expect(network.some((r) => r.name === `${driven.firstUrl}api/items?page=1`)).toBe(true);

  const consoleEntries = pluginPayloads(events, "rrweb/console@1") as {
    level?: string;
    payload?: string[];
  }[];
  expect(consoleEntries.map((c) => c.level).sort()).toEqual(["error", "log", "warn"]);
  const byLevel = (level: string) => consoleEntries.find((c) => c.level === level)?.payload ?? [];
  expect(byLevel("log")[0]).toBe(JSON.stringify(CONSOLE_LOG_TEXT));
  expect(byLevel("warn")).toEqual([JSON.stringify(CONSOLE_WARN_TEXT), "42"]);
  expect(byLevel("error")[0]).toBe(JSON.stringify(CONSOLE_ERROR_TEXT));
  expect(byLevel("error").join(" ")).toContain("e2e boom");

  // DOM changes arrive as Mutations (packed on the wire, unpacked by the devkit).
  const mutations = events
    .filter((e) => e.type === RRWEB_INCREMENTAL && (e.data as { source?: number }).source === SOURCE_MUTATION)
    .map((e) => JSON.stringify(e.data));
  expect(mutations.some((m) => m.includes('"textContent":"Item 3"'))).toBe(true);
  expect(mutations.some((m) => m.includes('"textContent":"Clicked 3 times"'))).toBe(true);

  // Masking happened in the browser: the keystrokes are there, as stars only.
  const inputs = events.filter(
    (e) => e.type === RRWEB_INCREMENTAL && (e.data as { source?: number }).source === SOURCE_INPUT,
  );
  expect(inputs.length).toBeGreaterThanOrEqual(driven.typedChars);
  const texts = inputs.map((e) => (e.data as { text?: unknown }).text);
  expect(texts).toContain("*".repeat(driven.typedSecrets.password.length));
  for (const text of texts) expect(text).toMatch(/^\**$/);
  return windowEvents;
}

async function checkPosthogEvents(api: DevkitApi, driven: DrivenSession): Promise<void> {
  const events = await api.posthogEvents(driven.sessionId);
  for (const event of events) expect(event.properties.$session_id).toBe(driven.sessionId);
  const named = (name: string) => events.filter((e) => e.event === name);
  expect(named("$pageview").map((e) => e.properties.$current_url)).toEqual([
    driven.firstUrl,
    driven.secondUrl,
  ]);
  expect(named("$autocapture").length).toBeGreaterThanOrEqual(1);
  expect(named("$pageleave").length).toBe(2);
  const custom = named(CUSTOM_EVENT);
  expect(custom).toHaveLength(1);
  expect(custom[0]?.properties.chars).toBe(driven.typedSecrets.notes.length);
  expect(custom[0]?.properties.$lib_version).toBe(POSTHOG_JS_VERSION);
}

async function checkExports(
  api: DevkitApi,
  driven: DrivenSession,
  recording: RecordingSummary,
  windowEvents: WindowEventLike[],
): Promise<void> {
  const secrets = Object.values(driven.typedSecrets);
  const expectNoSecrets = (format: string, text: string) => {
    for (const secret of secrets) {
      expect(text.includes(secret), `${format} export contains the typed "${secret}"`).toBe(false);
    }
  };

  const rrweb = await api.download(driven.sessionId, "rrweb");
  expect(rrweb.status).toBe(200);
  // rrweb export: the first window's events, exactly as the events API serves them.
  const firstWindow = recording.windowIds[0];
  expect(JSON.parse(rrweb.body.toString("utf8"))).toEqual(
    windowEvents.filter((e) => e.windowId === firstWindow).map((e) => e.event),
  );
  expectNoSecrets("rrweb", rrweb.body.toString("utf8"));

  const posthog = await api.download(driven.sessionId, "posthog");
  expect(posthog.status).toBe(200);
  const posthogFile = JSON.parse(posthog.body.toString("utf8")) as { version?: unknown; data?: unknown };
  expect(posthogFile.version).toBe("2023-04-28");
  expect(typeof posthogFile.data).toBe("object");
  expectNoSecrets("posthog", posthog.body.toString("utf8"));
  await expectReadsBack("posthog", posthog.body, driven, recording);

  const har = await api.download(driven.sessionId, "har");
  expect(har.status).toBe(200);
  const harFile = JSON.parse(har.body.toString("utf8")) as {
    log?: { entries?: { request?: { method?: string; url?: string; postData?: { text?: string } } }[] };
  };
  const entries = harFile.log?.entries ?? [];
  const postEntry = entries.find(
    (e) => e.request?.method === "POST" && e.request.url === `${driven.firstUrl}api/items`,
  );
  expect(postEntry?.request?.postData?.text).toBe(JSON.stringify(POST_BODY));
  expectNoSecrets("har", har.body.toString("utf8"));

  const bundle = await api.download(driven.sessionId, "bundle");
  expect(bundle.status).toBe(200);
  expect(bundle.body.subarray(0, 4).toString("latin1"), "a zip archive").toBe("PK\u0003\u0004");
  const fromBundle = await expectReadsBack("bundle", bundle.body, driven, recording);
  expectNoSecrets("bundle", JSON.stringify(fromBundle));
}

/** An exported file must read back (codec) as this session with every stored event. */
async function expectReadsBack(
  format: string,
  bytes: Buffer,
  driven: DrivenSession,
  recording: RecordingSummary,
): Promise<unknown> {
  const read = await readRecordingFile(bytes);
  expect(
    read.recordings.map((r) => r.sessionId),
    `${format} export sessions`,
  ).toEqual([driven.sessionId]);
  const events = read.recordings[0]?.windows.reduce((n, w) => n + w.events.length, 0);
  expect(events, `${format} export event count`).toBe(recording.eventCount);
  return read.recordings;
}
