import type { DiagnosticCode, DiagnosticSeverity } from "@replay-devkit/api";
import { RECORDER_SCRIPTS, type ClientState, type DoctorContext, type SessionState } from "./doctor-state.js";
import { compareVersions, hostOf, isNoNetworkHost } from "./user-agent.js";

// The capture doctor's rules as one table: each names its code and, from a client's state, says
// whether it applies and what to tell the developer. The Doctor (doctor.ts) keeps the state and
// runs the table in order, which is the order findings are listed in.

/** What every rule reads: one client, what the server tells posthog-js, and the clock. */
export interface RuleInput {
  client: ClientState;
  context: DoctorContext;
  now: number;
  /** How long a session may send events without a `$snapshot` before that is a finding. */
  graceMs: number;
}

export interface RuleHit {
  severity: DiagnosticSeverity;
  message: string;
  fix: string | null;
}

export interface DoctorRule {
  code: DiagnosticCode;
  /** The finding when the rule applies to this client, else null. */
  check(input: RuleInput): RuleHit | null;
}

function heardFromSdk(client: ClientState): boolean {
  return client.configs + client.flags + client.decide + client.uploads > 0;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** The first script posthog-js asked for that the devkit could not serve. */
function firstFailedScript(client: ClientState) {
  return [...client.scripts.values()].find((script) => script.status >= 400);
}

/**
 * The newest session that has been sending events for a while without a single snapshot, on a
 * client that is not a bot (BOT_USER_AGENT covers those) and does upload.
 */
function stuckSession({ client, now, graceMs }: RuleInput): SessionState | null {
  if (client.botMarker !== null || client.uploads === 0) return null;
  let stuck: SessionState | null = null;
  for (const session of client.sessions.values()) {
    if (session.snapshots === 0 && now - session.firstEventAt >= graceMs) stuck = session;
  }
  return stuck;
}

/** Why a stuck session records nothing, by the `$recording_status` posthog-js reports. */
const NOT_STARTED_BY_STATUS: Readonly<Record<string, (head: string, input: RuleInput) => RuleHit>> = {
  disabled: (head, { context }) =>
    context.sampleRate !== null
      ? {
          severity: "warning",
          message: `${head}: posthog-js reports recording disabled, and this devkit samples sessions at ${context.sampleRate}: this one was sampled out`,
          fix: "start the devkit without a sampleRate (record every session) or open a new session",
        }
      : {
          severity: "error",
          message: `${head}: posthog-js reports recording disabled although the devkit turns it on`,
          fix: "remove disable_session_recording: true from posthog.init (or call posthog.startSessionRecording()); opt_out_capturing() and cookieless_mode: 'always' also stop it",
        },
  lazy_loading: (head, { client }) => {
    const recorder = [...client.scripts.values()].find((s) => RECORDER_SCRIPTS.has(s.name));
    return {
      severity: "error",
      message: recorder
        ? `${head}: the recorder script /static/${recorder.name}.js answered ${recorder.status} but posthog-js is still loading it`
        : `${head}: posthog-js is waiting for its recorder script, which was never requested from this devkit (a Content-Security-Policy, an ad blocker, disable_external_dependency_loading: true, or asset_host pointing elsewhere)`,
      fix: 'bundle the recorder: import "posthog-js/dist/posthog-recorder" next to posthog-js (or load array.full.js), or allow this devkit in script-src',
    };
  },
  buffering: (head, { context }) => ({
    severity: "warning",
    message:
      context.minimumDurationMs !== null
        ? `${head}: posthog-js is buffering until the session is ${context.minimumDurationMs} ms long (minimumDurationMilliseconds)`
        : `${head}: posthog-js is buffering (waiting for flags, a linked flag or a trigger)`,
    fix:
      context.minimumDurationMs !== null
        ? "keep using the page, or start the devkit without a minimum duration"
        : "check the linked flag and triggers the devkit serves; without them recording starts at once",
  }),
  paused: (head) => ({
    severity: "warning",
    message: `${head}: posthog-js paused recording because the page URL is on the urlBlocklist`,
    fix: "remove the page from the devkit's urlBlocklist",
  }),
  trigger_pending: (head, { context }) => ({
    severity: "warning",
    message: `${head}: posthog-js waits for a URL or event trigger${context.hasTriggers ? " the devkit configured" : ""}`,
    fix: "visit a matching URL or capture the trigger event, or drop the triggers from the devkit's config",
  }),
  awaiting_config: (head, input) => neverConfigured(head, input),
  missing_config: (head, input) => neverConfigured(head, input),
  rrweb_error: (head) => ({
    severity: "error",
    message: `${head}: the recorder failed to start (rrweb error)`,
    fix: "open the browser console for the rrweb error; an older posthog-js core with a newer recorder is a common cause",
  }),
};

function neverConfigured(head: string, { client }: RuleInput): RuleHit {
  return {
    severity: "error",
    message: `${head}: posthog-js never got its remote config${client.configs === 0 ? " (no config request reached this devkit)" : ""}`,
    fix: "point api_host at this devkit; with a reverse proxy, forward /array/<token>/config.js and /flags/ too",
  };
}

/** Any other status (active, sampled, none yet): nothing is uploaded before the first interaction. */
function notStartedOtherwise(head: string, status: string | null): RuleHit {
  return {
    severity: "warning",
    message:
      status === "active" || status === "sampled"
        ? `${head}: posthog-js says recording is ${status}, but nothing is uploaded before the first interaction (mouse, scroll, keys) and an untouched page only flushes when it unloads`
        : `${head}${status ? ` (recording status ${JSON.stringify(status)})` : " and no recording status since the config arrived"}: nothing is uploaded before the first interaction`,
    fix: "click or type in the page and wait a few seconds; if it persists, look for failed /s/ requests in the browser's network panel",
  };
}

export const DOCTOR_RULES: readonly DoctorRule[] = [
  {
    code: "BOT_USER_AGENT",
    check: ({ client }) =>
      client.botMarker !== null && heardFromSdk(client)
        ? {
            severity: "error",
            message: `the user agent looks like a bot to posthog-js ("${client.botMarker}"), so it drops every event, recordings included`,
            fix: "use a normal desktop user agent (Playwright/Puppeteer: pass --user-agent=<desktop Chrome UA> and drop --enable-automation), or set opt_out_useragent_filter: true in posthog.init for test runs",
          }
        : null,
  },
  {
    code: "LOCALHOST_NO_NETWORK",
    check: ({ client }) => {
      const hosts = new Set(client.pageHosts);
      const originHost = hostOf(client.info.origin);
      if (originHost) hosts.add(originHost);
      const local = [...hosts].find((h) => isNoNetworkHost(h));
      if (local === undefined || !heardFromSdk(client)) return null;
      const port = client.info.origin ? new URL(client.info.origin).port : "";
      const suffix = port ? `:${port}` : "";
      return {
        severity: "warning",
        message: `network capture is skipped on ${local}: posthog-js records no requests on pages served from localhost or 127.0.0.1`,
        fix: `open the app as http://app.localhost${suffix} or http://127.0.0.2${suffix}, or add a hosts entry (127.0.0.1 myapp.test) and use http://myapp.test${suffix}`,
      };
    },
  },
  {
    code: "LEGACY_SDK",
    check: ({ client }) => {
      if (client.decide > 0)
        return {
          severity: "info",
          message: "this posthog-js is from before about 1.200: it asks /decide/ for its config",
          fix: "nothing to do; the devkit answers /decide/ with the recording config (upgrade posthog-js for the current protocol)",
        };
      if (client.flagsWithConfig > 0)
        return {
          severity: "info",
          message:
            "this posthog-js is from about 1.200 to 1.349: it reads its config from /flags/?config=true",
          fix: "nothing to do; the devkit answers with the recording config (upgrade posthog-js for the current protocol)",
        };
      const version = client.info.sdkVersion;
      if (version && compareVersions(version, "1.200.0") < 0)
        return {
          severity: "info",
          message: `posthog-js ${version} is an old generation (before 1.200, it asks /decide/)`,
          fix: "nothing to do; upgrade posthog-js for the current protocol",
        };
      return null;
    },
  },
  {
    code: "SDK_VERSION",
    check: ({ client }) =>
      client.info.sdkVersion
        ? { severity: "info", message: `posthog-js ${client.info.sdkVersion}`, fix: null }
        : null,
  },
  {
    code: "RECORDING_DISABLED_BY_DEVKIT",
    check: ({ client, context }) =>
      !context.recordingEnabled && client.configs + client.flagsWithConfig + client.decide > 0
        ? {
            severity: "warning",
            message: "this devkit serves sessionRecording: false, so posthog-js records nothing",
            fix: "start the devkit with recording enabled (recordingConfig.enabled: true, the default)",
          }
        : null,
  },
  {
    code: "RECORDER_SCRIPT_MISSING",
    check: ({ client }) => {
      const script = firstFailedScript(client);
      if (!script || !RECORDER_SCRIPTS.has(script.name)) return null;
      const at = script.version ? ` (posthog-js ${script.version})` : "";
      return {
        severity: "error",
        message: `posthog-js asked for /static/${script.name}.js${at} and the devkit answered ${script.status}, so the recorder cannot load`,
        fix: 'start `replay-devkit dev` from an install that has posthog-js next to it, or bundle the recorder in your app: import "posthog-js/dist/posthog-recorder" (or load array.full.js)',
      };
    },
  },
  {
    code: "STATIC_SCRIPT_MISSING",
    check: ({ client }) => {
      const script = firstFailedScript(client);
      if (!script || RECORDER_SCRIPTS.has(script.name)) return null;
      const at = script.version ? ` (posthog-js ${script.version})` : "";
      return {
        severity: "warning",
        message: `posthog-js asked for /static/${script.name}.js${at} and the devkit answered ${script.status}`,
        fix: "serve posthog-js's dist from the devkit (replay-devkit dev does) or load the script from your own bundle",
      };
    },
  },
  {
    code: "SDK_VERSION_MISMATCH",
    check: ({ client, context }) => {
      const served = context.servedSdkVersion;
      const recorder = [...client.scripts.values()].find(
        (s) => RECORDER_SCRIPTS.has(s.name) && s.status < 400,
      );
      const version = client.info.sdkVersion;
      if (!served || !recorder || !version || version === served) return null;
      return {
        severity: "warning",
        message: `the app runs posthog-js ${version} but lazy-loaded the recorder from the devkit's posthog-js ${served}; mixed versions are only best-effort compatible`,
        fix: `bundle the recorder with your app (import "posthog-js/dist/posthog-recorder"), or align versions: npm install posthog-js@${served}`,
      };
    },
  },
  {
    code: "UPLOAD_RETRIES",
    check: ({ client }) =>
      client.retries > 0
        ? {
            severity: "warning",
            message: `posthog-js is re-sending uploads (${client.retries} with retry_count, up to ${client.maxRetry}): earlier requests failed`,
            fix: "look for failed requests to this devkit in the browser's network panel (CORS or net::ERR_* errors, the devkit restarting, a proxy in between); the devkit answers every capture request with 200 when it can store it",
          }
        : null,
  },
  {
    code: "UPLOADS_REJECTED",
    check: ({ client }) =>
      client.rejectedUploads > 0
        ? {
            severity: "error",
            message: `${client.rejectedUploads} upload(s) were refused; posthog-js drops a refused batch without retrying. Last: ${client.lastRejection ?? "?"}`,
            fix: "check the devkit's log for the reason; for 413 raise limits.maxBodyBytes / maxDecompressedBytes, for undecodable bodies make sure nothing between the app and the devkit rewrites them",
          }
        : null,
  },
  {
    code: "EVENTS_REJECTED",
    check: ({ client }) =>
      client.rejectedEvents > 0
        ? {
            severity: "warning",
            message: `${client.rejectedEvents} unreadable $snapshot event(s) were dropped from otherwise good uploads`,
            fix: "see the devkit's log for the first reason; a custom recorder or proxy that rewrites $snapshot_data is the usual cause",
          }
        : null,
  },
  {
    code: "PAYLOAD_NEAR_LIMIT",
    check: ({ client }) => {
      const largest = client.largestBody;
      if (!largest || largest.bytes < largest.limit * 0.75) return null;
      return {
        severity: "warning",
        message: `an upload ${largest.kind === "sent" ? "sent" : "decoded to"} ${formatBytes(largest.bytes)}, ${Math.round((largest.bytes / largest.limit) * 100)}% of the devkit's ${formatBytes(largest.limit)} limit`,
        fix: "find what makes snapshots heavy (inlined CSS, data: URLs, canvas) and block it with session_recording.blockSelector, or raise the devkit's limits",
      };
    },
  },
  {
    code: "NO_EVENTS",
    check: ({ client, now, graceMs }) => {
      const configAt = client.firstConfigAt;
      if (client.botMarker !== null || client.uploads > 0 || configAt === null || now - configAt < graceMs)
        return null;
      return {
        severity: "warning",
        message: `posthog-js loaded its config ${Math.round((now - configAt) / 1000)}s ago but sent no events: it is opted out, blocked from sending, or its requests are failing`,
        fix: "check posthog.has_opted_out_capturing() and the browser console; requests to this devkit must not be blocked by an extension or a Content-Security-Policy (connect-src)",
      };
    },
  },
  {
    code: "RECORDING_OK",
    check: ({ client, now }) => {
      if (client.botMarker !== null || client.uploads === 0 || client.recordedSessions.size === 0)
        return null;
      const count = client.recordedSessions.size;
      const ago =
        client.lastUploadAt === null
          ? "?"
          : `${Math.max(0, Math.round((now - client.lastUploadAt) / 1000))}s`;
      return {
        severity: "ok",
        message: `recording: ${count} session${count === 1 ? "" : "s"}, last upload ${ago} ago`,
        fix: null,
      };
    },
  },
  {
    code: "RECORDING_NOT_STARTED",
    check: (input) => {
      const stuck = stuckSession(input);
      // With recording off, RECORDING_DISABLED_BY_DEVKIT says it already.
      if (stuck === null || !input.context.recordingEnabled) return null;
      const seconds = Math.round((input.now - stuck.firstEventAt) / 1000);
      const head = `a session started ${seconds}s ago and sent events but no $snapshot`;
      // The status is the client's text: only the table's own keys, never inherited ones.
      const byStatus =
        stuck.status !== null && Object.hasOwn(NOT_STARTED_BY_STATUS, stuck.status)
          ? NOT_STARTED_BY_STATUS[stuck.status]
          : undefined;
      return byStatus ? byStatus(head, input) : notStartedOtherwise(head, stuck.status);
    },
  },
];
