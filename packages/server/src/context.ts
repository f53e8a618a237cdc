import type { IncomingMessage, ServerResponse } from "node:http";
import type { Recording } from "@replay-devkit/codec";
import type { Store } from "@replay-devkit/store";
import type { ResolvedRemoteConfig } from "./remote-config.js";
import type { ServerLimits } from "./http.js";
import type { AccessPolicy } from "./access.js";
import type { IngestQueue } from "./ingest-queue.js";
import type { ExportPool } from "./export-pool.js";
import type { Doctor } from "./doctor.js";
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
  /** A video is rendering (one at a time). */
  videoBusy: boolean;
}

/** A pinned copy with its bytes, as the video renderer takes it. */
export interface VideoAssetInput {
  url: string;
  sha256: string;
  contentType: string;
  data: Uint8Array;
}

/**
 * Renders a video (`GET /api/recordings/:id/video`); injected by the host so the server itself has
 * no browser dependency. `dev` passes @replay-devkit/video's renderVideo.
 */
export type VideoRenderer = (input: {
  recording: Recording;
  format: "mp4" | "gif";
  assets: VideoAssetInput[];
  fromMs?: number;
  toMs?: number;
}) => Promise<{ data: Uint8Array; contentType: string }>;

export interface ResolvedOptions {
  store: Store;
  version: string;
  posthogJsDir: string | null;
  inspectorDir: string | null;
  remote: ResolvedRemoteConfig;
  limits: ServerLimits;
  captureDir: string | null;
  keepaliveMs: number;
  access: AccessPolicy;
  log: (line: string) => void;
  video: VideoRenderer | null;
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
}
