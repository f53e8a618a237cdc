import { capturedRequests, capturedRrwebEvents, type CapturedRequest } from "./capture.js";

/** A recording as PostHog holds it, made from the shared posthog-js capture. */
export interface StandInRecording {
  sessionId: string;
  distinctId: string;
  /** blob_v2 blocks: JSONL lines `[windowId, event]`, events exactly as ingested (`cv` still packed). */
  blocks: string[][];
  /** The session's analytics events (not `$snapshot`), as PostHog's events table returns them. */
  events: StandInEvent[];
  /** What the pulled recording must contain: per window, the unpacked events in capture order. */
  expected: Map<string, Record<string, unknown>[]>;
  person: Record<string, unknown>;
}

export interface StandInEvent {
  uuid: string;
  event: string;
  timestamp: string;
  distinct_id: string;
  properties: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function captureEvents(request: CapturedRequest): Json[] {
  const body = request.body;
  if (Array.isArray(body)) return body.filter(isObject);
  if (isObject(body) && Array.isArray(body.batch)) return body.batch.filter(isObject);
  return isObject(body) ? [body] : [];
}

/**
 * Builds what PostHog would hold for the captured runs: one session (the first run's id) whose
 * windows are the runs' tabs (two runs = a two-tab recording), blob_v2 lines cut into blocks of
 * `linesPerBlock`, and the analytics events of those runs. The `$snapshot_data` events are taken
 * from the request bodies as posthog-js sent them, so FullSnapshots and mutations stay `cv`-packed,
 * as PostHog ingestion stores them (POSTHOG-PROTOCOL.md §2.4, §3a).
 */
export function standInRecording(runs: readonly ("A" | "B")[], linesPerBlock: number): StandInRecording {
  const requests = capturedRequests().filter((r) => runs.includes(r.run));
  let sessionId: string | null = null;
  let distinctId: string | null = null;
  const lines: string[] = [];
  const events: StandInEvent[] = [];
  for (const request of requests) {
    if (request.method !== "POST") continue;
    for (const event of captureEvents(request)) {
      const props = isObject(event.properties) ? event.properties : {};
      if (event.event === "$snapshot" && request.path === "/s/") {
        sessionId ??= String(props.$session_id);
        distinctId ??= String(props.distinct_id);
        const data = Array.isArray(props.$snapshot_data) ? props.$snapshot_data : [];
        for (const rrweb of data) lines.push(JSON.stringify([props.$window_id, rrweb]));
      } else if ((request.path === "/e/" || request.path === "/i/v0/e/") && typeof event.event === "string") {
        events.push({
          uuid: String(event.uuid),
          event: event.event,
          timestamp: typeof event.timestamp === "string" ? event.timestamp : new Date(0).toISOString(),
          distinct_id: String(props.distinct_id ?? ""),
          properties: props,
        });
      }
    }
  }
  if (sessionId === null || distinctId === null) throw new Error(`runs ${runs.join(",")} hold no $snapshot`);
  for (const event of events) event.properties = { ...event.properties, $session_id: sessionId };
  events.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const blocks: string[][] = [];
  for (let i = 0; i < lines.length; i += linesPerBlock) blocks.push(lines.slice(i, i + linesPerBlock));
  const expected = new Map<string, Record<string, unknown>[]>();
  for (const captured of capturedRrwebEvents().filter((e) => runs.includes(e.run))) {
    // The devkit drops `cv` once it has unpacked an event (POSTHOG-PROTOCOL.md §2.4, step 4).
    const { cv: _cv, ...event } = captured.event;
    const list = expected.get(captured.window_id) ?? [];
    list.push(event);
    expected.set(captured.window_id, list);
  }
  return {
    sessionId,
    distinctId,
    blocks,
    events,
    expected,
    person: {
      id: 1,
      uuid: "0193a1b2-0000-7000-8000-000000000001",
      name: "person@example.com",
      distinct_ids: [distinctId],
      properties: { email: "person@example.com", $os: "Linux" },
      created_at: "2026-11-22T10:00:00.000000Z",
    },
  };
}
