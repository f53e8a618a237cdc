/** Recording fields `GET /api/recordings?sort=` can order the whole list by (the store implements each). */
export const RECORDING_SORT_FIELDS = [
  "startTime",
  "durationMs",
  "activeMs",
  "firstUrl",
  "distinctId",
  "clickCount",
  "keypressCount",
  "consoleErrorCount",
  "sizeBytes",
  "updatedAt",
] as const;

export type RecordingSortField = (typeof RECORDING_SORT_FIELDS)[number];

/**
 * The list's order: `<field>:asc` or `<field>:desc` for any {@link RecordingSortField}, or one of
 * the named orders (`newest` = `startTime:desc`, `oldest` = `startTime:asc`, `longest` =
 * `durationMs:desc`, `shortest` = `durationMs:asc`, `updated` = `updatedAt:desc`).
 */
export type RecordingSort =
  "newest" | "oldest" | "longest" | "shortest" | "updated" | `${RecordingSortField}:${"asc" | "desc"}`;
