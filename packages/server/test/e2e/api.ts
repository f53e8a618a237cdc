/** A small client for the devkit JSON API that validates what it reads, so a contract break fails loudly. */
import type { RecordingSummary } from "@replay-devkit/store";

export type { RecordingSummary };

export interface RrwebEventLike {
  type: number;
  timestamp: number;
  data: unknown;
  [key: string]: unknown;
}

export interface WindowEventLike {
  windowId: string;
  event: RrwebEventLike;
}

export interface PosthogEventLike {
  event: string;
  properties: Record<string, unknown>;
}

export interface Download {
  status: number;
  contentType: string;
  body: Buffer;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(what: string, value: unknown): never {
  throw new Error(`devkit API: ${what}, got ${JSON.stringify(value)?.slice(0, 300)}`);
}

export function parseRecording(value: unknown): RecordingSummary {
  if (!isObject(value)) fail("a recording must be an object", value);
  const num = (key: string): number => {
    const v = value[key];
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`recording.${key} must be a finite number`, value);
    return v;
  };
  const str = (key: string): string => {
    const v = value[key];
    if (typeof v !== "string") fail(`recording.${key} must be a string`, value);
    return v;
  };
  const strOrNull = (key: string): string | null => (value[key] === null ? null : str(key));
  const strings = (key: string): string[] => {
    const v = value[key];
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) {
      fail(`recording.${key} must be an array of strings`, value);
    }
    return v as string[];
  };
  // Typed against the store's own RecordingSummary (the codec's SessionMetadata plus its source):
  // a field added there, even an optional one, fails to compile until it is validated here too.
  const summary: Required<RecordingSummary> = {
    id: str("id"),
    distinctId: strOrNull("distinctId"),
    startTime: str("startTime"),
    endTime: str("endTime"),
    durationMs: num("durationMs"),
    activeMs: num("activeMs"),
    clickCount: num("clickCount"),
    keypressCount: num("keypressCount"),
    mouseActivityCount: num("mouseActivityCount"),
    consoleLogCount: num("consoleLogCount"),
    consoleWarnCount: num("consoleWarnCount"),
    consoleErrorCount: num("consoleErrorCount"),
    firstUrl: strOrNull("firstUrl"),
    urls: strings("urls"),
    eventCount: num("eventCount"),
    sizeBytes: num("sizeBytes"),
    windowIds: strings("windowIds"),
    repairs: parseRepairs(value.repairs),
    source: str("source"),
    createdAt: str("createdAt"),
    updatedAt: str("updatedAt"),
  };
  return summary;
}

/** The playback doctor's repairs: absent when there were none, else code, window and count each. */
function parseRepairs(value: unknown): NonNullable<RecordingSummary["repairs"]> {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    value.some(
      (r) =>
        !isObject(r) ||
        typeof r.code !== "string" ||
        typeof r.windowId !== "string" ||
        typeof r.count !== "number" ||
        typeof r.timestamp !== "number" ||
        typeof r.message !== "string",
    )
  )
    fail("recording.repairs must be a list of {code, windowId, count, timestamp, message}", value);
  return value as NonNullable<RecordingSummary["repairs"]>;
}

function parseRrwebEvent(value: unknown): RrwebEventLike {
  if (!isObject(value) || typeof value.type !== "number" || typeof value.timestamp !== "number") {
    fail("an rrweb event must have a numeric type and timestamp", value);
  }
  // Keep every field (delay, …): exports are compared with these events as a whole.
  return { ...value, type: value.type, timestamp: value.timestamp, data: value.data };
}

function parsePosthogEvent(value: unknown): PosthogEventLike {
  if (!isObject(value) || typeof value.event !== "string" || !isObject(value.properties)) {
    fail("a posthog event must have an event name and a properties object", value);
  }
  return { event: value.event, properties: value.properties };
}

export class DevkitApi {
  constructor(readonly baseUrl: string) {}

  async getJson(path: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}${path}`);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      fail(`GET ${path} answered ${res.status} with a body that is not JSON`, text.slice(0, 200));
    }
    return { status: res.status, body };
  }

  async recordings(): Promise<RecordingSummary[]> {
    const { status, body } = await this.getJson("/api/recordings");
    if (status !== 200 || !isObject(body) || !Array.isArray(body.recordings)) {
      fail(`GET /api/recordings must answer 200 {"recordings":[…]} (status ${status})`, body);
    }
    return body.recordings.map(parseRecording);
  }

  /** The recording, or null while the devkit has not stored anything for this session yet. */
  async recording(id: string): Promise<RecordingSummary | null> {
    const path = `/api/recordings/${encodeURIComponent(id)}`;
    const { status, body } = await this.getJson(path);
    if (status === 404) return null;
    if (status !== 200) fail(`GET ${path} answered ${status}`, body);
    return parseRecording(body);
  }

  /** Every rrweb event of the recording (all windows, timestamp order), unpacked, read page by page. */
  async events(id: string): Promise<WindowEventLike[]> {
    const out: WindowEventLike[] = [];
    let after: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const path: string = `/api/recordings/${encodeURIComponent(id)}/events?limit=10000${
        after === null ? "" : `&after=${encodeURIComponent(after)}`
      }`;
      const { status, body } = await this.getJson(path);
      if (status !== 200 || !isObject(body) || !Array.isArray(body.events)) {
        fail(`GET ${path} must answer 200 {"events":[…],"next"} (status ${status})`, body);
      }
      for (const item of body.events) {
        if (!isObject(item) || typeof item.windowId !== "string")
          fail(`${path}: items are {windowId, event}`, item);
        out.push({ windowId: item.windowId, event: parseRrwebEvent(item.event) });
      }
      if (body.next === null) return out;
      if (typeof body.next !== "string") fail(`${path}: next must be a cursor string or null`, body.next);
      after = body.next;
    }
    throw new Error(`GET /api/recordings/${id}/events kept answering a next page`);
  }

  /** The session's PostHog events, or none while the devkit has no recording for it yet. */
  async posthogEvents(id: string): Promise<PosthogEventLike[]> {
    const path = `/api/recordings/${encodeURIComponent(id)}/posthog-events`;
    const { status, body } = await this.getJson(path);
    if (status === 404) return [];
    if (status !== 200 || !isObject(body) || !Array.isArray(body.events)) {
      fail(`GET ${path} must answer 200 {"events":[…]} (status ${status})`, body);
    }
    return body.events.map(parsePosthogEvent);
  }

  async download(id: string, format: string): Promise<Download> {
    const res = await fetch(
      `${this.baseUrl}/api/recordings/${encodeURIComponent(id)}/export?format=${format}`,
    );
    return {
      status: res.status,
      contentType: res.headers.get("content-type") ?? "",
      body: Buffer.from(await res.arrayBuffer()),
    };
  }
}

/**
 * Polls `read` until `unmet` returns no reasons, or throws after `timeoutMs` listing what was still
 * missing and the last value seen. posthog-js flushes every ~3 s and on pagehide, so waiting for
 * the state is both faster and sturdier than sleeping.
 */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  unmet: (value: T) => string[],
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let reasons: string[] = ["nothing read yet"];
  for (;;) {
    last = await read();
    reasons = unmet(last);
    if (reasons.length === 0) return last;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}: ${reasons.join("; ")}. Last state: ${JSON.stringify(last)?.slice(0, 1500)}`,
  );
}
