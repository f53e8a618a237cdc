import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { API_HEADERS } from "@replay-devkit/api";
import type { RecordingStore } from "@replay-devkit/store";
import type { Auth } from "./auth.js";
import { GRANT_PARAM, redactUrl, unauthorized } from "./auth.js";
import { signInPage } from "./routes/session.js";
import type { RouteContext, ServerState } from "./context.js";
import {
  allowBoundHost,
  crossSiteSubresource,
  forbiddenHost,
  forbiddenOrigin,
  hostAllowed,
  originAllowed,
  requestOrigin,
} from "./access.js";
import type { ObservedRequest } from "./doctor.js";
import { HttpError, toHttpError } from "./errors.js";
import type { ExportPoolStats } from "./export-pool.js";
import {
  createDoctor,
  createExportPool,
  createPinner,
  resolveOptions,
  type HandlerOptions,
} from "./handler-options.js";
import { corsHeaders, preflightHeaders, privateCorsHeaders, sendError } from "./http.js";
import { IngestQueue } from "./ingest-queue.js";
import { COMPILED_ROUTES, matchRoute, parseTarget, type CompiledRoute } from "./router.js";
import { inspectorStatic } from "./routes/index.js";

// The request handler: access checks, routing, dispatch to a route and error answers. Options and
// the subsystems they configure are in handler-options.ts, matching a path in router.ts.

export type { ExportWorkerOptions, HandlerOptions } from "./handler-options.js";

/** A node:http request handler with a `close()` that ends event streams and background work. */
export interface ReplayDevkitHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  readonly store: RecordingStore;
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
  /** True when the server has a token (so it may listen beyond loopback). */
  readonly tokenProtected: boolean;
}

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
    assets: createPinner(resolved, options.assets),
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
        resolved.store.compactIdle(compactIdleMs).catch((error: unknown) => {
          resolved.log(`replay-devkit: background compaction failed: ${String(error)}`);
        });
      },
      Math.min(60_000, Math.max(1000, compactIdleMs)),
    );
    compactTimer.unref();
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader(API_HEADERS.version, resolved.version);
    let observed: { route: string; pathname: string; query: URLSearchParams } | null = null;
    try {
      const method = (req.method ?? "GET").toUpperCase();
      const { pathname, query, segments } = parseTarget(req.url ?? "/");
      const matches: { route: CompiledRoute; params: Record<string, string> }[] = [];
      for (const route of COMPILED_ROUTES) {
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
      const chosen = matches.find((m) => m.route.method === wanted) ?? null;
      if (
        resolved.auth.enabled &&
        (chosen !== null || matches.length === 0) &&
        !authorize(resolved.auth, req, res, chosen?.route ?? null, chosen?.params ?? {}, segments, query)
      )
        return;
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
        resolved.log(`replay-devkit: ${req.method} ${redactUrl(req.url)}: ${error.code}: ${error.message}`);
      else if (error.status >= 500)
        resolved.log(`replay-devkit: ${req.method} ${redactUrl(req.url)}: ${describeCause(thrown)}`);
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
        resolved.log(`replay-devkit: ${req.method} ${redactUrl(req.url)}: ${describeCause(error)}`);
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
    tokenProtected: { value: resolved.auth.enabled, enumerable: true },
    close: {
      value: () => {
        state.closed = true;
        state.doctor.close();
        state.assets?.close();
        pool.close();
        if (compactTimer) clearInterval(compactTimer);
        compactTimer = null;
        for (const res of state.streams) res.end();
        state.streams.clear();
      },
    },
  }) as ReplayDevkitHandler;
}

function describeCause(error: unknown): string {
  const cause = error instanceof HttpError && error.cause !== undefined ? error.cause : error;
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}

// Files of the inspector's build: code and styles, never recordings, so a share link can load them.
const BUILD_ASSET = /\.(?:js|css|svg|ico|png|woff2?|txt|map)$/;

/**
 * With a server token: the request has it (Bearer or sign-in cookie), or it reads the one recording
 * its share grant names, or it fetches the inspector's own code. Signed-out browsers asking for an
 * inspector page get the sign-in form (401); everything else the JSON 401.
 */
function authorize(
  auth: Auth,
  req: IncomingMessage,
  res: ServerResponse,
  route: CompiledRoute | null,
  params: Record<string, string>,
  segments: readonly string[],
  query: URLSearchParams,
): boolean {
  if (!auth.enabled || route?.tokenFree === true || auth.authenticated(req)) return true;
  const grant = query.get(GRANT_PARAM);
  const method = (req.method ?? "GET").toUpperCase();
  const reading = method === "GET" || method === "HEAD";
  if (route !== null) {
    if (reading && params.id !== undefined && auth.grantAllows(grant, params.id)) return true;
    throw unauthorized();
  }
  // The inspector's static files.
  if (segments[0] === "_next" || BUILD_ASSET.test(segments.at(-1) ?? "")) return true;
  const id = query.get("id");
  if (id !== null && auth.grantAllows(grant, id)) return true;
  if (segments[0] !== "api" && String(req.headers.accept ?? "").includes("text/html")) {
    const next = req.url ?? "/";
    res.writeHead(401, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(signInPage(next.startsWith("/") ? next : "/", false));
    return false;
  }
  throw unauthorized();
}
