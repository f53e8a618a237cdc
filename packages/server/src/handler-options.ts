import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { toRecordingStore, type RecordingStore, type Store } from "@replay-devkit/store";
import { Auth, type AuthOptions } from "./auth.js";
import { resolveAccessPolicy } from "./access.js";
import type { ResolvedOptions } from "./context.js";
import { Doctor, type Diagnostic, type DoctorOptions } from "./doctor.js";
import { allowedHostsFromEnv, allowedOriginsFromEnv, captureDirFromEnv } from "./env.js";
import { ExportPool, findWorkerEntry } from "./export-pool.js";
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./http.js";
import { resolveRemoteConfig, type RecordingConfig } from "./remote-config.js";
import { ServerStartError } from "./start-errors.js";
import { AssetPinner, type AssetPinningOptions } from "./asset-pinner.js";

// createHandler's options: what a caller may pass, checked once at start-up (ServerStartError on
// anything wrong), and the export pool and capture doctor built from them.

export interface HandlerOptions {
  /** Any driver of the storage seam, or the synchronous SQLite Store (`openStore()`), which is wrapped. */
  store: Store | RecordingStore;
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
  /**
   * The server token and accepted PostHog project tokens. With a token, every route but the capture
   * protocol, /health and the sign-in page needs it; `listen()` refuses a non-loopback address without one.
   */
  auth?: AuthOptions;
  /**
   * Pin the assets recordings reference (images, stylesheets, fonts) while they are captured, so
   * replays keep them after the app's server stops. Off by default; `dev` pins from the page's
   * origin and loopback, `serve` only from the origins it is given (see the README).
   */
  assets?: AssetPinningOptions | false;
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
  /**
   * The built worker file (path or file URL). Default: `export-worker.js` next to the server's
   * module, or one folder up (bundles with a chunks/ folder); without one, exports run inline.
   */
  entry?: string | URL;
}

export function resolveOptions(options: HandlerOptions): ResolvedOptions {
  if (!options || typeof options.store?.ingestSnapshots !== "function") {
    throw new ServerStartError(
      "INVALID_OPTIONS",
      "createHandler needs a store from @replay-devkit/store's openStore().",
    );
  }
  if (typeof options.version !== "string" || options.version === "") {
    throw new ServerStartError(
      "INVALID_OPTIONS",
      "createHandler needs a version string (reported by /health).",
    );
  }
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new ServerStartError("INVALID_OPTIONS", `limits.${key} must be a positive number of bytes.`);
    }
  }
  return {
    store: toRecordingStore(options.store),
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
    auth: new Auth(options.auth),
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}

/**
 * Builds the whole server as one request handler: the posthog-js capture protocol, the JSON API,
 * server-sent events and static files, all backed by the injected store. Bind it with `listen()`
 * or any node:http server (tests use port 0).
 */

export function createExportPool(resolved: ResolvedOptions, options: ExportWorkerOptions = {}): ExportPool {
  const threads = options.threads ?? (availableParallelism() >= 4 ? 2 : 1);
  const queue = options.queue ?? 8;
  const idleMs = options.idleMs ?? 30_000;
  const check = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new ServerStartError(
        "INVALID_OPTIONS",
        `exportWorkers.${name} must be an integer from ${min} to ${max}, got ${String(value)}.`,
      );
  };
  check("threads", threads, 0, 16);
  check("queue", queue, 0, 1000);
  check("idleMs", idleMs, 1, 24 * 3_600_000);
  if (options.maxHeapMb !== undefined) check("maxHeapMb", options.maxHeapMb, 16, 1 << 20);
  let entry: URL | null;
  try {
    entry = findWorkerEntry(options.entry);
  } catch (error) {
    throw new ServerStartError(
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
    log: resolved.log,
  });
}

export function createPinner(
  resolved: ResolvedOptions,
  options: AssetPinningOptions | false | undefined,
): AssetPinner | null {
  if (options === undefined || options === false) return null;
  try {
    return new AssetPinner(resolved.store, options, resolved.log);
  } catch (error) {
    throw new ServerStartError("INVALID_OPTIONS", error instanceof Error ? error.message : String(error));
  }
}

export function createDoctor(resolved: ResolvedOptions, options: HandlerOptions): Doctor {
  const doctorOptions = options.doctor ?? {};
  const check = (name: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
      throw new ServerStartError(
        "INVALID_OPTIONS",
        `doctor.${name} must be an integer from ${min} to ${max}, got ${String(value)}.`,
      );
  };
  check("maxClients", doctorOptions.maxClients, 1, 10_000);
  check("recordingGraceMs", doctorOptions.recordingGraceMs, 1, 24 * 3_600_000);
  if (options.onDiagnostic !== undefined && typeof options.onDiagnostic !== "function")
    throw new ServerStartError("INVALID_OPTIONS", "onDiagnostic must be a function.");
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
