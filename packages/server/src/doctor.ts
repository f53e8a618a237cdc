import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { DiagnosticFinding, DoctorClient, DoctorClientInfo, DoctorReport } from "@replay-devkit/api";
import type { CaptureEvent } from "@replay-devkit/codec";
import { DOCTOR_RULES } from "./doctor-rules.js";
import type { ClientState, DoctorContext, SessionState } from "./doctor-state.js";
import { botMarker, browserName, hostOf } from "./user-agent.js";

export type { DoctorContext } from "./doctor-state.js";

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
const SDK_ROUTES = new Set([
  "capture",
  "flags",
  "decide",
  "remote-config-js",
  "remote-config",
  "posthog-static",
  "rrweb-ingest",
]);

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

  /** Runs the rule table (doctor-rules.ts) over one client; a finding keeps the time it first applied. */
  private evaluate(client: ClientState): DiagnosticFinding[] {
    const now = this.now();
    const input = { client, context: this.context, now, graceMs: this.graceMs };
    const out: DiagnosticFinding[] = [];
    for (const rule of DOCTOR_RULES) {
      const hit = rule.check(input);
      if (hit === null) continue;
      let since = client.found.get(rule.code);
      if (since === undefined) {
        since = now;
        client.found.set(rule.code, since);
      }
      out.push({ code: rule.code, ...hit, since: new Date(since).toISOString() });
    }
    return out;
  }
}

function labelOf(info: DoctorClientInfo): string {
  const parts = [info.browser];
  if (info.sdkVersion) parts.push(`posthog-js ${info.sdkVersion}`);
  return `${info.origin ?? "unknown origin"} (${parts.join(", ")})`;
}
