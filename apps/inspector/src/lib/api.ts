// A small typed client for the @replay-devkit/server JSON API. The shapes are the contract's
// (@replay-devkit/api); every answer is still checked at run time, because bytes from a socket are
// not types. The inspector ships inside the CLI with its own server, so there is one server
// version to speak to and no fallbacks for others.
import {
  API_ROUTES,
  DIAGNOSTIC_SEVERITIES,
  STREAM_EVENTS,
  apiPath,
  parseApiError,
  type AppLogLineJson,
  type DiagnosticSeverity,
  type DoctorClient,
  type DoctorReport,
  type ExportFormat,
  type FindingsResponse,
  type ListRecordingsQuery,
  type RecordingSummary,
  type WindowEvent as ApiWindowEvent,
} from "@replay-devkit/api";
import type { CaptureEvent } from "@replay-devkit/codec";

export { EXPORT_FORMATS } from "@replay-devkit/api";
export type { DoctorClient, DoctorReport, ExportFormat };

/**
 * An rrweb event from the API, checked for its numeric type and timestamp only (the player reads
 * the rest defensively), so it is looser than the codec's fully typed RrwebEvent.
 */
export interface RrwebEvent {
  type: number;
  timestamp: number;
  data: unknown;
  delay?: number;
}

export type WindowEvent = Omit<ApiWindowEvent, "event"> & { event: RrwebEvent };
export type DoctorSeverity = DiagnosticSeverity;
export type ListQuery = ListRecordingsQuery;
export type AppLogLine = Omit<AppLogLineJson, "offsetMs">;

/** What went wrong talking to the server or playing a recording; one code per thing a user can act on. */
export type InspectorErrorCode =
  /** The server cannot be reached. */
  | "NETWORK"
  /** The server answered with an error status (other than 401 and 404). */
  | "HTTP"
  /** The server has a token and this browser is not signed in (or its sign-in expired). */
  | "UNAUTHORIZED"
  /** The server answered something that is not what the API promises. */
  | "INVALID_RESPONSE"
  /** The recording (or route) does not exist. */
  | "NOT_FOUND"
  /** The player cannot play this window. */
  | "PLAYER_FAILED";

export class InspectorError extends Error {
  override readonly name = "InspectorError";
  readonly code: InspectorErrorCode;
  /** The HTTP status, for answers from the server. */
  readonly status?: number;

  constructor(code: InspectorErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
  }
}

export function isInspectorError(value: unknown): value is InspectorError {
  return value instanceof InspectorError;
}

/** A recording as the inspector uses it: the API's, with its start and end as epoch milliseconds. */
export type ListedRecording = Omit<RecordingSummary, "startTime" | "endTime"> & {
  startTime: number;
  endTime: number;
};

export interface RecordingList {
  recordings: ListedRecording[];
  total: number;
}

export interface EventsPage {
  events: WindowEvent[];
  next: string | null;
}

/** A PostHog event of the session (the API's CaptureEvent) with its time as epoch milliseconds. */
export interface PosthogEvent {
  uuid: string | null;
  event: string;
  timestamp: number;
  distinctId: string | null;
  properties: Record<string, unknown>;
}

type ApiFinding = FindingsResponse["findings"][number];

/** A privacy finding as the pane lists it: the scan's, with the masking hint as one readable line. */
export interface Finding {
  detector: string;
  label: string | null;
  severity: ApiFinding["severity"];
  location: {
    windowId: string | null;
    eventIndex: number | null;
    timestamp: number | null;
    path: string;
    event?: string;
    selector?: string;
    header?: string;
    attribute?: string;
  };
  preview: string;
  /** The posthog-js setting that would have masked it, as one readable line. */
  maskingHint: string;
}

export interface FindingReport {
  findings: Finding[];
  /** All findings, including any the server left out of the list. */
  total: number;
  /** Checks the scan could not make (e.g. a recorded maskTextSelector it cannot evaluate). */
  notes: string[];
}

export type StreamMessage =
  { type: "created" | "updated"; id: string; recording: ListedRecording } | { type: "deleted"; id: string };

// ---------------------------------------------------------------------------------------------
// Runtime checks. Small and explicit rather than a schema library: the inspector ships as static
// files and every kilobyte of first-load JS counts.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function bad(what: string): never {
  throw new InspectorError(
    "INVALID_RESPONSE",
    `The server sent an unexpected ${what}. Is the inspector talking to a replay-devkit server?`,
  );
}

function num(value: unknown, what: string): number {
  return typeof value === "number" && Number.isFinite(value) ? value : bad(what);
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function isoTime(value: unknown, what: string): number {
  const parsed = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : bad(what);
}

function strings(value: unknown, what: string): string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : bad(what);
}

const COUNTS = [
  "durationMs",
  "activeMs",
  "clickCount",
  "keypressCount",
  "mouseActivityCount",
  "consoleLogCount",
  "consoleWarnCount",
  "consoleErrorCount",
  "eventCount",
  "sizeBytes",
] as const satisfies readonly (keyof RecordingSummary)[];

export function parseRecording(value: unknown): ListedRecording {
  if (!isObject(value) || typeof value.id !== "string") return bad("recording object");
  const counts = Object.fromEntries(
    COUNTS.map((key) => [key, num(value[key], `recording ${key}`)]),
  ) as Record<(typeof COUNTS)[number], number>;
  return {
    ...counts,
    id: value.id,
    distinctId: str(value.distinctId),
    startTime: isoTime(value.startTime, "recording startTime"),
    endTime: isoTime(value.endTime, "recording endTime"),
    firstUrl: str(value.firstUrl),
    urls: strings(value.urls, "recording urls"),
    windowIds: strings(value.windowIds, "recording windowIds"),
    source: str(value.source) ?? bad("recording source"),
    createdAt: str(value.createdAt) ?? bad("recording createdAt"),
    updatedAt: str(value.updatedAt) ?? bad("recording updatedAt"),
  };
}

export function parseRecordingList(value: unknown): RecordingList {
  if (!isObject(value) || !Array.isArray(value.recordings)) return bad("recording list");
  return { recordings: value.recordings.map(parseRecording), total: num(value.total, "recording total") };
}

export function parseEvent(value: unknown): RrwebEvent | null {
  if (!isObject(value) || typeof value.type !== "number" || typeof value.timestamp !== "number") return null;
  return value as unknown as RrwebEvent;
}

/** One `{windowId, event}` item of `/events` or `/events.ndjson`; null when it is not one. */
function parseWindowEvent(item: unknown): WindowEvent | null {
  if (!isObject(item) || typeof item.windowId !== "string") return null;
  const event = parseEvent(item.event);
  return event ? { windowId: item.windowId, event } : null;
}

export function parseEventsPage(value: unknown): EventsPage {
  if (!isObject(value) || !Array.isArray(value.events)) return bad("events page");
  const events: WindowEvent[] = [];
  for (const item of value.events) {
    const parsed = parseWindowEvent(item);
    if (parsed) events.push(parsed);
  }
  if (value.next !== null && typeof value.next !== "string") return bad("events page cursor");
  return { events, next: value.next };
}

export function parsePosthogEvent(value: unknown): PosthogEvent | null {
  if (!isObject(value) || typeof value.event !== "string" || !isObject(value.properties)) return null;
  const event = value as unknown as CaptureEvent;
  const timestamp = event.timestamp === undefined ? Number.NaN : Date.parse(event.timestamp);
  if (!Number.isFinite(timestamp)) return null;
  return {
    uuid: event.uuid ?? null,
    event: event.event,
    timestamp,
    // posthog-js sends the distinct id at the top level or, in older batches, in properties.
    distinctId: str(event.distinct_id) ?? str(event.properties.distinct_id),
    properties: event.properties,
  };
}

export function parsePosthogEvents(value: unknown): PosthogEvent[] {
  if (!isObject(value) || !Array.isArray(value.events)) return bad("PostHog events list");
  return value.events.map(parsePosthogEvent).filter((e): e is PosthogEvent => e !== null);
}

export interface AppLogPage {
  lines: AppLogLine[];
  next: string | null;
}

const LOG_STREAMS: readonly string[] = ["stdout", "stderr", "devkit"] satisfies AppLogLineJson["stream"][];

export function parseAppLogPage(value: unknown): AppLogPage {
  if (!isObject(value) || !Array.isArray(value.lines)) return bad("server log page");
  const lines: AppLogLine[] = [];
  for (const item of value.lines) {
    if (!isObject(item) || typeof item.text !== "string" || typeof item.stream !== "string") continue;
    if (!LOG_STREAMS.includes(item.stream)) continue;
    if (typeof item.timestamp !== "number" || !Number.isFinite(item.timestamp)) continue;
    if (typeof item.seq !== "number") continue;
    lines.push({
      seq: item.seq,
      timestamp: item.timestamp,
      stream: item.stream as AppLogLine["stream"],
      text: item.text,
    });
  }
  if (value.next !== null && typeof value.next !== "string") return bad("server log cursor");
  return { lines, next: value.next };
}

function hintText(value: unknown): string {
  if (!isObject(value)) return "";
  const advice = str(value.advice) ?? "";
  const settings = Array.isArray(value.settings) ? value.settings.filter((v) => typeof v === "string") : [];
  return settings.length ? `${advice} (${settings.join(", ")})`.trim() : advice;
}

const SEVERITIES: readonly string[] = ["low", "medium", "high"] satisfies ApiFinding["severity"][];

export function parseFindings(value: unknown): FindingReport {
  if (!isObject(value) || !Array.isArray(value.findings) || !isObject(value.totals))
    return bad("findings list");
  const out: Finding[] = [];
  for (const item of value.findings) {
    if (!isObject(item) || !isObject(item.location) || typeof item.detector !== "string") continue;
    if (!SEVERITIES.includes(String(item.severity))) continue;
    const loc = item.location;
    const location: Finding["location"] = {
      windowId: str(loc.windowId),
      eventIndex: typeof loc.eventIndex === "number" ? loc.eventIndex : null,
      timestamp: typeof loc.timestamp === "number" ? loc.timestamp : null,
      path: str(loc.path) ?? "",
    };
    for (const key of ["event", "selector", "header", "attribute"] as const) {
      const v = str(loc[key]);
      if (v !== null) location[key] = v;
    }
    out.push({
      detector: item.detector,
      label: str(item.label),
      severity: item.severity as Finding["severity"],
      location,
      preview: str(item.preview) ?? "",
      maskingHint: hintText(item.hint),
    });
  }
  const notes = Array.isArray(value.notes)
    ? value.notes.filter((n): n is string => typeof n === "string")
    : [];
  return { findings: out, total: num(value.totals.findings, "findings total"), notes };
}

/** One server-sent event of `/api/stream`: its name is the change's type, its data `{id, recording}`. */
export function parseStreamMessage(eventName: string, data: string): StreamMessage | null {
  if (!(STREAM_EVENTS as readonly string[]).includes(eventName)) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value.id !== "string") return null;
  if (eventName === "deleted") return { type: "deleted", id: value.id };
  try {
    return {
      type: eventName as "created" | "updated",
      id: value.id,
      recording: parseRecording(value.recording),
    };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------

/** Where the API lives: NEXT_PUBLIC_REPLAY_DEVKIT_API during `next dev`, same origin when served. */
export function apiBase(): string {
  const configured = process.env.NEXT_PUBLIC_REPLAY_DEVKIT_API;
  if (configured) return configured.replace(/\/+$/, "");
  return typeof window === "undefined" ? "" : window.location.origin;
}

export function apiUrl(path: string, query?: Record<string, string | number | boolean | undefined>): string {
  const url = new URL(
    `${apiBase()}${path}`,
    typeof window === "undefined" ? "http://localhost" : window.location.href,
  );
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === "" || value === false) continue;
    url.searchParams.set(key, value === true ? "1" : String(value));
  }
  // A share link's grant (on a server with a token) is what lets this page read its one recording.
  const grant =
    typeof window === "undefined" ? null : new URLSearchParams(window.location.search).get("grant");
  if (grant) url.searchParams.set("grant", grant);
  return url.toString();
}

async function errorFrom(response: Response): Promise<InspectorError> {
  const body: unknown = await response.json().catch(() => null);
  const message = parseApiError(body)?.message ?? `${response.status} ${response.statusText}`.trim();
  if (response.status === 401) return new InspectorError("UNAUTHORIZED", message, { status: 401 });
  return new InspectorError(response.status === 404 ? "NOT_FOUND" : "HTTP", message, {
    status: response.status,
  });
}

async function request(url: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new InspectorError(
      "NETWORK",
      `Cannot reach the replay-devkit server at ${apiBase() || "this origin"}. Is \`replay-devkit dev\` running?`,
      { cause },
    );
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    // A server with a token and a browser without (or with an expired) sign-in: go and sign in.
    if (error.code === "UNAUTHORIZED" && typeof window !== "undefined" && !apiBase()) {
      const next = window.location.pathname + window.location.search;
      window.location.assign(`/sign-in?next=${encodeURIComponent(next)}`);
    }
    throw error;
  }
  return response;
}

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await request(url, signal ? { signal } : undefined);
  try {
    return await response.json();
  } catch (cause) {
    throw new InspectorError("INVALID_RESPONSE", `The server sent a response that is not JSON (${url}).`, {
      cause,
    });
  }
}

/** `GET /api/doctor`; findings with an unknown severity are dropped rather than shown wrongly. */
export function parseDoctorReport(value: unknown): DoctorReport {
  if (!isObject(value) || !Array.isArray(value.clients)) return bad("doctor report");
  const report = value as unknown as DoctorReport;
  const clients: DoctorClient[] = [];
  for (const item of value.clients) {
    if (!isObject(item) || !Array.isArray(item.findings)) continue;
    if (typeof item.label !== "string" || typeof item.id !== "string") continue;
    const client = item as unknown as DoctorClient;
    const findings = client.findings.filter(
      (f: unknown) =>
        isObject(f) &&
        (DIAGNOSTIC_SEVERITIES as readonly unknown[]).includes(f.severity) &&
        typeof f.code === "string" &&
        typeof f.message === "string" &&
        (f.fix === null || typeof f.fix === "string"),
    );
    clients.push({ ...client, findings });
  }
  return { ...report, clients };
}

export const api = {
  async listRecordings(query: ListQuery = {}, signal?: AbortSignal): Promise<RecordingList> {
    return parseRecordingList(await getJson(apiUrl(API_ROUTES.recordings, { ...query }), signal));
  },

  async getRecording(id: string, signal?: AbortSignal): Promise<ListedRecording> {
    return parseRecording(await getJson(apiUrl(apiPath("recording", { id })), signal));
  },

  async deleteRecording(id: string): Promise<void> {
    await request(apiUrl(apiPath("recording", { id })), { method: "DELETE" });
  },

  /**
   * A signed, expiring grant that lets a link open this one recording on a server with a token;
   * null when the server has no token (its links need none).
   */
  async shareGrant(id: string): Promise<string | null> {
    try {
      const response = await request(apiUrl(apiPath("share", { id })), { method: "POST" });
      const body: unknown = await response.json();
      if (isObject(body) && typeof body.grant === "string") return body.grant;
      throw new InspectorError("INVALID_RESPONSE", "The server's share answer has no grant.");
    } catch (error) {
      if (error instanceof InspectorError && error.status === 400) return null;
      throw error;
    }
  },

  async eventsPage(
    id: string,
    options: { window?: string; after?: string | null; limit?: number },
    signal?: AbortSignal,
  ): Promise<EventsPage> {
    const query = { window: options.window, after: options.after ?? undefined, limit: options.limit };
    return parseEventsPage(await getJson(apiUrl(apiPath("events", { id }), query), signal));
  },

  /** Every remaining event after `after` as one streamed NDJSON response, yielded in batches as the bytes arrive. */
  async *streamEvents(
    id: string,
    options: { window?: string; after?: string | null },
    signal?: AbortSignal,
  ): AsyncGenerator<WindowEvent[]> {
    const url = apiUrl(apiPath("eventsNdjson", { id }), {
      window: options.window,
      after: options.after ?? undefined,
    });
    const response = await request(url, signal ? { signal } : undefined);
    if (!response.body)
      throw new InspectorError("INVALID_RESPONSE", "The server sent an events stream without a body.");
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const parseLines = (text: string): WindowEvent[] => {
      const batch: WindowEvent[] = [];
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        let item: unknown;
        try {
          item = JSON.parse(line);
        } catch (cause) {
          throw new InspectorError(
            "INVALID_RESPONSE",
            "The events stream has a line that is not JSON; the recording may be corrupt.",
            { cause },
          );
        }
        const parsed = parseWindowEvent(item);
        if (parsed) batch.push(parsed);
      }
      return batch;
    };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        const cut = buffer.lastIndexOf("\n");
        if (cut === -1) continue;
        const complete = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 1);
        yield parseLines(complete);
      }
      buffer += decoder.decode();
      if (buffer.trim() !== "") yield parseLines(buffer);
    } finally {
      reader.releaseLock();
    }
  },

  async posthogEvents(id: string, signal?: AbortSignal): Promise<PosthogEvent[]> {
    return parsePosthogEvents(await getJson(apiUrl(apiPath("posthogEvents", { id })), signal));
  },

  /** The app's log lines within the recording's time range (and the server's margin), every page up to `maxLines`. */
  async appLogs(id: string, signal?: AbortSignal, maxLines = 20_000): Promise<AppLogLine[]> {
    const lines: AppLogLine[] = [];
    let after: string | null = null;
    do {
      const page: AppLogPage = parseAppLogPage(
        await getJson(apiUrl(apiPath("logs", { id }), { limit: 5000, after: after ?? undefined }), signal),
      );
      lines.push(...page.lines);
      after = page.next;
    } while (after !== null && lines.length < maxLines);
    return lines;
  },

  async findings(id: string, signal?: AbortSignal): Promise<FindingReport> {
    return parseFindings(await getJson(apiUrl(apiPath("findings", { id })), signal));
  },

  exportUrl(id: string, format: ExportFormat): string {
    return apiUrl(apiPath("export", { id }), { format });
  },

  async importFile(file: Blob): Promise<string[]> {
    const response = await request(apiUrl(API_ROUTES.import), {
      method: "POST",
      body: file,
      headers: { "content-type": file.type || "application/octet-stream" },
    });
    const body: unknown = await response.json().catch(() => null);
    if (!isObject(body)) return bad("import result");
    return strings(body.imported, "import result");
  },

  streamUrl(): string {
    return apiUrl(API_ROUTES.stream);
  },

  /** The capture doctor's findings. */
  async doctor(signal?: AbortSignal): Promise<DoctorReport> {
    return parseDoctorReport(await getJson(apiUrl(API_ROUTES.doctor), signal));
  },
};
