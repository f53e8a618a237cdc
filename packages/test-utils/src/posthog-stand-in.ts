import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import * as snappy from "snappyjs";
import type { StandInEvent, StandInRecording } from "./posthog-recording.js";

/*
 * A stand-in for PostHog's recording API, written from PostHog's own code (cited per fact; the
 * package README of @replay-devkit/posthog-api lists the files):
 * - routes under /api/environments/:project/ and /api/projects/:project/ (older hosts: projects only);
 * - PersonalAPIKeyAuthentication: `Authorization: Bearer <key>`; an unknown key is 401 "Personal API key
 *   found in request Authorization header is invalid."; APIScopePermission: a key without the scope is
 *   403 "API key missing required scope 'session_recording:read'" (query API: 'query:read');
 * - errors in drf-exceptions-hog's shape `{type, code, detail, attr}`; 410 `{"error":"recording_deleted",…}`;
 * - GET session_recordings/:id → the SessionRecordingSerializer object, 404 "Recording not found";
 * - GET …/snapshots → `{"sources":[{source:"blob_v2",start_timestamp,end_timestamp,blob_key:"<i>"}]}`;
 *   `?source=blob_v2&start_blob_key=&end_blob_key=` (both needed, integers, end − start ≤ 20 for a
 *   personal API key, end < block count else 404 "Block index out of range"); `decompress=true`
 *   (default) → application/jsonl, blocks joined and the trailing newline trimmed; `decompress=false`
 *   → application/octet-stream, each block a 4-byte big-endian length and raw Snappy;
 *   `?source=blob_v2_lts&blob_key=` → the whole recording;
 * - GET session_recordings (list) → `{results, has_next, version: 4, next_cursor?}`, filters as JSON
 *   query parameters of RecordingsQuery (date_from, date_to, distinct_ids, person_uuid, properties with
 *   visited_page, having_predicates with duration, console_log_filters with level, limit, offset, after);
 * - POST query/ with a HogQLQuery → `{results, columns, types, hasMore}`. The stand-in does not run
 *   HogQL: it answers the devkit's session-events query (values.session_id, LIMIT/OFFSET) from the
 *   captured events.
 * Faults (429 + Retry-After, 5xx, dropped connections) are injected per request by the test.
 */

export interface PosthogStandInOptions {
  projectId?: number;
  /** Personal API keys and their scopes. Default: one key with session_recording:read and query:read. */
  keys?: Record<string, readonly string[]>;
  /** Serve /api/environments/ too (current PostHog). False: an older host with /api/projects/ only. */
  environments?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export interface AddRecordingOptions {
  /** Answer 410 `recording_deleted` to block requests (metadata and sources still answer 200). */
  deletedAtBlocks?: boolean;
  /** List one blob_v2_lts source instead of blob_v2 blocks (a recording in long-term storage). */
  lts?: boolean;
}

/** One request as the stand-in saw it; the key itself is never kept. */
export interface LoggedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** `Authorization: Bearer <a known key>` was sent. */
  bearer: boolean;
  /** performance.now() when the request arrived. */
  at: number;
  status: number;
}

export type Fault =
  | { when: (req: LoggedRequest) => boolean; status: number; headers?: Record<string, string>; body?: string }
  /** Send the status line, then `afterBlocks` whole blocks and part of the next, then cut the connection. */
  | { when: (req: LoggedRequest) => boolean; dropAfterBlocks: number }
  /** Cut the connection before any answer. */
  | { when: (req: LoggedRequest) => boolean; drop: true };

export interface PosthogStandIn {
  url: string;
  projectId: number;
  /** The default key (full scopes). */
  key: string;
  addRecording(recording: StandInRecording, opts?: AddRecordingOptions): void;
  /** The recording object the stand-in serves (computed from the events as PostHog's ingestion does). */
  metadataOf(sessionId: string): Record<string, unknown>;
  /** Faults are used once each, in order of arrival of a matching request. */
  fault(fault: Fault): void;
  /** Every request so far. */
  readonly requests: LoggedRequest[];
  /** The length-prefixed Snappy body of every block of a recording, as one download would carry them. */
  rawBlocks(sessionId: string): Buffer;
  close(): Promise<void>;
}

interface Held {
  recording: StandInRecording;
  opts: AddRecordingOptions;
  metadata: Record<string, unknown>;
  /** Every page URL of the recording (PostHog's `all_urls`, what `visited_page` filters on). */
  urls: string[];
  /** Each block's JSONL text (lines joined by \n, with the trailing newline PostHog's files carry). */
  jsonl: string[];
  snappy: Buffer[];
}

export const STAND_IN_KEY = "phx_standin_0123456789abcdef";
const BLOCK_LIMIT_PERSONAL_KEY = 20;

export async function startPosthogStandIn(options: PosthogStandInOptions = {}): Promise<PosthogStandIn> {
  const projectId = options.projectId ?? 1;
  const keys = options.keys ?? { [STAND_IN_KEY]: ["session_recording:read", "query:read"] };
  const environments = options.environments !== false;
  const held = new Map<string, Held>();
  const faults: Fault[] = [];
  const requests: LoggedRequest[] = [];

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const auth = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    const entry: LoggedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      bearer: auth !== undefined && auth in keys,
      at: performance.now(),
      status: 0,
    };
    requests.push(entry);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (
        status: number,
        body: string | Buffer,
        type = "application/json",
        headers: Record<string, string> = {},
      ) => {
        entry.status = status;
        res.writeHead(status, { "content-type": type, ...headers });
        res.end(body);
      };
      const error = (status: number, type: string, code: string, detail: string) =>
        send(status, JSON.stringify({ type, code, detail, attr: null }));

      const faultAt = faults.findIndex((f) => f.when(entry));
      const fault = faultAt === -1 ? undefined : faults.splice(faultAt, 1)[0];
      if (fault && "drop" in fault) {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (fault && "status" in fault) {
        send(
          fault.status,
          fault.body ?? JSON.stringify({ detail: `stand-in fault ${fault.status}` }),
          "application/json",
          fault.headers,
        );
        return;
      }

      const match = /^\/api\/(environments|projects)\/(\d+)\/(.*)$/.exec(url.pathname);
      if (!match || (match[1] === "environments" && !environments)) {
        send(404, "<h1>Not Found</h1>", "text/html");
        return;
      }
      if (match[2] !== String(projectId)) {
        error(404, "invalid_request", "not_found", "Project not found.");
        return;
      }
      if (req.headers.authorization === undefined) {
        error(
          401,
          "authentication_error",
          "not_authenticated",
          "Authentication credentials were not provided.",
        );
        return;
      }
      if (!entry.bearer) {
        error(
          401,
          "authentication_error",
          "authentication_failed",
          "Personal API key found in request Authorization header is invalid.",
        );
        return;
      }
      const scopes = keys[auth as string] ?? [];
      const rest = match[3] as string;
      const needs = rest === "query/" ? "query" : "session_recording";
      if (!scopes.includes(`${needs}:read`) && !scopes.includes(`${needs}:write`) && !scopes.includes("*")) {
        error(
          403,
          "authentication_error",
          "permission_denied",
          `API key missing required scope '${needs}:read'`,
        );
        return;
      }

      if (rest === "query/" && req.method === "POST") {
        answerQuery(Buffer.concat(chunks).toString("utf8"), held, send, error);
        return;
      }
      if (rest === "session_recordings" && req.method === "GET") {
        answerList(url.searchParams, held, send);
        return;
      }
      const recording = /^session_recordings\/([A-Za-z0-9-]+)(\/snapshots)?$/.exec(rest);
      if (!recording || req.method !== "GET") {
        send(404, "<h1>Not Found</h1>", "text/html");
        return;
      }
      const h = held.get(recording[1] as string);
      if (!h) {
        error(404, "invalid_request", "not_found", "Recording not found");
        return;
      }
      if (!recording[2]) {
        send(200, JSON.stringify(h.metadata));
        return;
      }
      answerSnapshots(url.searchParams, h, fault, req, res, entry, send, error);
    });
  };

  const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    projectId,
    key: STAND_IN_KEY,
    requests,
    addRecording(recording, opts = {}) {
      const jsonl = recording.blocks.map((lines) => `${lines.join("\n")}\n`);
      const { urls, metadata } = posthogMetadata(recording);
      held.set(recording.sessionId, {
        recording,
        opts,
        metadata,
        urls,
        jsonl,
        snappy: jsonl.map((text) => Buffer.from(snappy.compress(Buffer.from(text, "utf8")))),
      });
    },
    metadataOf(sessionId) {
      const h = held.get(sessionId);
      if (!h) throw new Error(`no recording ${sessionId}`);
      return h.metadata;
    },
    fault(f) {
      faults.push(f);
    },
    rawBlocks(sessionId) {
      const h = held.get(sessionId);
      if (!h) throw new Error(`no recording ${sessionId}`);
      return lengthPrefixed(h.snappy);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Send = (status: number, body: string | Buffer, type?: string, headers?: Record<string, string>) => void;
type SendError = (status: number, type: string, code: string, detail: string) => void;

function lengthPrefixed(blocks: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const block of blocks) {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(block.length);
    parts.push(prefix, block);
  }
  return Buffer.concat(parts);
}

function answerSnapshots(
  q: URLSearchParams,
  h: Held,
  fault: Fault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  entry: LoggedRequest,
  send: Send,
  error: SendError,
): void {
  const source = q.get("source");
  const decompress = q.get("decompress") !== "false";
  if (source === null) {
    const timestamps = h.recording.blocks.map((lines) =>
      lines.map((l) => (JSON.parse(l) as [string, { timestamp: number }])[1].timestamp),
    );
    const sources = h.opts.lts
      ? [
          {
            source: "blob_v2_lts",
            blob_key: `session_recordings_lts/team_id/1/session_id/${h.recording.sessionId}/data`,
          },
        ]
      : timestamps.map((ts, i) => ({
          source: "blob_v2",
          start_timestamp: new Date(Math.min(...ts)).toISOString(),
          end_timestamp: new Date(Math.max(...ts)).toISOString(),
          blob_key: String(i),
        }));
    send(200, JSON.stringify({ sources }));
    return;
  }
  if (source !== "blob_v2" && source !== "blob_v2_lts") {
    error(
      400,
      "validation_error",
      "invalid_input",
      "Invalid source must be one of [blob_v2, blob_v2_ts, None]",
    );
    return;
  }
  if (h.opts.deletedAtBlocks) {
    send(
      410,
      JSON.stringify({
        error: "recording_deleted",
        message: "This recording has been permanently deleted",
        deleted_at: "2026-11-30T12:00:00Z",
        deleted_by: "someone@example.com",
      }),
    );
    return;
  }
  if (source === "blob_v2_lts") {
    if (!h.opts.lts || !q.get("blob_key")) {
      error(404, "invalid_request", "not_found", "Recording not found");
      return;
    }
    const all = h.jsonl.join("");
    if (decompress) send(200, all.replace(/\n+$/, ""), "application/jsonl");
    else send(200, Buffer.from(snappy.compress(Buffer.from(all))), "application/octet-stream");
    return;
  }
  const startText = q.get("start_blob_key");
  const endText = q.get("end_blob_key");
  if (!startText || !endText) {
    error(400, "validation_error", "invalid_input", "Must provide both start blob key and end blob key");
    return;
  }
  if (!/^-?\d+$/.test(startText) || !/^-?\d+$/.test(endText)) {
    error(400, "validation_error", "invalid_input", "Blob keys must be integers");
    return;
  }
  const start = Number(startText);
  const end = Number(endText);
  if (end - start > BLOCK_LIMIT_PERSONAL_KEY) {
    error(
      400,
      "validation_error",
      "invalid_input",
      `Cannot request more than ${BLOCK_LIMIT_PERSONAL_KEY} blob keys at once`,
    );
    return;
  }
  if (end >= h.snappy.length) {
    error(404, "invalid_request", "not_found", "Block index out of range");
    return;
  }
  const range = Array.from({ length: Math.max(0, end - start + 1) }, (_, i) => start + i);
  if (decompress) {
    send(
      200,
      range
        .map((i) => h.jsonl[i])
        .join("")
        .replace(/\n+$/, ""),
      "application/jsonl",
    );
    return;
  }
  const body = lengthPrefixed(range.map((i) => h.snappy[i] as Buffer));
  if (fault && "dropAfterBlocks" in fault) {
    const whole = lengthPrefixed(
      range.slice(0, fault.dropAfterBlocks).map((i) => h.snappy[i] as Buffer),
    ).length;
    entry.status = 200;
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(body.length) });
    res.write(body.subarray(0, Math.min(body.length - 1, whole + 3)), () => req.socket.destroy());
    return;
  }
  send(200, body, "application/octet-stream");
}

function answerQuery(text: string, held: Map<string, Held>, send: Send, error: SendError): void {
  let request: { query?: { kind?: unknown; query?: unknown; values?: { session_id?: unknown } } };
  try {
    request = JSON.parse(text) as typeof request;
  } catch {
    error(400, "validation_error", "parse_error", "JSON parse error");
    return;
  }
  const query = request.query;
  if (query?.kind !== "HogQLQuery" || typeof query.query !== "string") {
    error(400, "validation_error", "invalid_input", "unsupported query");
    return;
  }
  const limit = Number(/LIMIT (\d+)/.exec(query.query)?.[1] ?? 100);
  const offset = Number(/OFFSET (\d+)/.exec(query.query)?.[1] ?? 0);
  const sessionId = query.values?.session_id;
  const events: StandInEvent[] =
    typeof sessionId === "string" ? (held.get(sessionId)?.recording.events ?? []) : [];
  const page = events.slice(offset, offset + limit);
  send(
    200,
    JSON.stringify({
      columns: ["uuid", "event", "timestamp", "distinct_id", "properties"],
      types: ["UUID", "String", "DateTime64(6, 'UTC')", "String", "String"],
      results: page.map((e) => [e.uuid, e.event, e.timestamp, e.distinct_id, JSON.stringify(e.properties)]),
      hasMore: offset + limit < events.length,
      hogql: query.query,
    }),
  );
}

function answerList(q: URLSearchParams, held: Map<string, Held>, send: Send): void {
  const json = (name: string): unknown => {
    const value = q.get(name);
    if (value === null) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  };
  const dateFrom = q.get("date_from");
  const dateTo = q.get("date_to");
  const distinctIds = json("distinct_ids") as string[] | undefined;
  const personUuid = q.get("person_uuid");
  const properties = (json("properties") as { key?: string; value?: string }[] | undefined) ?? [];
  const having =
    (json("having_predicates") as { key?: string; operator?: string; value?: number }[] | undefined) ?? [];
  const consoleFilters =
    (json("console_log_filters") as { key?: string; value?: string[] }[] | undefined) ?? [];
  let list = [...held.values()];
  list = list.filter(({ metadata: m, urls }) => {
    const start = String(m.start_time);
    if (dateFrom && !dateFrom.startsWith("-") && start < new Date(dateFrom).toISOString()) return false;
    if (dateTo && !dateTo.startsWith("-") && start > new Date(dateTo).toISOString()) return false;
    if (distinctIds && !distinctIds.includes(String(m.distinct_id))) return false;
    if (personUuid && (m.person as { uuid?: string } | undefined)?.uuid !== personUuid) return false;
    for (const p of properties) {
      if (
        p.key === "visited_page" &&
        !urls.some((u) => u.toLowerCase().includes(String(p.value).toLowerCase()))
      )
        return false;
    }
    for (const p of having) {
      if (p.key === "duration" && p.operator === "gt" && !(Number(m.recording_duration) > Number(p.value)))
        return false;
    }
    for (const f of consoleFilters) {
      if (f.key === "level" && f.value?.includes("error") && !(Number(m.console_error_count) > 0))
        return false;
    }
    return true;
  });
  list.sort((a, b) => String(b.metadata.start_time).localeCompare(String(a.metadata.start_time)));
  const limit = Number(q.get("limit") ?? 50);
  const after = q.get("after");
  const offset =
    after !== null ? Number(Buffer.from(after, "base64url").toString()) : Number(q.get("offset") ?? 0);
  const page = list.slice(offset, offset + limit).map((h) => h.metadata);
  const hasNext = offset + limit < list.length;
  send(
    200,
    JSON.stringify({
      results: page,
      has_next: hasNext,
      version: 4,
      ...(hasNext ? { next_cursor: Buffer.from(String(offset + limit)).toString("base64url") } : {}),
    }),
  );
}

const CLICKS = new Set([2, 3, 4, 9]);
const MOUSE = new Set([1, 2, 6]);
const WARN = new Set(["warn", "countReset"]);
const ERROR = new Set(["error", "assert"]);

/**
 * The recording object, computed the way PostHog's ingestion and API do (POSTHOG-PROTOCOL.md §3c):
 * start/end from rrweb timestamps, clicks = MouseInteraction Click/DblClick/ContextMenu/TouchEnd,
 * keypresses = Input events, mouse activity = MouseMove/MouseInteraction/TouchMove, console levels
 * grouped info/warn/error, start_url from the first Meta href. Written here independently of the
 * codec so a test comparing the two checks the codec.
 */
function posthogMetadata(recording: StandInRecording): { metadata: Record<string, unknown>; urls: string[] } {
  let start = Infinity;
  let end = -Infinity;
  let clicks = 0;
  let keys = 0;
  let mouse = 0;
  const consoleCounts = { log: 0, warn: 0, error: 0 };
  let firstUrl: string | null = null;
  const urls: string[] = [];
  for (const lines of recording.blocks) {
    for (const line of lines) {
      const event = (
        JSON.parse(line) as [string, { type: number; timestamp: number; data: Record<string, unknown> }]
      )[1];
      start = Math.min(start, event.timestamp);
      end = Math.max(end, event.timestamp);
      const data = event.data ?? {};
      if (event.type === 3 && data.source === 2 && CLICKS.has(data.type as number)) clicks++;
      if (event.type === 3 && data.source === 5) keys++;
      if (event.type === 3 && MOUSE.has(data.source as number)) mouse++;
      if (event.type === 6 && data.plugin === "rrweb/console@1") {
        const level = String((data.payload as { level?: unknown } | undefined)?.level);
        if (WARN.has(level)) consoleCounts.warn++;
        else if (ERROR.has(level)) consoleCounts.error++;
        else consoleCounts.log++;
      }
      const href = event.type === 4 ? data.href : undefined;
      if (typeof href === "string") {
        firstUrl ??= href.trim();
        if (!urls.includes(href)) urls.push(href);
      }
    }
  }
  const metadata = {
    id: recording.sessionId,
    distinct_id: recording.distinctId,
    viewed: false,
    viewers: [],
    recording_duration: Math.floor((end - start) / 1000),
    start_time: new Date(start).toISOString(),
    end_time: new Date(end).toISOString(),
    click_count: clicks,
    keypress_count: keys,
    mouse_activity_count: mouse,
    console_log_count: consoleCounts.log,
    console_warn_count: consoleCounts.warn,
    console_error_count: consoleCounts.error,
    start_url: firstUrl,
    person: recording.person,
    retention_period_days: 30,
    snapshot_source: "web",
    snapshot_library: "web",
    ongoing: false,
  };
  return { metadata, urls };
}
