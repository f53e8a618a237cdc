import type { PosthogClient } from "./client.js";
import { PosthogApiError } from "./errors.js";

/**
 * The recording object as PostHog's API serves it (`SessionRecordingSerializer`): kept as it came,
 * these are the fields the devkit reads.
 */
export interface PosthogRecording {
  id: string;
  distinct_id?: string | null;
  start_time?: string | null;
  end_time?: string | null;
  recording_duration?: number | null;
  click_count?: number | null;
  keypress_count?: number | null;
  console_error_count?: number | null;
  start_url?: string | null;
  person?: Record<string, unknown> | null;
  [field: string]: unknown;
}

export async function getRecording(client: PosthogClient, sessionId: string): Promise<PosthogRecording> {
  const body = await client.json({
    method: "GET",
    path: `session_recordings/${encodeURIComponent(sessionId)}`,
    accept: "application/json",
  });
  return checkRecording(body, "the recording");
}

/** Filters of `pull --list`, each mapped onto one `RecordingsQuery` field of PostHog's list endpoint. */
export interface ListFilter {
  /** ISO time or a relative `-7d` (PostHog's default is `-3d`). */
  dateFrom?: string;
  dateTo?: string;
  distinctId?: string;
  /** A person's UUID. */
  personUuid?: string;
  /** Substring of a page visited during the recording (the `visited_page` recording property). */
  url?: string;
  minDurationSeconds?: number;
  /** Only recordings with console errors. */
  hasErrors?: boolean;
  /** Total recordings wanted across pages (default 50). */
  limit?: number;
}

/** Page size asked of PostHog. */
const LIST_PAGE = 50;

/**
 * The query string of `GET …/session_recordings`: PostHog JSON-decodes each parameter into a field of
 * `RecordingsQuery` (`query_as_params_to_dict`), so lists and filters are sent as JSON.
 */
export function listQuery(
  filter: ListFilter,
  page: { limit: number; offset?: number; after?: string },
): URLSearchParams {
  const q = new URLSearchParams();
  if (filter.dateFrom) q.set("date_from", filter.dateFrom);
  if (filter.dateTo) q.set("date_to", filter.dateTo);
  if (filter.distinctId) q.set("distinct_ids", JSON.stringify([filter.distinctId]));
  if (filter.personUuid) q.set("person_uuid", filter.personUuid);
  if (filter.url) {
    q.set(
      "properties",
      JSON.stringify([{ type: "recording", key: "visited_page", operator: "icontains", value: filter.url }]),
    );
  }
  if (filter.minDurationSeconds !== undefined) {
    q.set(
      "having_predicates",
      JSON.stringify([
        { type: "recording", key: "duration", operator: "gt", value: filter.minDurationSeconds },
      ]),
    );
  }
  if (filter.hasErrors) {
    q.set(
      "console_log_filters",
      JSON.stringify([{ type: "log_entry", key: "level", operator: "exact", value: ["error"] }]),
    );
  }
  q.set("limit", String(page.limit));
  if (page.after !== undefined) q.set("after", page.after);
  else if (page.offset) q.set("offset", String(page.offset));
  return q;
}

/**
 * Every recording matching the filter, newest first (PostHog's default order), following
 * `next_cursor` when PostHog gives one and `offset` otherwise, until `limit` or `has_next: false`.
 */
export async function listRecordings(client: PosthogClient, filter: ListFilter): Promise<PosthogRecording[]> {
  const wanted = filter.limit ?? 50;
  const out: PosthogRecording[] = [];
  let after: string | undefined;
  for (;;) {
    const limit = Math.min(LIST_PAGE, wanted - out.length);
    const body = (await client.json({
      method: "GET",
      path: "session_recordings",
      query: listQuery(filter, after !== undefined ? { limit, after } : { limit, offset: out.length }),
      accept: "application/json",
    })) as { results?: unknown; has_next?: unknown; next_cursor?: unknown } | null;
    if (!body || !Array.isArray(body.results)) {
      throw new PosthogApiError("INVALID_RESPONSE", "the recordings list answered without results");
    }
    for (const item of body.results) out.push(checkRecording(item, `recording ${out.length}`));
    if (body.has_next !== true || body.results.length === 0 || out.length >= wanted)
      return out.slice(0, wanted);
    after = typeof body.next_cursor === "string" ? body.next_cursor : undefined;
  }
}

function checkRecording(value: unknown, what: string): PosthogRecording {
  if (typeof value !== "object" || value === null || typeof (value as { id?: unknown }).id !== "string") {
    throw new PosthogApiError("INVALID_RESPONSE", `${what} from PostHog has no id`);
  }
  return value as PosthogRecording;
}
