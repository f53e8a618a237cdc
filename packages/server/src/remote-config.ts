import { randomUUID } from "node:crypto";
import { HttpError } from "./errors.js";
import { ServerStartError } from "./start-errors.js";

export interface UrlTrigger {
  url: string;
  matching: "regex";
}

/** What the remote config tells posthog-js to record. Defaults turn everything useful on. */
export interface RecordingConfig {
  /** false answers `sessionRecording: false`, which stops recording (default true). */
  enabled?: boolean;
  /** 0-1; null or 1 records every session (default null). */
  sampleRate?: number | null;
  /** The SDK holds data until a session is this long (default null). */
  minimumDurationMs?: number | null;
  consoleLogs?: boolean;
  networkHeaders?: boolean;
  networkBodies?: boolean;
  /** PerformanceObserver timing for every request (default true). */
  networkTiming?: boolean;
  masking?: {
    maskAllInputs?: boolean;
    maskTextSelector?: string | null;
    blockSelector?: string | null;
    maskAllElementAttributes?: boolean;
  } | null;
  /** Record only while this flag is on: a key, or a key and variant. */
  linkedFlag?: string | { flag: string; variant: string } | null;
  urlTriggers?: UrlTrigger[];
  urlBlocklist?: UrlTrigger[];
  eventTriggers?: string[];
  triggerMatchType?: "any" | "all" | null;
  recordCanvas?: boolean;
  canvasFps?: number | null;
  /** A decimal string such as "0.4", as PostHog sends it. */
  canvasQuality?: string | null;
  /** Lazy-loaded recorder script name (default posthog-js's own choice, `lazy-recorder`). */
  scriptName?: string | null;
  autocapture?: boolean;
}

export interface ResolvedRemoteConfig {
  /** The RemoteConfig object minus the token. */
  config: Record<string, unknown>;
  flags: Record<string, boolean | string>;
}

const TOKEN_PATTERN = /^[\w.-]{1,200}$/;

function check(condition: boolean, message: string): void {
  if (!condition) throw new ServerStartError("INVALID_OPTIONS", `recordingConfig: ${message}`);
}

function isNullableNumber(value: unknown, min: number, max: number): boolean {
  return value === null || value === undefined || (typeof value === "number" && value >= min && value <= max);
}

function checkTriggers(value: unknown, name: string): UrlTrigger[] {
  if (value === undefined) return [];
  check(Array.isArray(value), `${name} must be an array of {url, matching: "regex"}`);
  for (const t of value as unknown[]) {
    const trigger = t as Partial<UrlTrigger> | null;
    check(
      typeof trigger?.url === "string" && trigger.matching === "regex",
      `${name} entries must be {url: string, matching: "regex"}`,
    );
    try {
      new RegExp(trigger?.url ?? "");
    } catch {
      check(false, `${name} has an invalid regular expression ${JSON.stringify(trigger?.url)}`);
    }
  }
  return value as UrlTrigger[];
}

/** Validates the options once at startup and builds the RemoteConfig posthog-js reads (POSTHOG-PROTOCOL.md §1.3). */
export function resolveRemoteConfig(
  rc: RecordingConfig = {},
  featureFlags: Record<string, boolean | string> = {},
): ResolvedRemoteConfig {
  check(isNullableNumber(rc.sampleRate, 0, 1), "sampleRate must be a number from 0 to 1, or null");
  check(
    isNullableNumber(rc.minimumDurationMs, 0, 24 * 3600 * 1000),
    "minimumDurationMs must be a non-negative number of ms, or null",
  );
  check(isNullableNumber(rc.canvasFps, 1, 12), "canvasFps must be 1-12, or null");
  check(
    rc.canvasQuality == null || /^(0(\.\d+)?|1(\.0+)?)$/.test(rc.canvasQuality),
    'canvasQuality must be a decimal string such as "0.4"',
  );
  check(
    rc.triggerMatchType == null || rc.triggerMatchType === "any" || rc.triggerMatchType === "all",
    'triggerMatchType must be "any", "all" or null',
  );
  check(
    rc.scriptName == null || /^[\w-]{1,100}$/.test(rc.scriptName),
    "scriptName must be a plain script name such as lazy-recorder",
  );
  check(
    rc.eventTriggers === undefined ||
      (Array.isArray(rc.eventTriggers) && rc.eventTriggers.every((e) => typeof e === "string")),
    "eventTriggers must be an array of event names",
  );
  const linked = rc.linkedFlag ?? null;
  check(
    linked === null ||
      (typeof linked === "string" && linked !== "") ||
      (typeof linked === "object" && typeof linked.flag === "string" && typeof linked.variant === "string"),
    "linkedFlag must be a flag key, {flag, variant}, or null",
  );
  const urlTriggers = checkTriggers(rc.urlTriggers, "urlTriggers");
  const urlBlocklist = checkTriggers(rc.urlBlocklist, "urlBlocklist");

  const flags: Record<string, boolean | string> = { ...featureFlags };
  // A linked flag that is never on would silently stop recording; turn it on unless set explicitly.
  if (typeof linked === "string" && !(linked in flags)) flags[linked] = true;
  if (linked !== null && typeof linked === "object" && !(linked.flag in flags))
    flags[linked.flag] = linked.variant;

  const sampleRate = rc.sampleRate == null || rc.sampleRate >= 1 ? null : rc.sampleRate.toFixed(2);
  const headers = rc.networkHeaders ?? true;
  const bodies = rc.networkBodies ?? true;
  const sessionRecording =
    rc.enabled === false
      ? false
      : {
          endpoint: "/s/",
          consoleLogRecordingEnabled: rc.consoleLogs ?? true,
          recorderVersion: "v2",
          sampleRate,
          minimumDurationMilliseconds: rc.minimumDurationMs ?? null,
          linkedFlag: linked,
          networkPayloadCapture: headers || bodies ? { recordHeaders: headers, recordBody: bodies } : null,
          masking: rc.masking ?? null,
          urlTriggers,
          urlBlocklist,
          eventTriggers: rc.eventTriggers ?? [],
          triggerMatchType: rc.triggerMatchType ?? null,
          scriptConfig: rc.scriptName ? { script: rc.scriptName } : null,
          recordCanvas: rc.recordCanvas ?? false,
          canvasFps: rc.canvasFps ?? null,
          canvasQuality: rc.canvasQuality ?? null,
        };
  return {
    flags,
    config: {
      supportedCompression: ["gzip", "gzip-js"],
      hasFeatureFlags: true,
      captureDeadClicks: false,
      capturePerformance: {
        network_timing: rc.networkTiming ?? true,
        web_vitals: false,
        web_vitals_allowed_metrics: null,
      },
      autocapture_opt_out: rc.autocapture === false,
      autocaptureExceptions: false,
      errorTracking: { autocaptureExceptions: false, suppressionRules: [] },
      elementsChainAsString: true,
      sessionRecording,
      heatmaps: false,
      surveys: false,
      productTours: false,
      defaultIdentifiedOnly: true,
      toolbarParams: {},
      isAuthenticated: false,
      siteApps: [],
      analytics: { endpoint: "/i/v0/e/" },
    },
  };
}

export function checkToken(token: string | undefined): string {
  if (token === undefined || !TOKEN_PATTERN.test(token)) {
    throw new HttpError(
      "INVALID_PATH",
      "The project token in the path must be 1-200 letters, digits, _ . or -.",
    );
  }
  return token;
}

export function remoteConfigFor(remote: ResolvedRemoteConfig, token: string): Record<string, unknown> {
  return { token, ...remote.config };
}

/** The config.js script; JSON is escaped so no value can close a script or break a line. */
export function remoteConfigScript(remote: ResolvedRemoteConfig, token: string): string {
  const safe = (value: unknown) =>
    JSON.stringify(value)
      .replace(/</g, "\\u003c")
      .replace(/\u2028/g, "\\u2028")
      .replace(/\u2029/g, "\\u2029");
  return `(function(){var w=window;w._POSTHOG_REMOTE_CONFIG=w._POSTHOG_REMOTE_CONFIG||{};w._POSTHOG_REMOTE_CONFIG[${safe(token)}]={config:${safe(
    remoteConfigFor(remote, token),
  )},siteApps:[]};})();\n`;
}

/** `/flags` v2 shape (with the v1 keys older cores read), plus the RemoteConfig keys when `withConfig`. */
export function flagsResponse(remote: ResolvedRemoteConfig, withConfig: boolean): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  const featureFlags: Record<string, boolean | string> = {};
  for (const [key, value] of Object.entries(remote.flags)) {
    const enabled = value !== false;
    featureFlags[key] = value;
    flags[key] = {
      key,
      enabled,
      variant: typeof value === "string" ? value : null,
      reason: {
        code: enabled ? "condition_match" : "no_condition_match",
        condition_index: 0,
        description: "Set by replay-devkit",
      },
      metadata: { id: 1, version: 1, description: null, payload: null },
    };
  }
  const body: Record<string, unknown> = {
    flags,
    featureFlags,
    featureFlagPayloads: {},
    errorsWhileComputingFlags: false,
    quotaLimited: [],
    requestId: randomUUID(),
  };
  return withConfig ? { ...remote.config, config: { enable_collect_everything: true }, ...body } : body;
}
