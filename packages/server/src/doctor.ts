import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { CaptureEvent } from "@replay-devkit/codec";
import { botMarker, browserName, compareVersions, hostOf, isNoNetworkHost } from "./user-agent.js";

export type DiagnosticSeverity = "error" | "warning" | "info" | "ok";

/** Stable finding codes: scripts and the CLI's dedupe key on them, so a code keeps its meaning. */
export type DiagnosticCode =
  | "BOT_USER_AGENT"
  | "LOCALHOST_NO_NETWORK"
  | "NO_EVENTS"
  | "RECORDING_NOT_STARTED"
  | "RECORDING_DISABLED_BY_DEVKIT"
  | "RECORDER_SCRIPT_MISSING"
  | "STATIC_SCRIPT_MISSING"
  | "SDK_VERSION_MISMATCH"
  | "UPLOAD_RETRIES"
  | "UPLOADS_REJECTED"
  | "EVENTS_REJECTED"
  | "PAYLOAD_NEAR_LIMIT"
  | "LEGACY_SDK"
  | "SDK_VERSION"
  | "RECORDING_OK";

export interface DiagnosticFinding {
  code: DiagnosticCode;
  severity: DiagnosticSeverity;
  /** What the devkit saw, in one sentence. */
  message: string;
  /** What to change, ready to paste where possible; null when nothing needs doing. */
  fix: string | null;
  /** When this finding first applied to the client (ISO). */
  since: string;
}

/** "One app in one browser": the page origin the SDK ran on plus the browser's user agent. */
export interface DoctorClientInfo {
  /** Stable for the same origin and user agent (a short hash). */
  id: string;
  /** `http://localhost:3000 (Chrome 142, posthog-js 1.449.2)`. */
  label: string;
  origin: string | null;
  userAgent: string | null;
  browser: string;
  sdkVersion: string | null;
}

export interface DoctorClient extends DoctorClientInfo {
  /** Page host names seen in `$current_url` / `$snapshot_host` (at most 10). */
  pageHosts: string[];
  firstSeen: string;
  lastSeen: string;
  requests: { config: number; flags: number; decide: number; scripts: number; uploads: number };
  /** Sessions seen in this client's events (the most recent 20 are tracked). */
  sessions: number;
  /** Sessions with at least one `$snapshot` (or plain rrweb upload). */
  recordedSessions: number;
  lastUploadAt: string | null;
  findings: DiagnosticFinding[];
}

export interface DoctorReport {
  generatedAt: string;
  /** Most recently active first. */
  clients: DoctorClient[];
  summary: { clients: number; errors: number; warnings: number };
  /** Clients dropped to keep the table bounded (least recently seen go first). */
  evictedClients: number;
}

/** What `onDiagnostic` receives: a finding that just appeared for a client. */
export interface Diagnostic {
  client: DoctorClientInfo;
  finding: DiagnosticFinding;
}

export interface DoctorOptions {
  /** Clients remembered at once (default 50); the least recently seen is forgotten first. */
  maxClients?: number;
  /** How long a session may send events without any `$snapshot` before that is a finding (default 15000 ms). */
  recordingGraceMs?: number;
}

/** What the server itself tells posthog-js, so findings can tell the devkit's choices from the app's. */
export interface DoctorContext {
  recordingEnabled: boolean;
  sampleRate: number | null;
  minimumDurationMs: number | null;
  hasTriggers: boolean;
  /** The posthog-js version served under /static, when known. */
  servedSdkVersion: string | null;
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

/** One SDK-facing request as the handler saw it. */
export interface ObservedRequest {
  headers: IncomingHttpHeaders;
  route: string;
  pathname: string;
  query: URLSearchParams;
  status: number;
  /** The error message sent back, for refused requests. */
  message?: string;
}

/**
 * Where the app's posthog-js version was read, weakest first. A lazy-loaded recorder from another
 * build stamps its own version on `$snapshot` events, so analytics events and the old `ver` query
 * (sent by the core itself) win over those and over script paths.
 */
const VERSION_SOURCE = { script: 0, snapshot: 1, event: 2, query: 3 } as const;

const MAX_SESSIONS = 20;
const MAX_SCRIPTS = 20;
const MAX_HOSTS = 10;
// A hostile sender cycling user agents makes new clients forever; the hook (stderr in `dev`)
// must not turn that into unbounded output. The report still has everything.
const MAX_EMITS_PER_MINUTE = 60;
const RECORDER_SCRIPTS = new Set(["lazy-recorder", "recorder", "recorder-v2", "posthog-recorder"]);
const SDK_ROUTES = new Set([
  "capture",
  "flags",
  "decide",
  "remote-config-js",
  "remote-config",
  "posthog-static",
  "rrweb-ingest",
]);

interface SessionState {
  firstEventAt: number;
  snapshots: number;
  lastSnapshotAt: number | null;
  /** `$recording_status` of the latest event sent after the remote config was served. */
  status: string | null;
}

interface ScriptState {
  name: string;
  version: string | null;
  status: number;
}

interface ClientState {
  info: DoctorClientInfo;
  botMarker: string | null;
  pageHosts: Set<string>;
  firstSeen: number;
  lastSeen: number;
  configs: number;
  firstConfigAt: number | null;
  flags: number;
  flagsWithConfig: number;
  decide: number;
  scripts: Map<string, ScriptState>;
  scriptRequests: number;
  uploads: number;
  events: number;
  sessions: Map<string, SessionState>;
  recordedSessions: Set<string>;
  lastUploadAt: number | null;
  retries: number;
  maxRetry: number;
  rejectedUploads: number;
  lastRejection: string | null;
  rejectedEvents: number;
  largestBody: { bytes: number; limit: number; kind: "sent" | "decoded" } | null;
  /** First time each finding applied. */
  found: Map<DiagnosticCode, number>;
  /** Codes already handed to onDiagnostic. */
  emitted: Set<DiagnosticCode>;
  /** Which VERSION_SOURCE set `info.sdkVersion`. */
  versionSource: number;
}

function clip(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

function headerString(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === "string" && text !== "" ? text : null;
}

/** The page's origin from Origin, else Referer (posthog-js sends it origin-only). */
function pageOrigin(headers: IncomingHttpHeaders): string | null {
  for (const raw of [headerString(headers, "origin"), headerString(headers, "referer")]) {
    if (raw === null || raw === "null" || raw.length > 2048) continue;
    try {
      const url = new URL(raw);
      if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
    } catch {
      // Not a URL: try the next header.
    }
  }
  return null;
}

function plainString(value: unknown, max: number): string | null {
  return typeof value === "string" && value !== "" && value.length <= max ? value : null;
}

const VERSION = /^\d{1,4}\.\d{1,4}\.\d{1,4}[\w.+-]{0,30}$/;

function sdkVersionOf(value: unknown): string | null {
  return typeof value === "string" && VERSION.test(value) ? value : null;
}

/**
 * The capture doctor: a small in-memory picture of each posthog-js client that talks to this
 * server, turned into findings that name why a recording is missing or degraded and how to fix it.
 * Bounded: at most `maxClients` clients, each with capped sessions, scripts and hosts.
 */
export class Doctor {
  private readonly clients = new Map<string, ClientState>();
  private readonly maxClients: number;
  private readonly graceMs: number;
  private evicted = 0;
  private emitWindowStart = 0;
  private emitsInWindow = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly context: DoctorContext,
    options: DoctorOptions = {},
    private readonly onDiagnostic: ((diagnostic: Diagnostic) => void) | null = null,
    private readonly log: (line: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxClients = options.maxClients ?? 50;
    this.graceMs = options.recordingGraceMs ?? 15_000;
    if (onDiagnostic) {
      // Some findings are about time passing with nothing arriving; only a clock can notice those.
      this.timer = setInterval(
        () => {
          for (const client of [...this.clients.values()]) this.refresh(client);
        },
        Math.min(2000, Math.max(200, this.graceMs / 4)),
      );
      this.timer.unref();
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Records an SDK-facing request (config, flags, scripts, uploads) once it was answered. */
  request(observed: ObservedRequest): void {
    if (!SDK_ROUTES.has(observed.route)) return;
    const client = this.client(observed.headers);
    const ok = observed.status >= 200 && observed.status < 300;
    const { query } = observed;
    const ver = sdkVersionOf(query.get("ver"));
    if (ver) this.setVersion(client, ver, VERSION_SOURCE.query);
    switch (observed.route) {
      case "remote-config-js":
      case "remote-config":
        if (ok) {
          client.configs++;
          client.firstConfigAt ??= this.now();
        }
        break;
      case "flags":
        client.flags++;
        if (query.get("config") === "true") {
          client.flagsWithConfig++;
          if (ok) client.firstConfigAt ??= this.now();
        }
        break;
      case "decide":
        client.decide++;
        if (ok) client.firstConfigAt ??= this.now();
        break;
      case "posthog-static":
        this.script(client, observed);
        break;
      default: {
        client.uploads++;
        const retry = Number(query.get("retry_count"));
        if (Number.isInteger(retry) && retry > 0) {
          client.retries++;
          client.maxRetry = Math.max(client.maxRetry, Math.min(retry, 1000));
        }
        if (ok) client.lastUploadAt = this.now();
        else if (observed.status >= 400) {
          client.rejectedUploads++;
          client.lastRejection = clip(`${observed.status} ${observed.message ?? ""}`.trim(), 300);
        }
      }
    }
    this.refresh(client);
  }

  /** Records what a decoded capture body said: SDK version, sessions, recording status, sizes. */
  events(
    headers: IncomingHttpHeaders,
    events: readonly CaptureEvent[],
    sizes: { bodyBytes: number; decodedBytes: number; rejectedEvents: number },
  ): void {
    const client = this.client(headers);
    const now = this.now();
    client.events += events.length;
    client.rejectedEvents += sizes.rejectedEvents;
    this.noteSize(client, sizes.bodyBytes, this.context.maxBodyBytes, "sent");
    this.noteSize(client, sizes.decodedBytes, this.context.maxDecompressedBytes, "decoded");
    for (const event of events) {
      const props = event.properties;
      const version = sdkVersionOf(props.$lib_version);
      if (version)
        this.setVersion(
          client,
          version,
          event.event === "$snapshot" ? VERSION_SOURCE.snapshot : VERSION_SOURCE.event,
        );
      for (const url of [props.$current_url, props.$snapshot_host]) {
        const raw = plainString(url, 2048);
        if (raw === null) continue;
        const host = hostOf(raw.includes("://") ? raw : `http://${raw}`);
        if (host && client.pageHosts.size < MAX_HOSTS) client.pageHosts.add(clip(host, 200));
      }
      const sessionId = plainString(props.$session_id, 200);
      if (sessionId === null) continue;
      const session = this.session(client, sessionId, now);
      if (event.event === "$snapshot") {
        session.snapshots++;
        session.lastSnapshotAt = now;
        client.recordedSessions.add(sessionId);
        if (client.recordedSessions.size > MAX_SESSIONS) {
          const oldest = client.recordedSessions.values().next().value as string;
          client.recordedSessions.delete(oldest);
        }
        continue;
      }
      const status = plainString(props.$recording_status, 40);
      // The first $pageview leaves before the config arrives and always says "disabled".
      if (status !== null && client.firstConfigAt !== null) session.status = status;
    }
    this.refresh(client);
  }

  /** Records a plain rrweb upload (`/api/rrweb`): a recording with no posthog-js around it. */
  rrweb(headers: IncomingHttpHeaders, sessionId: string): void {
    const client = this.client(headers);
    const now = this.now();
    const session = this.session(client, clip(sessionId, 200), now);
    session.snapshots++;
    session.lastSnapshotAt = now;
    client.recordedSessions.add(clip(sessionId, 200));
    if (client.recordedSessions.size > MAX_SESSIONS) {
      client.recordedSessions.delete(client.recordedSessions.values().next().value as string);
    }
    this.refresh(client);
  }

  report(): DoctorReport {
    const clients = [...this.clients.values()]
      .sort((a, b) => b.lastSeen - a.lastSeen)
      .map((client) => this.describe(client));
    let errors = 0;
    let warnings = 0;
    for (const client of clients) {
      for (const finding of client.findings) {
        if (finding.severity === "error") errors++;
        else if (finding.severity === "warning") warnings++;
      }
    }
    return {
      generatedAt: new Date(this.now()).toISOString(),
      clients,
      summary: { clients: clients.length, errors, warnings },
      evictedClients: this.evicted,
    };
  }

  private describe(client: ClientState): DoctorClient {
    const iso = (t: number) => new Date(t).toISOString();
    return {
      ...client.info,
      pageHosts: [...client.pageHosts],
      firstSeen: iso(client.firstSeen),
      lastSeen: iso(client.lastSeen),
      requests: {
        config: client.configs,
        flags: client.flags,
        decide: client.decide,
        scripts: client.scriptRequests,
        uploads: client.uploads,
      },
      sessions: client.sessions.size,
      recordedSessions: client.recordedSessions.size,
      lastUploadAt: client.lastUploadAt === null ? null : iso(client.lastUploadAt),
      findings: this.evaluate(client),
    };
  }

  private client(headers: IncomingHttpHeaders): ClientState {
    const origin = pageOrigin(headers);
    const rawUa = headerString(headers, "user-agent");
    const userAgent = rawUa === null ? null : clip(rawUa, 300);
    // Keyed on a digest of the whole header (node caps it at 16 KiB), so long user agents cost nothing.
    const key = createHash("sha256")
      .update(`${origin ?? ""}\n${rawUa ?? ""}`)
      .digest("hex");
    const now = this.now();
    const existing = this.clients.get(key);
    if (existing) {
      existing.lastSeen = now;
      // Map order is the LRU order: re-inserting makes this the most recent.
      this.clients.delete(key);
      this.clients.set(key, existing);
      return existing;
    }
    // Chromium also lists its brands in sec-ch-ua, which posthog-js checks too.
    const brands = headerString(headers, "sec-ch-ua");
    const info: DoctorClientInfo = {
      id: key.slice(0, 12),
      label: "",
      origin,
      userAgent,
      browser: browserName(userAgent),
      sdkVersion: null,
    };
    const client: ClientState = {
      info,
      // posthog-js searches the whole user agent, so the check does too.
      botMarker: botMarker(rawUa) ?? botMarker(brands),
      pageHosts: new Set(),
      firstSeen: now,
      lastSeen: now,
      configs: 0,
      firstConfigAt: null,
      flags: 0,
      flagsWithConfig: 0,
      decide: 0,
      scripts: new Map(),
      scriptRequests: 0,
      uploads: 0,
      events: 0,
      sessions: new Map(),
      recordedSessions: new Set(),
      lastUploadAt: null,
      retries: 0,
      maxRetry: 0,
      rejectedUploads: 0,
      lastRejection: null,
      rejectedEvents: 0,
      largestBody: null,
      found: new Map(),
      emitted: new Set(),
      versionSource: -1,
    };
    info.label = labelOf(info);
    this.clients.set(key, client);
    while (this.clients.size > this.maxClients) {
      const oldest = this.clients.keys().next().value as string;
      this.clients.delete(oldest);
      this.evicted++;
    }
    return client;
  }

  /** A better source of the app's SDK version replaces a weaker one, never the other way round. */
  private setVersion(client: ClientState, version: string, source: number): void {
    if (source < client.versionSource || version === client.info.sdkVersion) return;
    client.versionSource = source;
    client.info.sdkVersion = version;
    client.info.label = labelOf(client.info);
  }

  private session(client: ClientState, id: string, now: number): SessionState {
    let session = client.sessions.get(id);
    if (session) {
      client.sessions.delete(id);
    } else {
      session = { firstEventAt: now, snapshots: 0, lastSnapshotAt: null, status: null };
    }
    client.sessions.set(id, session);
    if (client.sessions.size > MAX_SESSIONS) {
      client.sessions.delete(client.sessions.keys().next().value as string);
    }
    return session;
  }

  private script(client: ClientState, observed: ObservedRequest): void {
    client.scriptRequests++;
    const parts = observed.pathname.split("/").filter((p) => p !== "");
    const file = parts.at(-1) ?? "";
    const name = clip(file.replace(/\.js(\.map)?$/, ""), 100);
    const segmentVersion = parts.length === 3 ? sdkVersionOf(parts[1]) : null;
    const version = segmentVersion ?? sdkVersionOf(observed.query.get("v"));
    // The SDK tries /static/<version>/<name>.js first and falls back to ?v=; keep the latest answer per name.
    if (client.scripts.size < MAX_SCRIPTS || client.scripts.has(name))
      client.scripts.set(name, { name, version, status: observed.status });
    if (version) this.setVersion(client, version, VERSION_SOURCE.script);
  }

  private noteSize(client: ClientState, bytes: number, limit: number, kind: "sent" | "decoded"): void {
    if (!(bytes > 0) || !(limit > 0)) return;
    const current = client.largestBody;
    if (current === null || bytes / limit > current.bytes / current.limit) {
      client.largestBody = { bytes, limit, kind };
    }
  }

  /** Evaluates the findings and hands the new ones to the hook, once per client and code. */
  private refresh(client: ClientState): void {
    const findings = this.evaluate(client);
    if (!this.onDiagnostic) return;
    for (const finding of findings) {
      if (client.emitted.has(finding.code)) continue;
      client.emitted.add(finding.code);
      if (!this.allowEmit()) continue;
      try {
        this.onDiagnostic({ client: { ...client.info }, finding });
      } catch (error) {
        this.log(`replay-devkit: the onDiagnostic hook failed: ${String(error)}`);
      }
    }
  }

  private allowEmit(): boolean {
    const now = this.now();
    if (now - this.emitWindowStart >= 60_000) {
      this.emitWindowStart = now;
      this.emitsInWindow = 0;
    }
    return ++this.emitsInWindow <= MAX_EMITS_PER_MINUTE;
  }

  private evaluate(client: ClientState): DiagnosticFinding[] {
    const now = this.now();
    const out: DiagnosticFinding[] = [];
    const add = (code: DiagnosticCode, severity: DiagnosticSeverity, message: string, fix: string | null) => {
      let since = client.found.get(code);
      if (since === undefined) {
        since = now;
        client.found.set(code, since);
      }
      out.push({ code, severity, message, fix, since: new Date(since).toISOString() });
    };
    const ctx = this.context;
    const heardFromSdk = client.configs + client.flags + client.decide + client.uploads > 0;

    if (client.botMarker !== null && heardFromSdk) {
      add(
        "BOT_USER_AGENT",
        "error",
        `the user agent looks like a bot to posthog-js ("${client.botMarker}"), so it drops every event, recordings included`,
        "use a normal desktop user agent (Playwright/Puppeteer: pass --user-agent=<desktop Chrome UA> and drop --enable-automation), or set opt_out_useragent_filter: true in posthog.init for test runs",
      );
    }

    const hosts = new Set(client.pageHosts);
    const originHost = hostOf(client.info.origin);
    if (originHost) hosts.add(originHost);
    const local = [...hosts].find((h) => isNoNetworkHost(h));
    if (local !== undefined && heardFromSdk) {
      const port = client.info.origin ? new URL(client.info.origin).port : "";
      const suffix = port ? `:${port}` : "";
      add(
        "LOCALHOST_NO_NETWORK",
        "warning",
        `network capture is skipped on ${local}: posthog-js records no requests on pages served from localhost or 127.0.0.1`,
        `open the app as http://app.localhost${suffix} or http://127.0.0.2${suffix}, or add a hosts entry (127.0.0.1 myapp.test) and use http://myapp.test${suffix}`,
      );
    }

    if (client.decide > 0) {
      add(
        "LEGACY_SDK",
        "info",
        `${client.info.sdkVersion ? `posthog-js ${client.info.sdkVersion}` : "this posthog-js"} is an older generation: it asks /decide/ for its config (1.180 and 1.250 do)`,
        "nothing to do; the devkit answers /decide/ with the recording config (upgrade posthog-js for the current protocol)",
      );
    } else if (client.flagsWithConfig > 0) {
      add(
        "LEGACY_SDK",
        "info",
        `${client.info.sdkVersion ? `posthog-js ${client.info.sdkVersion}` : "this posthog-js"} is from the generations up to about 1.349 that read their config from /flags/?config=true (1.300 does)`,
        "nothing to do; the devkit answers with the recording config (upgrade posthog-js for the current protocol)",
      );
    } else if (client.info.sdkVersion && compareVersions(client.info.sdkVersion, "1.200.0") < 0) {
      add(
        "LEGACY_SDK",
        "info",
        `posthog-js ${client.info.sdkVersion} is an old generation (before 1.200, it asks /decide/)`,
        "nothing to do; upgrade posthog-js for the current protocol",
      );
    }

    if (client.info.sdkVersion) {
      add("SDK_VERSION", "info", `posthog-js ${client.info.sdkVersion}`, null);
    }

    if (!ctx.recordingEnabled && client.configs + client.flagsWithConfig + client.decide > 0) {
      add(
        "RECORDING_DISABLED_BY_DEVKIT",
        "warning",
        "this devkit serves sessionRecording: false, so posthog-js records nothing",
        "start the devkit with recording enabled (recordingConfig.enabled: true, the default)",
      );
    }

    for (const script of client.scripts.values()) {
      if (script.status < 400) continue;
      const recorder = RECORDER_SCRIPTS.has(script.name);
      const at = script.version ? ` (posthog-js ${script.version})` : "";
      add(
        recorder ? "RECORDER_SCRIPT_MISSING" : "STATIC_SCRIPT_MISSING",
        recorder ? "error" : "warning",
        `posthog-js asked for /static/${script.name}.js${at} and the devkit answered ${script.status}${recorder ? ", so the recorder cannot load" : ""}`,
        recorder
          ? 'start `replay-devkit dev` from an install that has posthog-js next to it, or bundle the recorder in your app: import "posthog-js/dist/posthog-recorder" (or load array.full.js)'
          : "serve posthog-js's dist from the devkit (replay-devkit dev does) or load the script from your own bundle",
      );
      break;
    }
    const served = ctx.servedSdkVersion;
    const recorderScript = [...client.scripts.values()].find(
      (s) => RECORDER_SCRIPTS.has(s.name) && s.status < 400,
    );
    if (served && recorderScript && client.info.sdkVersion && client.info.sdkVersion !== served) {
      add(
        "SDK_VERSION_MISMATCH",
        "warning",
        `the app runs posthog-js ${client.info.sdkVersion} but lazy-loaded the recorder from the devkit's posthog-js ${served}; mixed versions are only best-effort compatible`,
        `bundle the recorder with your app (import "posthog-js/dist/posthog-recorder"), or align versions: npm install posthog-js@${served}`,
      );
    }

    if (client.retries > 0) {
      add(
        "UPLOAD_RETRIES",
        "warning",
        `posthog-js is re-sending uploads (${client.retries} with retry_count, up to ${client.maxRetry}): earlier requests failed`,
        "look for failed requests to this devkit in the browser's network panel (CORS or net::ERR_* errors, the devkit restarting, a proxy in between); the devkit answers every capture request with 200 when it can store it",
      );
    }
    if (client.rejectedUploads > 0) {
      add(
        "UPLOADS_REJECTED",
        "error",
        `${client.rejectedUploads} upload(s) were refused; posthog-js drops a refused batch without retrying. Last: ${client.lastRejection ?? "?"}`,
        "check the devkit's log for the reason; for 413 raise limits.maxBodyBytes / maxDecompressedBytes, for undecodable bodies make sure nothing between the app and the devkit rewrites them",
      );
    }
    if (client.rejectedEvents > 0) {
      add(
        "EVENTS_REJECTED",
        "warning",
        `${client.rejectedEvents} unreadable $snapshot event(s) were dropped from otherwise good uploads`,
        "see the devkit's log for the first reason; a custom recorder or proxy that rewrites $snapshot_data is the usual cause",
      );
    }
    const largest = client.largestBody;
    if (largest && largest.bytes >= largest.limit * 0.75) {
      add(
        "PAYLOAD_NEAR_LIMIT",
        "warning",
        `an upload ${largest.kind === "sent" ? "sent" : "decoded to"} ${formatBytes(largest.bytes)}, ${Math.round((largest.bytes / largest.limit) * 100)}% of the devkit's ${formatBytes(largest.limit)} limit`,
        "find what makes snapshots heavy (inlined CSS, data: URLs, canvas) and block it with session_recording.blockSelector, or raise the devkit's limits",
      );
    }

    if (client.botMarker === null) this.recordingFindings(client, now, add);
    return out;
  }

  private recordingFindings(
    client: ClientState,
    now: number,
    add: (code: DiagnosticCode, severity: DiagnosticSeverity, message: string, fix: string | null) => void,
  ): void {
    const ctx = this.context;
    if (client.uploads === 0) {
      const configAt = client.firstConfigAt;
      if (configAt !== null && now - configAt >= this.graceMs) {
        add(
          "NO_EVENTS",
          "warning",
          `posthog-js loaded its config ${Math.round((now - configAt) / 1000)}s ago but sent no events: it is opted out, blocked from sending, or its requests are failing`,
          "check posthog.has_opted_out_capturing() and the browser console; requests to this devkit must not be blocked by an extension or a Content-Security-Policy (connect-src)",
        );
      }
      return;
    }
    if (client.recordedSessions.size > 0) {
      const count = client.recordedSessions.size;
      const ago =
        client.lastUploadAt === null
          ? "?"
          : `${Math.max(0, Math.round((now - client.lastUploadAt) / 1000))}s`;
      add(
        "RECORDING_OK",
        "ok",
        `recording: ${count} session${count === 1 ? "" : "s"}, last upload ${ago} ago`,
        null,
      );
    }
    // The newest session that has been sending events for a while without a single snapshot.
    let stuck: SessionState | null = null;
    for (const session of client.sessions.values()) {
      if (session.snapshots === 0 && now - session.firstEventAt >= this.graceMs) stuck = session;
    }
    if (stuck === null) return;
    if (!ctx.recordingEnabled) return; // RECORDING_DISABLED_BY_DEVKIT says it already.
    const seconds = Math.round((now - stuck.firstEventAt) / 1000);
    const head = `a session started ${seconds}s ago and sent events but no $snapshot`;
    const recorder = [...client.scripts.values()].find((s) => RECORDER_SCRIPTS.has(s.name));
    switch (stuck.status) {
      case "disabled":
        if (ctx.sampleRate !== null) {
          add(
            "RECORDING_NOT_STARTED",
            "warning",
            `${head}: posthog-js reports recording disabled, and this devkit samples sessions at ${ctx.sampleRate}: this one was sampled out`,
            "start the devkit without a sampleRate (record every session) or open a new session",
          );
        } else {
          add(
            "RECORDING_NOT_STARTED",
            "error",
            `${head}: posthog-js reports recording disabled although the devkit turns it on`,
            "remove disable_session_recording: true from posthog.init (or call posthog.startSessionRecording()); opt_out_capturing() and cookieless_mode: 'always' also stop it",
          );
        }
        return;
      case "lazy_loading":
        add(
          "RECORDING_NOT_STARTED",
          "error",
          recorder
            ? `${head}: the recorder script /static/${recorder.name}.js answered ${recorder.status} but posthog-js is still loading it`
            : `${head}: posthog-js is waiting for its recorder script, which was never requested from this devkit (a Content-Security-Policy, an ad blocker, disable_external_dependency_loading: true, or asset_host pointing elsewhere)`,
          'bundle the recorder: import "posthog-js/dist/posthog-recorder" next to posthog-js (or load array.full.js), or allow this devkit in script-src',
        );
        return;
      case "buffering":
        add(
          "RECORDING_NOT_STARTED",
          "warning",
          ctx.minimumDurationMs !== null
            ? `${head}: posthog-js is buffering until the session is ${ctx.minimumDurationMs} ms long (minimumDurationMilliseconds)`
            : `${head}: posthog-js is buffering (waiting for flags, a linked flag or a trigger)`,
          ctx.minimumDurationMs !== null
            ? "keep using the page, or start the devkit without a minimum duration"
            : "check the linked flag and triggers the devkit serves; without them recording starts at once",
        );
        return;
      case "paused":
        add(
          "RECORDING_NOT_STARTED",
          "warning",
          `${head}: posthog-js paused recording because the page URL is on the urlBlocklist`,
          "remove the page from the devkit's urlBlocklist",
        );
        return;
      case "trigger_pending":
        add(
          "RECORDING_NOT_STARTED",
          "warning",
          `${head}: posthog-js waits for a URL or event trigger${ctx.hasTriggers ? " the devkit configured" : ""}`,
          "visit a matching URL or capture the trigger event, or drop the triggers from the devkit's config",
        );
        return;
      case "awaiting_config":
      case "missing_config":
        add(
          "RECORDING_NOT_STARTED",
          "error",
          `${head}: posthog-js never got its remote config${client.configs === 0 ? " (no config request reached this devkit)" : ""}`,
          "point api_host at this devkit; with a reverse proxy, forward /array/<token>/config.js and /flags/ too",
        );
        return;
      case "rrweb_error":
        add(
          "RECORDING_NOT_STARTED",
          "error",
          `${head}: the recorder failed to start (rrweb error)`,
          "open the browser console for the rrweb error; an older posthog-js core with a newer recorder is a common cause",
        );
        return;
      default:
        add(
          "RECORDING_NOT_STARTED",
          "warning",
          stuck.status === "active" || stuck.status === "sampled"
            ? `${head}: posthog-js says recording is ${stuck.status}, but nothing is uploaded before the first interaction (mouse, scroll, keys) and an untouched page only flushes when it unloads`
            : `${head}${stuck.status ? ` (recording status ${JSON.stringify(stuck.status)})` : " and no recording status since the config arrived"}: nothing is uploaded before the first interaction`,
          "click or type in the page and wait a few seconds; if it persists, look for failed /s/ requests in the browser's network panel",
        );
    }
  }
}

function labelOf(info: DoctorClientInfo): string {
  const parts = [info.browser];
  if (info.sdkVersion) parts.push(`posthog-js ${info.sdkVersion}`);
  return `${info.origin ?? "unknown origin"} (${parts.join(", ")})`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
