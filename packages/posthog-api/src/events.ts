import type { CaptureEvent } from "@replay-devkit/codec";
import type { PosthogClient } from "./client.js";
import { PosthogApiError, isPosthogApiError } from "./errors.js";

/** Rows per page of the events query. */
const EVENTS_PAGE = 1000;
/** A session's events beyond this are left out (a runaway session must not exhaust memory). */
export const MAX_SESSION_EVENTS = 100_000;

/** The columns asked for, in order; person properties are deliberately not among them. */
const COLUMNS = ["uuid", "event", "timestamp", "distinct_id", "properties"] as const;

/**
 * The HogQL query PostHog's query API runs (`POST …/query/`, scope `query:read`): the session's
 * events, oldest first. Values travel as `{placeholders}`, never spliced into the text.
 */
export function eventsQuery(sessionId: string, offset: number): unknown {
  return {
    query: {
      kind: "HogQLQuery",
      query:
        `SELECT ${COLUMNS.join(", ")} FROM events WHERE $session_id = {session_id} AND event != '$snapshot' ` +
        `ORDER BY timestamp ASC, uuid ASC LIMIT ${EVENTS_PAGE} OFFSET ${offset}`,
      values: { session_id: sessionId },
      name: "replay-devkit pull: session events",
    },
  };
}

export type EventsResult =
  | { status: "ok"; events: CaptureEvent[] }
  /** The key may read recordings but not run queries (no `query:read`): the recording comes without them. */
  | { status: "skipped"; reason: string };

/** The session's analytics events where the key allows it. */
export async function fetchSessionEvents(client: PosthogClient, sessionId: string): Promise<EventsResult> {
  const events: CaptureEvent[] = [];
  for (;;) {
    let body: unknown;
    try {
      body = await client.json({
        method: "POST",
        path: "query/",
        json: eventsQuery(sessionId, events.length),
        accept: "application/json",
      });
    } catch (error) {
      if (isPosthogApiError(error) && (error.code === "MISSING_SCOPE" || error.code === "NOT_FOUND")) {
        return { status: "skipped", reason: error.message };
      }
      throw error;
    }
    const page = readPage(body);
    for (const row of page.rows) events.push(toEvent(row, sessionId));
    if (events.length > MAX_SESSION_EVENTS) {
      throw new PosthogApiError("INVALID_RESPONSE", `the session has more than ${MAX_SESSION_EVENTS} events`);
    }
    if (!page.hasMore || page.rows.length === 0) return { status: "ok", events };
  }
}

function readPage(body: unknown): { rows: unknown[][]; hasMore: boolean } {
  const b = body as { results?: unknown; columns?: unknown; hasMore?: unknown } | null;
  if (!b || !Array.isArray(b.results)) {
    throw new PosthogApiError("INVALID_RESPONSE", "the query API answered without results");
  }
  if (Array.isArray(b.columns) && b.columns.join(",") !== COLUMNS.join(",")) {
    throw new PosthogApiError(
      "INVALID_RESPONSE",
      `the query API answered columns ${JSON.stringify(b.columns)}`,
    );
  }
  return { rows: b.results.filter(Array.isArray) as unknown[][], hasMore: b.hasMore === true };
}

function toEvent(row: unknown[], sessionId: string): CaptureEvent {
  const [uuid, event, timestamp, distinctId, properties] = row;
  if (typeof event !== "string")
    throw new PosthogApiError("INVALID_RESPONSE", "an event row has no event name");
  // HogQL returns `properties` as its JSON text.
  let props: unknown = properties;
  if (typeof props === "string") {
    try {
      props = JSON.parse(props);
    } catch {
      props = {};
    }
  }
  const out: CaptureEvent = {
    event,
    properties: {
      ...(typeof props === "object" && props !== null ? (props as Record<string, unknown>) : {}),
      $session_id: sessionId,
    },
  };
  if (typeof uuid === "string") out.uuid = uuid;
  if (typeof timestamp === "string") out.timestamp = new Date(timestamp).toISOString();
  if (typeof distinctId === "string") out.distinct_id = distinctId;
  return out;
}
