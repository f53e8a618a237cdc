import { isRecord } from "./json.js";
import type { ConsoleEntry, NetworkEntry, Recording } from "./types.js";
import { CONSOLE_PLUGIN, NETWORK_PLUGIN } from "./validate.js";

function strings(value: unknown): string[] {
  // Mobile SDKs send the console text as one plain string where rrweb sends JSON-encoded arguments.
  if (typeof value === "string") return [JSON.stringify(value)];
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown) =>
    typeof item === "string" ? item : (JSON.stringify(item) ?? String(item)),
  );
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function headers(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    out[name] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

function body(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The fields extraction reads. Codec events have them, and so do events parsed straight from JSON
 * (the inspector's), so the per-window functions accept either without a cast.
 */
export interface ExtractableEvent {
  type: number;
  timestamp: number;
  data?: unknown;
}

/**
 * Console calls in one window's events (in any order), in time order: what {@link consoleEntries}
 * returns for that window. For callers that hold events per window, such as a page of a stream.
 */
export function windowConsoleEntries(events: readonly ExtractableEvent[], windowId: string): ConsoleEntry[] {
  const out: ConsoleEntry[] = [];
  for (const event of events) {
    const data: unknown = event.data;
    if (!isRecord(data)) continue;
    let payload: Record<string, unknown> | null = null;
    if (event.type === 6 && data.plugin === CONSOLE_PLUGIN && isRecord(data.payload)) payload = data.payload;
    else if (event.type === 3 && data.source === 11) payload = data;
    if (!payload) continue;
    out.push({
      windowId,
      timestamp: event.timestamp,
      level: typeof payload.level === "string" ? payload.level : "log",
      payload: strings(payload.payload),
      trace: strings(payload.trace),
    });
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * Console calls recorded by the `rrweb/console@1` plugin (and rrweb 0.9's incremental Log source),
 * in time order. `payload` items are the JSON-stringified arguments as recorded.
 */
export function consoleEntries(rec: Recording): ConsoleEntry[] {
  // Sorting is stable, so same-time calls keep window order, then event order, as before the split.
  return rec.windows
    .flatMap((w) => windowConsoleEntries(w.events, w.windowId))
    .sort((a, b) => a.timestamp - b.timestamp);
}

interface RawRequest {
  windowId: string;
  eventTimestamp: number;
  request: Record<string, unknown>;
  isInitial: boolean;
}

function* windowNetworkRequests(
  events: readonly ExtractableEvent[],
  windowId: string,
): Generator<RawRequest> {
  for (const event of events) {
    const data: unknown = event.data;
    if (event.type !== 6 || !isRecord(data) || data.plugin !== NETWORK_PLUGIN || !isRecord(data.payload))
      continue;
    const requests = data.payload.requests;
    if (!Array.isArray(requests)) continue;
    for (const request of requests) {
      if (!isRecord(request)) continue;
      yield {
        windowId,
        eventTimestamp: event.timestamp,
        request,
        isInitial: data.payload.isInitial === true || request.isInitial === true,
      };
    }
  }
}

/** The raw request objects of `rrweb/network@1` events, with their window and event. */
export function* networkRequests(rec: Recording): Generator<RawRequest> {
  for (const w of rec.windows) yield* windowNetworkRequests(w.events, w.windowId);
}

function toNetworkEntry({ windowId, eventTimestamp, request, isInitial }: RawRequest): NetworkEntry | null {
  if (request.entryType === "serverTiming" || typeof request.name !== "string") return null;
  return {
    windowId,
    timestamp: num(request.timestamp) ?? eventTimestamp,
    url: request.name,
    method: typeof request.method === "string" ? request.method.toUpperCase() : "GET",
    status: num(request.status) ?? num(request.responseStatus),
    initiatorType: typeof request.initiatorType === "string" ? request.initiatorType : null,
    startTime: num(request.startTime),
    durationMs: num(request.duration),
    transferSize: num(request.transferSize),
    requestHeaders: headers(request.requestHeaders),
    responseHeaders: headers(request.responseHeaders),
    requestBody: body(request.requestBody),
    responseBody: body(request.responseBody),
    isInitial,
  };
}

/**
 * Network requests in one window's events (in any order), in time order: what
 * {@link networkEntries} returns for that window.
 */
export function windowNetworkEntries(events: readonly ExtractableEvent[], windowId: string): NetworkEntry[] {
  const out: NetworkEntry[] = [];
  for (const raw of windowNetworkRequests(events, windowId)) {
    const entry = toNetworkEntry(raw);
    if (entry) out.push(entry);
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * Network requests recorded by posthog-js's `rrweb/network@1` plugin, in time order. Server-Timing
 * sub-entries are skipped; `status`, headers and bodies are null/empty when recording was timing-only.
 */
export function networkEntries(rec: Recording): NetworkEntry[] {
  return rec.windows
    .flatMap((w) => windowNetworkEntries(w.events, w.windowId))
    .sort((a, b) => a.timestamp - b.timestamp);
}
