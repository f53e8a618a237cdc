// The checks every real-posthog-js end-to-end run makes on what the devkit stored, shared by the
// current SDK's test and the old generations' test so each generation is held to the same bar.
import { expect } from "vitest";
import { readRecordingFile } from "@replay-devkit/codec";
import {
  pollUntil,
  type DevkitApi,
  type RecordingSummary,
  type RrwebEventLike,
  type WindowEventLike,
} from "./api.js";
import {
  CONSOLE_ERROR_TEXT,
  CONSOLE_LOG_TEXT,
  CONSOLE_WARN_TEXT,
  CUSTOM_EVENT,
  POST_BODY,
  type LoadVariant,
} from "./app-server.js";
import type { DrivenSession } from "./drive.js";

// posthog-js uploads every ~3 s and on pagehide; 60 s leaves a slow shared CI box ample room.
export const INGEST_TIMEOUT_MS = 60_000;

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

/**
 * What one posthog-js generation asks the devkit for, as `<status> <path>` of the responses the
 * page saw (sendBeacon calls are not visible there).
 */
export interface GenerationWire {
  /** Requests (prefixes) that bring the config turning recording on; every page load makes each. */
  configRequests: string[];
  /** The /static/ scripts a load variant must take from the devkit; an empty list means none at all. */
  staticScripts: Partial<Record<LoadVariant, string[]>>;
}

/** The page took from the devkit the scripts and the config its generation and load variant need. */
export function checkScriptsLoaded(variant: LoadVariant, driven: DrivenSession, wire: GenerationWire): void {
  const staticScripts = driven.devkitResponses.filter((r) => r.includes(" /static/"));
  const expected = wire.staticScripts[variant];
  if (expected === undefined) throw new Error(`no expected /static/ scripts for the ${variant} variant`);
  if (expected.length === 0) expect(staticScripts).toEqual([]);
  for (const script of expected) expect(staticScripts).toContain(script);
  // Each page load fetched the config that turned recording on.
  for (const prefix of wire.configRequests) {
    const configs = driven.devkitResponses.filter((r) => r.startsWith(prefix));
    expect(configs.length, `${prefix} in ${driven.devkitResponses.join(", ")}`).toBeGreaterThanOrEqual(2);
  }
}

/** Waits until both pages and both pagehide beacons have been ingested. */
export async function waitForWholeSession(api: DevkitApi, driven: DrivenSession): Promise<RecordingSummary> {
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

export async function checkRecording(
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

/**
 * Which page loads are sure to have an rrweb Meta event. Normally every one. posthog-js 1.180 loses
 * the Meta of a page whose recorder starts before `/decide/` has answered: until then its URL-trigger
 * status reads "pending", and a FullSnapshot taken in that state clears the buffer holding the Meta
 * just emitted. Page one always waits for `/decide/` (nothing persisted yet); later pages start from
 * the persisted config and race it (a bundle nearly always loses, the snippet sometimes). The raw
 * bodies that SDK sends lack the Meta too; the devkit's playback doctor synthesizes it (size from
 * the page-one Meta, URL from the page's $pageview) and lists the repair on the recording.
 */
export type MetaEvents = "every-page" | "first-page";

export async function checkEvents(
  api: DevkitApi,
  driven: DrivenSession,
  metaEvents: MetaEvents = "every-page",
): Promise<WindowEventLike[]> {
  const windowEvents = await api.events(driven.sessionId);
  const events = windowEvents.map((e) => e.event);
  const timestamps = events.map((e) => e.timestamp);
  expect(timestamps, "events come in timestamp order").toEqual([...timestamps].sort((a, b) => a - b));
  // One Meta and one FullSnapshot per page load, unpacked (FullSnapshot data is an object).
  // Every page replays with its own Meta: the one before each FullSnapshot names that page. Where
  // the SDK lost it (1.180's second page), the playback doctor synthesized it and says so.
  const pageMetas: unknown[] = [];
  let meta: RrwebEventLike | null = null;
  for (const e of events) {
    if (e.type === 4) meta = e;
    if (e.type === 2) {
      pageMetas.push(meta ? (meta.data as { href?: unknown }).href : null);
      meta = null;
    }
  }
  expect(pageMetas).toEqual([driven.firstUrl, driven.secondUrl]);
  const summary = (await api.getJson(`/api/recordings/${encodeURIComponent(driven.sessionId)}`)).body as {
    repairs?: { code: string }[];
  };
  const metas = events.filter((e) => e.type === 4);
  if (metas.length < 2 || summary.repairs?.some((r) => r.code === "synthesized-meta")) {
    expect(metaEvents, "only an SDK known to drop a Meta needs one synthesized").toBe("first-page");
    expect(summary.repairs?.map((r) => r.code)).toContain("synthesized-meta");
  }
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

export async function checkPosthogEvents(
  api: DevkitApi,
  driven: DrivenSession,
  libVersion: string,
): Promise<void> {
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
  expect(custom[0]?.properties.$lib_version).toBe(libVersion);
}

export async function checkExports(
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
  const firstWindowEvents = windowEvents.filter((e) => e.windowId === firstWindow).map((e) => e.event);
  expect(JSON.parse(rrweb.body.toString("utf8"))).toEqual(firstWindowEvents);
  expectNoSecrets("rrweb", rrweb.body.toString("utf8"));
  // The file carries no session id, so the reader is given one; it must find every event again.
  const fromRrweb = await readRecordingFile(rrweb.body, { sessionId: driven.sessionId });
  expect(fromRrweb.format).toBe("rrweb-json");
  expect(fromRrweb.recordings.map((r) => r.sessionId)).toEqual([driven.sessionId]);
  const readTypes = fromRrweb.recordings[0]?.windows.flatMap((w) => w.events.map((e) => e.type));
  expect(readTypes, "rrweb export read back by the codec").toEqual(firstWindowEvents.map((e) => e.type));

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
