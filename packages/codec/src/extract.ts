import { isRecord } from "./json.js";
import type { ConsoleEntry, NetworkEntry, Recording } from "./types.js";
import { CONSOLE_PLUGIN, NETWORK_PLUGIN } from "./validate.js";

function strings(value: unknown): string[] {
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
 * Console calls recorded by the `rrweb/console@1` plugin (and rrweb 0.9's incremental Log source),
 * in time order. `payload` items are the JSON-stringified arguments as recorded.
 */
export function consoleEntries(rec: Recording): ConsoleEntry[] {
  const out: ConsoleEntry[] = [];
  for (const w of rec.windows) {
    for (const event of w.events) {
      const data: unknown = (event as { data?: unknown }).data;
      if (!isRecord(data)) continue;
      let payload: Record<string, unknown> | null = null;
      if ((event.type as number) === 6 && data.plugin === CONSOLE_PLUGIN && isRecord(data.payload))
        payload = data.payload;
      else if ((event.type as number) === 3 && data.source === 11) payload = data;
      if (!payload) continue;
      out.push({
        windowId: w.windowId,
        timestamp: event.timestamp,
        level: typeof payload.level === "string" ? payload.level : "log",
        payload: strings(payload.payload),
        trace: strings(payload.trace),
      });
    }
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/** The raw request objects of `rrweb/network@1` events, with their window and event. */
export function* networkRequests(rec: Recording): Generator<{
  windowId: string;
  eventTimestamp: number;
  request: Record<string, unknown>;
  isInitial: boolean;
}> {
  for (const w of rec.windows) {
    for (const event of w.events) {
      const data: unknown = (event as { data?: unknown }).data;
      if (
        (event.type as number) !== 6 ||
        !isRecord(data) ||
        data.plugin !== NETWORK_PLUGIN ||
        !isRecord(data.payload)
      )
        continue;
      const requests = data.payload.requests;
      if (!Array.isArray(requests)) continue;
      for (const request of requests) {
        if (!isRecord(request)) continue;
        yield {
          windowId: w.windowId,
          eventTimestamp: event.timestamp,
          request,
          isInitial: data.payload.isInitial === true || request.isInitial === true,
        };
      }
    }
  }
}

/**
 * Network requests recorded by posthog-js's `rrweb/network@1` plugin, in time order. Server-Timing
 * sub-entries are skipped; `status`, headers and bodies are null/empty when recording was timing-only.
 */
export function networkEntries(rec: Recording): NetworkEntry[] {
  const out: NetworkEntry[] = [];
  for (const { windowId, eventTimestamp, request, isInitial } of networkRequests(rec)) {
    if (request.entryType === "serverTiming" || typeof request.name !== "string") continue;
    const initiatorType = typeof request.initiatorType === "string" ? request.initiatorType : null;
    const method = typeof request.method === "string" ? request.method.toUpperCase() : "GET";
    out.push({
      windowId,
      timestamp: num(request.timestamp) ?? eventTimestamp,
      url: request.name,
      method,
      status: num(request.status) ?? num(request.responseStatus),
      initiatorType,
      startTime: num(request.startTime),
      durationMs: num(request.duration),
      transferSize: num(request.transferSize),
      requestHeaders: headers(request.requestHeaders),
      responseHeaders: headers(request.responseHeaders),
      requestBody: body(request.requestBody),
      responseBody: body(request.responseBody),
      isInitial,
    });
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}
