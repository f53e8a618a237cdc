// A small typed client for the @replay-devkit/server JSON API. Every response is checked at run
// time, because the inspector may talk to a server from another version of the devkit.

export type InspectorErrorCode =
  "network" | "http" | "invalid_response" | "not_found" | "import_failed" | "player_failed";

export class InspectorError extends Error {
  override readonly name = "InspectorError";
  constructor(
    readonly code: InspectorErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RecordingSummary {
  id: string;
  distinctId: string | null;
  startTime: number;
  endTime: number;
  durationMs: number;
  activeMs: number;
  clickCount: number;
  keypressCount: number;
  consoleLogCount: number;
  consoleWarnCount: number;
  consoleErrorCount: number;
  firstUrl: string | null;
  urls: string[];
  eventCount: number;
  sizeBytes: number;
  windowIds: string[];
  /** What the server's playback doctor repaired on ingest or import (empty when nothing). */
  repairs: PlaybackRepair[];
}

export interface PlaybackRepair {
  code: string;
  windowId: string;
  count: number;
  timestamp: number;
  message: string;
}

export interface RecordingList {
  recordings: RecordingSummary[];
  total: number;
}

/** An rrweb event as the server returns it: always unpacked. */
export interface RrwebEvent {
  type: number;
  timestamp: number;
  data: unknown;
  delay?: number;
}

export interface WindowEvent {
  windowId: string;
  event: RrwebEvent;
}

export interface EventsPage {
  events: WindowEvent[];
  next: string | null;
}

export interface PosthogEvent {
  uuid: string | null;
  event: string;
  timestamp: number;
  distinctId: string | null;
  properties: Record<string, unknown>;
}

export interface FindingLocation {
  windowId: string | null;
  eventIndex: number | null;
  timestamp: number | null;
  path: string;
  /** What kind of event holds it: `FullSnapshot`, `Plugin/rrweb/network@1`, an analytics event name. */
  event?: string;
  selector?: string;
  header?: string;
  attribute?: string;
}

export interface Finding {
  detector: string;
  label: string | null;
  severity: string | null;
  location: FindingLocation;
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

export type ExportFormat = "posthog" | "rrweb" | "bundle" | "har";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["posthog", "rrweb", "bundle", "har"];

/** Recording fields the server can order the whole list by (the store's `RecordingSortField`). */
export type SortField =
  | "startTime"
  | "durationMs"
  | "activeMs"
  | "firstUrl"
  | "distinctId"
  | "clickCount"
  | "keypressCount"
  | "consoleErrorCount"
  | "sizeBytes"
  | "updatedAt";

/** The orders the server can sort the whole list by (`GET /api/recordings?sort=`). */
export type ServerSort =
  "newest" | "oldest" | "longest" | "shortest" | "updated" | `${SortField}:${"asc" | "desc"}`;

export interface ListQuery {
  url?: string;
  distinctId?: string;
  hasErrors?: boolean;
  minDurationMs?: number;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
  sort?: ServerSort;
}

export type StreamMessage =
  | { type: "created" | "updated"; id: string; recording: RecordingSummary | null }
  | { type: "deleted"; id: string };

// ---------------------------------------------------------------------------------------------
// Runtime checks. Small and explicit rather than a schema library: the inspector ships as static
// files and every kilobyte of first-load JS counts.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function bad(what: string): never {
  throw new InspectorError(
    "invalid_response",
    `The server sent an unexpected ${what}. Is the inspector talking to a matching replay-devkit server?`,
  );
}

function num(value: unknown, fallback?: number): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  if (fallback !== undefined) return fallback;
  return bad("number");
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function time(value: unknown): number {
  if (typeof value === "string") {
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return num(value, 0);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function parseRecording(value: unknown): RecordingSummary {
  if (!isObject(value) || typeof value.id !== "string") return bad("recording object");
  const startTime = time(value.startTime);
  const endTime = time(value.endTime ?? value.startTime);
  return {
    id: value.id,
    distinctId: str(value.distinctId),
    startTime,
    endTime,
    durationMs: num(value.durationMs, Math.max(0, endTime - startTime)),
    activeMs: num(value.activeMs, 0),
    clickCount: num(value.clickCount, 0),
    keypressCount: num(value.keypressCount, 0),
    consoleLogCount: num(value.consoleLogCount, 0),
    consoleWarnCount: num(value.consoleWarnCount, 0),
    consoleErrorCount: num(value.consoleErrorCount, 0),
    firstUrl: str(value.firstUrl),
    urls: strings(value.urls),
    eventCount: num(value.eventCount, 0),
    sizeBytes: num(value.sizeBytes, 0),
    windowIds: strings(value.windowIds),
    repairs: Array.isArray(value.repairs) ? value.repairs.flatMap(parseRepair) : [],
  };
}

function parseRepair(value: unknown): PlaybackRepair[] {
  if (!isObject(value) || typeof value.code !== "string" || typeof value.message !== "string") return [];
  return [
    {
      code: value.code,
      windowId: typeof value.windowId === "string" ? value.windowId : "",
      count: num(value.count, 1),
      timestamp: num(value.timestamp, 0),
      message: value.message,
    },
  ];
}

export function parseRecordingList(value: unknown): RecordingList {
  if (!isObject(value) || !Array.isArray(value.recordings)) return bad("recording list");
  const recordings = value.recordings.map(parseRecording);
  return { recordings, total: num(value.total, recordings.length) };
}

export function parseEvent(value: unknown): RrwebEvent | null {
  if (!isObject(value) || typeof value.type !== "number" || typeof value.timestamp !== "number") return null;
  return value as unknown as RrwebEvent;
}

export function parseEventsPage(value: unknown): EventsPage {
  if (!isObject(value) || !Array.isArray(value.events)) return bad("events page");
  const events: WindowEvent[] = [];
  for (const item of value.events) {
    if (!isObject(item)) continue;
    // Accept both `{windowId, event}` and a bare event, so older servers still play.
    const event = parseEvent("event" in item ? item.event : item);
    if (event) events.push({ windowId: str(item.windowId) ?? "", event });
  }
  const next = value.next;
  return {
    events,
    next: typeof next === "string" ? next : typeof next === "number" ? String(next) : null,
  };
}

export function parsePosthogEvent(value: unknown): PosthogEvent | null {
  if (!isObject(value)) return null;
  const name = str(value.event);
  if (name === null) return null;
  const properties = isObject(value.properties) ? value.properties : {};
  return {
    uuid: str(value.uuid),
    event: name,
    timestamp: time(value.timestamp ?? properties.$time),
    distinctId: str(value.distinctId ?? value.distinct_id ?? properties.distinct_id),
    properties,
  };
}

export function parsePosthogEvents(value: unknown): PosthogEvent[] {
  const list = Array.isArray(value)
    ? value
    : isObject(value) && Array.isArray(value.events)
      ? value.events
      : null;
  if (list === null) return bad("PostHog events list");
  return list.map(parsePosthogEvent).filter((e): e is PosthogEvent => e !== null);
}

/** A line of the app's output stored by `replay-devkit dev -- <command>`. */
export interface AppLogLine {
  seq: number;
  timestamp: number;
  stream: "stdout" | "stderr" | "devkit";
  text: string;
}

export interface AppLogPage {
  lines: AppLogLine[];
  next: string | null;
}

const LOG_STREAMS = new Set(["stdout", "stderr", "devkit"]);

export function parseAppLogPage(value: unknown): AppLogPage {
  if (!isObject(value) || !Array.isArray(value.lines)) return bad("server log page");
  const lines: AppLogLine[] = [];
  for (const item of value.lines) {
    if (!isObject(item) || typeof item.text !== "string" || typeof item.stream !== "string") continue;
    if (!LOG_STREAMS.has(item.stream)) continue;
    const timestamp = num(item.timestamp, Number.NaN);
    if (!Number.isFinite(timestamp)) continue;
    lines.push({
      seq: num(item.seq, lines.length),
      timestamp,
      stream: item.stream as AppLogLine["stream"],
      text: item.text,
    });
  }
  return { lines, next: typeof value.next === "string" ? value.next : null };
}

function hintText(value: unknown): string {
  if (typeof value === "string") return value;
  if (!isObject(value)) return "";
  const advice = str(value.advice) ?? "";
  const settings = strings(value.settings);
  return settings.length ? `${advice} (${settings.join(", ")})`.trim() : advice;
}

export function parseFindings(value: unknown): FindingReport {
  if (!isObject(value) || !Array.isArray(value.findings)) return bad("findings list");
  const out: Finding[] = [];
  for (const item of value.findings) {
    if (!isObject(item) || !isObject(item.location)) continue;
    const loc = item.location;
    const location: FindingLocation = {
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
      detector: str(item.detector) ?? "unknown",
      label: str(item.label),
      severity: str(item.severity),
      location,
      preview: str(item.preview) ?? "",
      maskingHint: hintText(item.hint ?? item.maskingHint),
    });
  }
  const totals = isObject(value.totals) ? value.totals : {};
  const notes = Array.isArray(value.notes)
    ? value.notes.filter((n): n is string => typeof n === "string")
    : [];
  return { findings: out, total: num(totals.findings, out.length), notes };
}

export function parseStreamMessage(eventName: string, data: string): StreamMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const kind = str(value.type) ?? eventName.replace(/^recording[.:_-]?/, "");
  const recordingValue = isObject(value.recording) ? value.recording : null;
  const id = str(value.id) ?? (recordingValue ? str(recordingValue.id) : null);
  if (id === null) return null;
  const normalized = kind.replace(/^recording[.:_-]?/, "");
  if (normalized === "deleted") return { type: "deleted", id };
  if (normalized === "created" || normalized === "updated") {
    let recording: RecordingSummary | null = null;
    try {
      recording = recordingValue ? parseRecording(recordingValue) : null;
    } catch {
      recording = null;
    }
    return { type: normalized, id, recording };
  }
  return null;
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
  return url.toString();
}

async function errorFrom(response: Response): Promise<InspectorError> {
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body: unknown = await response.json();
    if (isObject(body) && isObject(body.error) && typeof body.error.message === "string") {
      message = body.error.message;
    }
  } catch {
    // Not a JSON error body; keep the status line.
  }
  return new InspectorError(response.status === 404 ? "not_found" : "http", message, response.status);
}

/** fetch cannot report upload progress; XMLHttpRequest can. Errors as `request` gives them. */
function uploadWithProgress(
  url: string,
  file: Blob,
  onProgress?: (sent: number, total: number) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.responseType = "text";
    if (onProgress)
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () =>
      reject(
        new InspectorError(
          "network",
          `Cannot reach the replay-devkit server at ${apiBase() || "this origin"}. Is \`replay-devkit dev\` running?`,
        ),
      );
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText) as unknown;
      } catch {
        // Not JSON; handled below.
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed);
      const message =
        isObject(parsed) && isObject(parsed.error) && typeof parsed.error.message === "string"
          ? parsed.error.message
          : `${xhr.status} ${xhr.statusText}`.trim();
      reject(new InspectorError(xhr.status === 404 ? "not_found" : "http", message, xhr.status));
    };
    xhr.send(file);
  });
}

async function request(url: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new InspectorError(
      "network",
      `Cannot reach the replay-devkit server at ${apiBase() || "this origin"}. Is \`replay-devkit dev\` running?`,
      undefined,
      { cause },
    );
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await request(url, signal ? { signal } : undefined);
  try {
    return await response.json();
  } catch (cause) {
    throw new InspectorError(
      "invalid_response",
      `The server sent a response that is not JSON (${url}).`,
      undefined,
      {
        cause,
      },
    );
  }
}

export type DoctorSeverity = "error" | "warning" | "info" | "ok";

export interface DoctorFinding {
  code: string;
  severity: DoctorSeverity;
  message: string;
  fix: string | null;
}

/** One app in one browser, as the capture doctor keys it (page origin + user agent). */
export interface DoctorClient {
  id: string;
  label: string;
  findings: DoctorFinding[];
}

export interface DoctorReport {
  clients: DoctorClient[];
}

const DOCTOR_SEVERITIES: readonly string[] = ["error", "warning", "info", "ok"];

/** `GET /api/doctor`; findings with an unknown severity are dropped rather than shown wrongly. */
export function parseDoctorReport(value: unknown): DoctorReport {
  if (!isObject(value) || !Array.isArray(value.clients)) return bad("doctor report");
  const clients: DoctorClient[] = [];
  for (const item of value.clients) {
    if (!isObject(item) || !Array.isArray(item.findings)) continue;
    const label = str(item.label);
    const id = str(item.id);
    if (label === null || id === null) continue;
    const findings: DoctorFinding[] = [];
    for (const f of item.findings) {
      if (!isObject(f) || !DOCTOR_SEVERITIES.includes(String(f.severity))) continue;
      const code = str(f.code);
      const message = str(f.message);
      if (code === null || message === null) continue;
      findings.push({ code, severity: f.severity as DoctorSeverity, message, fix: str(f.fix) });
    }
    clients.push({ id, label, findings });
  }
  return { clients };
}

const enc = encodeURIComponent;

export const api = {
  async listRecordings(query: ListQuery = {}, signal?: AbortSignal): Promise<RecordingList> {
    const { hasErrors, ...rest } = query;
    return parseRecordingList(await getJson(apiUrl("/api/recordings", { ...rest, hasErrors }), signal));
  },

  async getRecording(id: string, signal?: AbortSignal): Promise<RecordingSummary> {
    const body = await getJson(apiUrl(`/api/recordings/${enc(id)}`), signal);
    return parseRecording(isObject(body) && "recording" in body ? body.recording : body);
  },

  async deleteRecording(id: string): Promise<void> {
    await request(apiUrl(`/api/recordings/${enc(id)}`), { method: "DELETE" });
  },

  async eventsPage(
    id: string,
    options: { window?: string; after?: string | null; limit?: number },
    signal?: AbortSignal,
  ): Promise<EventsPage> {
    const query = { window: options.window, after: options.after ?? undefined, limit: options.limit };
    return parseEventsPage(await getJson(apiUrl(`/api/recordings/${enc(id)}/events`, query), signal));
  },

  /**
   * Every remaining event after `after` as one streamed NDJSON response, yielded in batches as the
   * bytes arrive. Rejects with `not_found` on servers without the streaming route.
   */
  async *streamEvents(
    id: string,
    options: { window?: string; after?: string | null },
    signal?: AbortSignal,
  ): AsyncGenerator<WindowEvent[]> {
    const url = apiUrl(`/api/recordings/${enc(id)}/events.ndjson`, {
      window: options.window,
      after: options.after ?? undefined,
    });
    const response = await request(url, signal ? { signal } : undefined);
    if (!response.body)
      throw new InspectorError("invalid_response", "The server sent an events stream without a body.");
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
            "invalid_response",
            "The events stream has a line that is not JSON; the recording may be corrupt.",
            undefined,
            { cause },
          );
        }
        const page = parseEventsPage({ events: [item], next: null });
        if (page.events[0]) batch.push(page.events[0]);
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
    return parsePosthogEvents(await getJson(apiUrl(`/api/recordings/${enc(id)}/posthog-events`), signal));
  },

  /**
   * The app's log lines within the recording's time range (and the server's margin), every page up
   * to `maxLines`. Servers from before the route answer 404: that reads as no lines.
   */
  async appLogs(id: string, signal?: AbortSignal, maxLines = 20_000): Promise<AppLogLine[]> {
    const lines: AppLogLine[] = [];
    let after: string | null = null;
    do {
      let page: AppLogPage;
      try {
        page = parseAppLogPage(
          await getJson(
            apiUrl(`/api/recordings/${enc(id)}/logs`, { limit: 5000, after: after ?? undefined }),
            signal,
          ),
        );
      } catch (error) {
        if (error instanceof InspectorError && error.code === "not_found" && lines.length === 0) return [];
        throw error;
      }
      lines.push(...page.lines);
      after = page.next;
    } while (after !== null && lines.length < maxLines);
    return lines;
  },

  async findings(id: string, signal?: AbortSignal): Promise<FindingReport> {
    return parseFindings(await getJson(apiUrl(`/api/recordings/${enc(id)}/findings`), signal));
  },

  exportUrl(id: string, format: ExportFormat): string {
    return apiUrl(`/api/recordings/${enc(id)}/export`, { format });
  },

  /**
   * POSTs one file to /api/import. `onProgress` gets the bytes sent so far: the server reads the
   * body as it parses it, so this is how far the import got; after the last byte it stores.
   */
  async importFile(file: Blob, onProgress?: (sent: number, total: number) => void): Promise<string[]> {
    const body = await uploadWithProgress(apiUrl("/api/import"), file, onProgress);
    if (!isObject(body) || !Array.isArray(body.imported)) return bad("import result");
    return strings(body.imported);
  },

  streamUrl(): string {
    return apiUrl("/api/stream");
  },

  /** The capture doctor's findings; null from a server that predates it. */
  async doctor(signal?: AbortSignal): Promise<DoctorReport | null> {
    try {
      return parseDoctorReport(await getJson(apiUrl("/api/doctor"), signal));
    } catch (error) {
      if (error instanceof InspectorError && error.code === "not_found") return null;
      throw error;
    }
  },
};
