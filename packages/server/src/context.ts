import type { IncomingMessage, ServerResponse } from "node:http";
import type { RecordingStore } from "@replay-devkit/store";
import type { ResolvedRemoteConfig } from "./remote-config.js";
import type { ServerLimits } from "./http.js";
import type { AccessPolicy } from "./access.js";
import type { IngestQueue } from "./ingest-queue.js";
import type { ExportPool } from "./export-pool.js";
import type { Doctor } from "./doctor.js";
import type { Auth } from "./auth.js";
import type { AssetPinner } from "./asset-pinner.js";

export interface ServerState {
  /** Open server-sent-event responses, ended on shutdown. */
  readonly streams: Set<ServerResponse>;
  captureSeq: number;
  closed: boolean;
  /** Unreadable $snapshot events dropped from otherwise good capture bodies since start (see /health). */
  rejectedEvents: number;
  /** Group commit for capture bodies. */
  readonly ingest: IngestQueue;
  /** Renders exports and privacy scans off the event loop (or inline for in-memory stores). */
  readonly exports: ExportPool;
  /** What each posthog-js client's requests say about why recordings may be missing (GET /api/doctor). */
  readonly doctor: Doctor;
  /** Fetches the assets new recordings reference (`assets` option); null when pinning is off. */
  readonly assets: AssetPinner | null;
}

export interface ResolvedOptions {
  store: RecordingStore;
  version: string;
  posthogJsDir: string | null;
  inspectorDir: string | null;
  remote: ResolvedRemoteConfig;
  limits: ServerLimits;
  captureDir: string | null;
  keepaliveMs: number;
  access: AccessPolicy;
  /** The server token, sign-in cookies, share grants and the accepted project tokens. */
  auth: Auth;
  log: (line: string) => void;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Decoded path segments of the request (no empty segments). */
  segments: string[];
  pathname: string;
  query: URLSearchParams;
  params: Record<string, string>;
  options: ResolvedOptions;
  state: ServerState;
}

export type RouteHandler = (ctx: RouteContext) => void | Promise<void>;

export interface Route {
  /** For logs and the docs. */
  name: string;
  method: "GET" | "POST" | "DELETE";
  /** `/api/recordings/:id`; a final `*rest` takes the remaining segments joined by `/`. */
  path: string;
  handler: RouteHandler;
  /**
   * Open routes (capture protocol, posthog-js scripts, /health, plain rrweb ingest) answer any
   * Origin and any Host. Everything else is private: only allowed origins and hosts.
   */
  open?: boolean;
  /**
   * Answers without the server token even when one is set: what posthog-js must reach (capture,
   * config, flags, its scripts), /health, and the sign-in page. Every other route needs the token, a
   * sign-in cookie or, for one recording's read routes, a share grant.
   */
  tokenFree?: boolean;
}
