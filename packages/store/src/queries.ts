import type Database from "better-sqlite3";
import type { CaptureEvent, SessionMetadata } from "@replay-devkit/codec";
import { fromSqliteError, StoreError } from "./errors.js";
import type { RecordingRow, Statements } from "./statements.js";
import {
  RECORDING_SORT_FIELDS,
  type RecordingFilter,
  type RecordingSort,
  type RecordingSortField,
  type RecordingSummary,
} from "./types.js";

// The recording list: filters, sort orders as data (SORT_KEYS -> ORDER_BY) and paging.

export const MAX_LIST_LIMIT = 1000;

// SQL sort keys. Fields with their own column use it; the rest are read from the metadata JSON.
// Only start_ms is indexed: an index per field would be rewritten by every ingest batch, while an
// unindexed first page of 10,000 recordings takes tens of ms (bench/list.bench.mjs).
export const SORT_KEYS: Record<RecordingSortField, string> = {
  startTime: "start_ms",
  durationMs: "duration_ms",
  activeMs: "json_extract(metadata, '$.activeMs')",
  firstUrl: "json_extract(metadata, '$.firstUrl') COLLATE NOCASE",
  distinctId: "distinct_id COLLATE NOCASE",
  clickCount: "json_extract(metadata, '$.clickCount')",
  keypressCount: "json_extract(metadata, '$.keypressCount')",
  consoleErrorCount: "console_error_count",
  sizeBytes: "json_extract(metadata, '$.sizeBytes')",
  updatedAt: "updated_at",
};

/**
 * What differs between SQL dialects in the list query: sort expressions, the URL match, NULL order
 * and placeholders. Filters, named orders, tie-breaks and paging are shared (listQuery).
 */
export interface ListDialect {
  sortKeys: Readonly<Record<RecordingSortField, string>>;
  /** The recording id as a sort key (PostgreSQL needs byte order spelled out). */
  id: string;
  /** SQLite sorts NULL first ascending and last descending; other dialects say so explicitly. */
  nulls: { asc: string; desc: string };
  /** A condition true when any visited URL matches the LIKE pattern in placeholder `p`. */
  urlLike: (p: string) => string;
  placeholder: (index: number) => string;
}

export const SQLITE_LIST: ListDialect = {
  sortKeys: SORT_KEYS,
  id: "id",
  nulls: { asc: "", desc: "" },
  urlLike: (p) => `EXISTS (SELECT 1 FROM json_each(metadata, '$.urls') WHERE value LIKE ${p} ESCAPE '\\')`,
  placeholder: () => "?",
};

const NAMED_SORTS = {
  newest: "startTime:desc",
  oldest: "startTime:asc",
  longest: "durationMs:desc",
  shortest: "durationMs:asc",
  updated: "updatedAt:desc",
} as const satisfies Record<string, RecordingSort>;

/** Every value {@link RecordingFilter.sort} accepts, named orders first. */
export const RECORDING_SORTS: readonly RecordingSort[] = [
  ...(Object.keys(NAMED_SORTS) as (keyof typeof NAMED_SORTS)[]),
  ...RECORDING_SORT_FIELDS.flatMap((field) => [`${field}:asc`, `${field}:desc`] as const),
];

function orderBy(dialect: ListDialect, sort: RecordingSort): string {
  const spec: string = sort in NAMED_SORTS ? NAMED_SORTS[sort as keyof typeof NAMED_SORTS] : sort;
  const [field, direction] = spec.split(":") as [RecordingSortField, "asc" | "desc"];
  const dir = direction === "asc" ? `ASC${dialect.nulls.asc}` : `DESC${dialect.nulls.desc}`;
  // Equal values list the newest recording first; the id makes the order total, so pages never
  // repeat or skip a row.
  const tieBreak =
    field === "startTime" || field === "updatedAt" ? dialect.id : `start_ms DESC, ${dialect.id}`;
  return `${dialect.sortKeys[field]} ${dir}, ${tieBreak}`;
}

const SORT_SET: ReadonlySet<string> = new Set(RECORDING_SORTS);

/** The list's WHERE clause, its parameters, ORDER BY and paging, for any dialect. */
export function listQuery(
  dialect: ListDialect,
  filter: RecordingFilter,
): { clause: string; params: unknown[]; orderBy: string; limit: number; offset: number } {
  const where: string[] = ["source != 'pending'"];
  const params: unknown[] = [];
  const next = (value: unknown) => {
    params.push(value);
    return dialect.placeholder(params.length);
  };
  if (filter.url !== undefined && filter.url !== "") {
    where.push(dialect.urlLike(next(`%${filter.url.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)));
  }
  if (filter.distinctId !== undefined) where.push(`distinct_id = ${next(filter.distinctId)}`);
  if (filter.hasErrors !== undefined)
    where.push(filter.hasErrors ? "console_error_count > 0" : "console_error_count = 0");
  if (filter.minDurationMs !== undefined) where.push(`duration_ms >= ${next(filter.minDurationMs)}`);
  if (filter.from !== undefined) where.push(`start_ms >= ${next(filter.from.getTime())}`);
  if (filter.to !== undefined) where.push(`start_ms <= ${next(filter.to.getTime())}`);
  const sort = filter.sort ?? "newest";
  if (!SORT_SET.has(sort))
    throw new StoreError(
      "INVALID_INPUT",
      `Unknown sort ${JSON.stringify(sort)}; use one of ${RECORDING_SORTS.join(", ")}`,
    );
  return {
    clause: `WHERE ${where.join(" AND ")}`,
    params,
    orderBy: orderBy(dialect, sort),
    limit: Math.min(MAX_LIST_LIMIT, Math.max(0, Math.floor(filter.limit ?? 100))),
    offset: Math.max(0, Math.floor(filter.offset ?? 0)),
  };
}

export function listRecordings(
  db: Database.Database,
  filter: RecordingFilter,
): { recordings: RecordingSummary[]; total: number } {
  const { clause, params, orderBy, limit, offset } = listQuery(SQLITE_LIST, filter);
  try {
    const total =
      (db
        .prepare(`SELECT count(*) FROM recordings ${clause}`)
        .pluck()
        .get(...params) as number) ?? 0;
    // The page's rowids are chosen first and the wide rows read after: a sort that carried the
    // metadata along would copy it for every row that passes through the sorter, which for
    // unindexed orders and deep pages is most of the table (3-10x slower, bench/list.bench.mjs).
    const rows = db
      .prepare(
        `SELECT metadata, source, created_at, updated_at FROM recordings
          WHERE rowid IN (SELECT rowid FROM recordings ${clause} ORDER BY ${orderBy} LIMIT ? OFFSET ?)
          ORDER BY ${orderBy}`,
      )
      .all(...params, limit, offset) as RecordingRow[];
    return { recordings: rows.map(toSummary), total };
  } catch (error) {
    throw fromSqliteError(error, "Listing recordings");
  }
}

export function toSummary(
  row: Pick<RecordingRow, "metadata" | "source" | "created_at" | "updated_at">,
): RecordingSummary {
  const metadata = JSON.parse(row.metadata) as SessionMetadata;
  return {
    ...metadata,
    source: row.source,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function stripSummary(summary: RecordingSummary): SessionMetadata {
  const { source: _source, createdAt: _createdAt, updatedAt: _updatedAt, ...metadata } = summary;
  return metadata;
}

export function posthogEventsOf(stmt: Statements, id: string): CaptureEvent[] {
  return (stmt.posthogBySession.all(id) as { data: string }[]).map((r) => JSON.parse(r.data) as CaptureEvent);
}

/** A recording's summary, or null while it does not exist (or is still a pending row mid-ingest). */
export function getRecording(stmt: Statements, id: string): RecordingSummary | null {
  const row = stmt.getRow.get(id) as RecordingRow | undefined;
  return row && row.source !== "pending" ? toSummary(row) : null;
}
