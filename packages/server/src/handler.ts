import { LivePlayback } from "./live-playback.js";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Store } from "@replay-devkit/store";
import type { ResolvedOptions, Route, RouteContext, ServerState } from "./context.js";
import {
  allowBoundHost,
  crossSiteSubresource,
  forbiddenHost,
  forbiddenOrigin,
  hostAllowed,
  originAllowed,
  requestOrigin,
  resolveAccessPolicy,
} from "./access.js";
import { allowedHostsFromEnv, allowedOriginsFromEnv, captureDirFromEnv } from "./env.js";
import { HttpError, toHttpError } from "./errors.js";
import {
  DEFAULT_SERVER_LIMITS,
  corsHeaders,
  preflightHeaders,
  privateCorsHeaders,
  sendError,
  type ServerLimits,
} from "./http.js";
import { resolveRemoteConfig, type RecordingConfig } from "./remote-config.js";
import { IngestQueue } from "./ingest-queue.js";
import { ExportPool, findWorkerEntry, type ExportPoolStats } from "./export-pool.js";
import { availableParallelism } from "node:os";
import { ROUTES, inspectorStatic } from "./routes/index.js";
import { Doctor, type Diagnostic, type DoctorOptions, type ObservedRequest } from "./doctor.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface HandlerOptions {
  store: Store;
  /** Directories served as static files: posthog-js's `dist` under /static/, the inspector's export at /. */
  staticDirs?: { posthogJs?: string; inspector?: string };
  /** What the remote config tells posthog-js to record. */
  recordingConfig?: RecordingConfig;
  /** Feature flags answered on /flags/ (a linked recording flag is turned on automatically). */
  featureFlags?: Record<string, boolean | string>;
  limits?: Partial<ServerLimits>;
  /** Reported by /health and the X-Replay-Devkit header. */
  version: string;
  /** Capture mode folder; defaults to REPLAY_DEVKIT_CAPTURE_DIR. null turns it off. */
  captureDir?: string | null;
  /** Interval of SSE keepalive comments (default 15000 ms). */
  keepaliveMs?: number;
  /** Recordings with no writes for this long are compacted in the background (default 10 min; null: never). */
  compactIdleMs?: number | null;
  /** Where warnings and failures are written (default stderr). */
  log?: (line: string) => void;
  /**
   * Browser origins (`http://host:port`) allowed to use the private JSON API, besides the server's
   * own origin and the inspector's dev server (http://localhost:3010). Added to
   * REPLAY_DEVKIT_ALLOWED_ORIGINS. Capture routes accept every origin regardless.
   */
  allowedOrigins?: readonly string[];
  /**
   * Host names (besides localhost, 127.0.0.1, [::1], *.localhost and the bound host) under which the
   * JSON API and the inspector answer; `*.example.test` matches subdomains, `*` turns the DNS-rebinding
   * check off. Added to REPLAY_DEVKIT_ALLOWED_HOSTS. Capture routes accept every Host regardless.
   */
  allowedHosts?: readonly string[];
  /**
   * Exports and privacy scans load, scrub and serialise whole recordings; they run in worker
   * threads with their own read-only database connections so capture uploads are answered
   * meanwhile. In-memory stores always render inline.
   */
  exportWorkers?: ExportWorkerOptions;
  /**
   * Called once per client and finding code when the capture doctor notices something new (a
   * headless user agent, a localhost page, a recording that never started...). The same findings
   * are served at `GET /api/doctor`. The server never prints them itself.
   */
  onDiagnostic?: (diagnostic: Diagnostic) => void;
  /** Bounds and timing of the capture doctor. */
  doctor?: DoctorOptions;
}

export interface ExportWorkerOptions {
  /** Worker threads (default 1, or 2 with 4+ cores); 0 renders exports inline on the main thread. */
  threads?: number;
  /** Exports waiting for a busy worker before more are refused with 503 BUSY (default 8). */
  queue?: number;
  /** An idle worker exits after this long (default 30000 ms). */
  idleMs?: number;
  /**
   * Heap cap of each worker in MB (default: V8's). A recording too large for it fails alone with
   * 500 INTERNAL instead of taking the whole server down.
   */
  maxHeapMb?: number;
  /** A job rendering longer than this is stopped with 503 and its worker replaced (default 5 minutes). */
  jobTimeoutMs?: number;
  /**
   * The built worker file (path or file URL). Default: `export-worker.js` next to the server's
   * module, or one folder up (bundles with a chunks/ folder); without one, exports run inline.
   */
  entry?: string | URL;
}

/** A node:http request handler with a `close()` that ends event streams and background work. */
export interface ReplayDevkitHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  readonly store: Store;
  readonly version: string;
  /** Ends open event streams and stops background compaction; later requests get 503. */
  close(): void;
  /** Number of requests being handled right now (for draining on shutdown). */
  readonly inFlight: number;
  /** Accepts `host` as a Host name for the private API; `listen()` calls it with the bound address. */
  allowHost(host: string): void;
  /** The export pool right now: mode, live worker threads, running and queued jobs, crashes. */
  readonly exportStats: ExportPoolStats;
  /**
   * Ends export worker threads now, even busy ones (their requests get 503), and resolves when
   * they have exited. `listen()` calls it after draining; `close()` alone lets running exports finish.
   */
  stopWorkers(): Promise<void>;
}

interface CompiledRoute extends Route {
  parts: string[];
}

const COMPILED: readonly CompiledRoute[] = ROUTES.map((route) => ({
  ...route,
  parts: route.path.split("/").filter((p) => p !== ""),
}));

function matchRoute(parts: readonly string[], segments: readonly string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part.startsWith("*")) {
      if (segments.length <= i) return null;
      params[part.slice(1)] = segments.slice(i).join("/");
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return null;
    if (part.startsWith(":")) params[part.slice(1)] = segment;
    else if (part !== segment) return null;
  }
  return segments.length === parts.length ? params : null;
}

function parseTarget(raw: string): { pathname: string; query: URLSearchParams; segments: string[] } {
  let target = raw;
  if (/^https?:\/\//i.test(target)) {
    const url = new URL(target);
    target = url.pathname + url.search;
  }
  if (!target.startsWith("/"))
    throw new HttpError("INVALID_PATH", "The request target must be a path starting with /.");
  const q = target.indexOf("?");
  const pathname = q === -1 ? target : target.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : target.slice(q + 1));
  const segments: string[] = [];
  for (const part of pathname.split("/")) {
    if (part === "") continue;
    try {
      segments.push(decodeURIComponent(part));
    } catch {
      throw new HttpError("INVALID_PATH", "The path has malformed percent-encoding.");
    }
  }
  return { pathname, query, segments };
}

function resolveOptions(options: HandlerOptions): ResolvedOptions {
  if (!options || typeof options.store?.ingestSnapshots !== "function") {
    throw new HttpError(
      "INVALID_OPTIONS",
      "createHandler needs a store from @replay-devkit/store's openStore().",
    );
  }
  if (typeof options.version !== "string" || options.version === "") {
    throw new HttpError("INVALID_OPTIONS", "createHandler needs a version string (reported by /health).");
  }
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new HttpError("INVALID_OPTIONS", `limits.${key} must be a positive number of bytes.`);
    }
  }
  return {
    store: options.store,
    version: options.version,
    posthogJsDir: options.staticDirs?.posthogJs ?? null,
    inspectorDir: options.staticDirs?.inspector ?? null,
    remote: resolveRemoteConfig(options.recordingConfig, options.featureFlags),
    limits,
    captureDir: options.captureDir === undefined ? captureDirFromEnv() : options.captureDir,
    keepaliveMs: options.keepaliveMs ?? 15_000,
    access: resolveAccessPolicy(
      [...allowedOriginsFromEnv(), ...(options.allowedOrigins ?? [])],
      [...allowedHostsFromEnv(), ...(options.allowedHosts ?? [])],
      {
        origins: "allowedOrigins / REPLAY_DEVKIT_ALLOWED_ORIGINS",
        hosts: "allowedHosts / REPLAY_DEVKIT_ALLOWED_HOSTS",
      },
    ),
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}

/**
 * Builds the whole server as one request handler: the posthog-js capture protocol, the JSON API,
 * server-sent events and static files, all backed by the injected store. Bind it with `listen()`
 * or any node:http server (tests use port 0).
 */
export function createHandler(options: HandlerOptions): ReplayDevkitHandler {
  const resolved = resolveOptions(options);
  const doctor = createDoctor(resolved, options);
  const pool = createExportPool(resolved, options.exportWorkers);
  const state: ServerState = {
    streams: new Set(),
    captureSeq: 0,
    closed: false,
    rejectedEvents: 0,
    ingest: new IngestQueue(resolved.store),
    exports: pool,
    doctor,
    playback: new LivePlayback(),
  };
  let inFlight = 0;
  // Diagnostics are a side channel: a bug there must never cost an upload its answer.
  const observe = (request: ObservedRequest) => {
    try {
      doctor.request(request);
    } catch (error) {
      resolved.log(`replay-devkit: the capture doctor failed: ${describeCause(error)}`);
    }
  };

  let compactTimer: NodeJS.Timeout | null = null;
  const compactIdleMs = options.compactIdleMs === undefined ? 10 * 60_000 : options.compactIdleMs;
  if (compactIdleMs !== null) {
    compactTimer = setInterval(
      () => {
        try {
          resolved.store.compactIdle(compactIdleMs);
        } catch (error) {
          resolved.log(`replay-devkit: background compaction failed: ${String(error)}`);
        }
      },
      Math.min(60_000, Math.max(1000, compactIdleMs)),
    );
    compactTimer.unref();
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("x-replay-devkit", resolved.version);
    let observed: { route: string; pathname: string; query: URLSearchParams } | null = null;
    try {
      const method = (req.method ?? "GET").toUpperCase();
      const { pathname, query, segments } = parseTarget(req.url ?? "/");
      const matches: { route: CompiledRoute; params: Record<string, string> }[] = [];
      for (const route of COMPILED) {
        const params = matchRoute(route.parts, segments);
        if (params) matches.push({ route, params });
      }
      const open = matches.length > 0 && matches.every((m) => m.route.open === true);
      let cors: OutgoingHttpHeaders;
      if (open) cors = corsHeaders(req);
      else {
        // Private: recordings leave the machine only to pages the developer trusts.
        const host = req.headers.host;
        if (!hostAllowed(resolved.access, host)) throw forbiddenHost(host ?? "");
        const origin = requestOrigin(req);
        if (origin !== undefined && !originAllowed(resolved.access, origin, host))
          throw forbiddenOrigin(origin);
        if (origin === undefined && crossSiteSubresource(req)) {
          throw new HttpError(
            "FORBIDDEN_ORIGIN",
            "Another site's page tried to load the recordings API as a script, image or style sheet. Read recordings with fetch from the inspector or an allowed origin (allowedOrigins / REPLAY_DEVKIT_ALLOWED_ORIGINS).",
          );
        }
        cors = privateCorsHeaders(origin);
      }
      for (const name in cors) res.setHeader(name, cors[name] as string);
      if (state.closed) throw new HttpError("UNAVAILABLE", "replay-devkit is shutting down.");
      if (method === "OPTIONS") {
        res.writeHead(204, preflightHeaders(req, cors));
        res.end();
        return;
      }
      const wanted = method === "HEAD" ? "GET" : method;
      const allowed = new Set<string>();
      for (const { route, params } of matches) {
        if (route.method !== wanted) {
          allowed.add(route.method);
          continue;
        }
        const ctx: RouteContext = { req, res, segments, pathname, query, params, options: resolved, state };
        observed = { route: route.name, pathname, query };
        await route.handler(ctx);
        observe({ headers: req.headers, ...observed, status: res.statusCode });
        return;
      }
      if (allowed.size > 0) {
        res.setHeader("allow", [...allowed, "OPTIONS"].join(", "));
        throw new HttpError(
          "METHOD_NOT_ALLOWED",
          `${method} is not allowed on ${pathname}; use ${[...allowed].join(" or ")}.`,
        );
      }
      if (wanted === "GET") {
        await inspectorStatic({ req, res, segments, pathname, query, params: {}, options: resolved, state });
        return;
      }
      throw new HttpError(
        "NOT_FOUND",
        `No route for ${method} ${pathname}; see the server README for the API.`,
      );
    } catch (thrown) {
      const error = toHttpError(thrown);
      if (observed !== null)
        observe({ headers: req.headers, ...observed, status: error.status, message: error.message });
      // 503 is expected back-pressure (export queue full, shutting down): one line, no stack.
      if (error.status === 503)
        resolved.log(`replay-devkit: ${req.method} ${req.url}: ${error.code}: ${error.message}`);
      else if (error.status >= 500)
        resolved.log(`replay-devkit: ${req.method} ${req.url}: ${describeCause(thrown)}`);
      if (res.headersSent) res.destroy();
      else sendError(res, error);
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    let counted = true;
    const done = () => {
      if (counted) {
        counted = false;
        inFlight--;
      }
    };
    res.on("close", done);
    res.on("finish", done);
    // Event streams stay open for as long as the page does; they do not count as in flight.
    dispatch(req, res).then(
      () => {
        if (state.streams.has(res)) done();
      },
      (error: unknown) => {
        // dispatch answers its own errors; reaching here means even that failed, so cut the socket.
        resolved.log(`replay-devkit: ${req.method} ${req.url}: ${describeCause(error)}`);
        done();
        res.destroy();
      },
    );
  };

  return Object.defineProperties(handler, {
    store: { value: resolved.store, enumerable: true },
    version: { value: resolved.version, enumerable: true },
    inFlight: { get: () => inFlight, enumerable: true },
    allowHost: { value: (host: string) => allowBoundHost(resolved.access, host) },
    exportStats: { get: () => pool.stats, enumerable: true },
    stopWorkers: { value: () => pool.terminate() },
    close: {
      value: () => {
        state.closed = true;
        state.doctor.close();
        pool.close();
        if (compactTimer) clearInterval(compactTimer);
        compactTimer = null;
        for (const res of state.streams) res.end();
        state.streams.clear();
      },
    },
  }) as ReplayDevkitHandler;
}

function createExportPool(resolved: ResolvedOptions, options: ExportWorkerOptions = {}): ExportPool {
  const threads = options.threads ?? (availableParallelism() >= 4 ? 2 : 1);
  const queue = options.queue ?? 8;
  const idleMs = options.idleMs ?? 30_000;
  const check = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new HttpError(
        "INVALID_OPTIONS",
        `exportWorkers.${name} must be an integer from ${min} to ${max}, got ${String(value)}.`,
      );
  };
  check("threads", threads, 0, 16);
  check("queue", queue, 0, 1000);
  check("idleMs", idleMs, 1, 24 * 3_600_000);
  if (options.maxHeapMb !== undefined) check("maxHeapMb", options.maxHeapMb, 16, 1 << 20);
  if (options.jobTimeoutMs !== undefined) check("jobTimeoutMs", options.jobTimeoutMs, 1, 24 * 3_600_000);
  let entry: URL | null;
  try {
    entry = findWorkerEntry(options.entry);
  } catch (error) {
    throw new HttpError(
      "INVALID_OPTIONS",
      `exportWorkers.entry is not a usable file path or URL: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  if (entry === null && threads > 0 && import.meta.url.endsWith(".js")) {
    // Built (or bundled) without the worker file next to it: still correct, but exports block ingest.
    resolved.log(
      "replay-devkit: warning: export-worker.js was not found next to the server's code; exports and scans run on the main thread and pause capture while they do.",
    );
  }
  return new ExportPool(resolved.store, {
    threads,
    queue,
    idleMs,
    entry,
    maxHeapMb: options.maxHeapMb,
    jobTimeoutMs: options.jobTimeoutMs,
    log: resolved.log,
  });
}

function createDoctor(resolved: ResolvedOptions, options: HandlerOptions): Doctor {
  const doctorOptions = options.doctor ?? {};
  const check = (name: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
      throw new HttpError(
        "INVALID_OPTIONS",
        `doctor.${name} must be an integer from ${min} to ${max}, got ${String(value)}.`,
      );
  };
  check("maxClients", doctorOptions.maxClients, 1, 10_000);
  check("recordingGraceMs", doctorOptions.recordingGraceMs, 1, 24 * 3_600_000);
  if (options.onDiagnostic !== undefined && typeof options.onDiagnostic !== "function")
    throw new HttpError("INVALID_OPTIONS", "onDiagnostic must be a function.");
  const recording = resolved.remote.config.sessionRecording as Record<string, unknown> | false;
  const sampleRate = recording === false ? null : Number(recording.sampleRate ?? Number.NaN);
  const minimum = recording === false ? null : recording.minimumDurationMilliseconds;
  const triggers = (key: string) =>
    recording !== false && Array.isArray(recording[key]) && (recording[key] as unknown[]).length > 0;
  return new Doctor(
    {
      recordingEnabled: recording !== false,
      sampleRate: sampleRate !== null && Number.isFinite(sampleRate) ? sampleRate : null,
      minimumDurationMs: typeof minimum === "number" && minimum > 0 ? minimum : null,
      hasTriggers: triggers("urlTriggers") || triggers("eventTriggers"),
      servedSdkVersion: servedSdkVersion(resolved.posthogJsDir),
      maxBodyBytes: resolved.limits.maxBodyBytes,
      maxDecompressedBytes: resolved.limits.maxDecompressedBytes,
    },
    doctorOptions,
    options.onDiagnostic ?? null,
    resolved.log,
  );
}

/** posthog-js's version from the package.json next to the served `dist`, when there is one. */
function servedSdkVersion(posthogJsDir: string | null): string | null {
  if (posthogJsDir === null) return null;
  try {
    const pkg = JSON.parse(readFileSync(join(posthogJsDir, "..", "package.json"), "utf8")) as {
      name?: unknown;
      version?: unknown;
    };
    return pkg.name === "posthog-js" && typeof pkg.version === "string" ? pkg.version : null;
  } catch {
    return null;
  }
}

function describeCause(error: unknown): string {
  const cause = error instanceof HttpError && error.cause !== undefined ? error.cause : error;
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
