import type { Database, Statement } from "better-sqlite3";
import { StoreError } from "./errors.js";

/** Where a stored line came from: the app's two streams, or a note the store wrote itself (dropped lines). */
export type AppLogStream = "stdout" | "stderr" | "devkit";

/** One line of the app's output, as the caller hands it to {@link Store.appendAppLogs}. */
export interface AppLogLine {
  /** Epoch milliseconds when the line was read. */
  timestamp: number;
  stream: "stdout" | "stderr";
  /** The line without its newline. Longer than `maxLineChars` is cut, with a note of how much. */
  text: string;
}

export interface StoredAppLogLine {
  /** Insertion order; with `timestamp` it is the paging cursor. */
  seq: number;
  timestamp: number;
  stream: AppLogStream;
  text: string;
}

/**
 * Bounds on what app logs may cost. A dev server stuck in a crash loop can print thousands of lines
 * a second; recordings matter more than its log, so the log is capped rather than the ingest slowed.
 */
export interface AppLogLimits {
  /** Lines kept per wall-clock minute (by line timestamp); the rest of that minute is dropped. */
  maxLinesPerMinute: number;
  /** Rows kept in total; the oldest go first. */
  maxRows: number;
  /** Lines older than this (by the store's clock) are deleted. */
  maxAgeMs: number;
  /** Longer lines are cut to this many characters. */
  maxLineChars: number;
}

export const DEFAULT_APP_LOG_LIMITS: Readonly<AppLogLimits> = Object.freeze({
  maxLinesPerMinute: 6000,
  maxRows: 200_000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  maxLineChars: 4096,
});

export interface AppendAppLogsResult {
  stored: number;
  /** Lines over the per-minute cap, not stored. */
  dropped: number;
  /** Lines stored cut to `maxLineChars`. */
  truncated: number;
}

export interface AppLogQuery {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, inclusive. */
  to?: number;
  /** 1 to 5000, default 1000. */
  limit?: number;
  /** Continue after this line (the previous page's `next`). */
  after?: { timestamp: number; seq: number };
}

export interface AppLogPage {
  lines: StoredAppLogLine[];
  /** Cursor for the next page, null on the last one. */
  next: { timestamp: number; seq: number } | null;
}

export const MAX_APP_LOG_PAGE = 5000;
const DEFAULT_APP_LOG_PAGE = 1000;
const MINUTE_MS = 60_000;

interface Row {
  seq: number;
  ts_ms: number;
  stream: AppLogStream;
  text: string;
}

function checkLimits(limits: Partial<AppLogLimits> | undefined): AppLogLimits {
  const merged = { ...DEFAULT_APP_LOG_LIMITS, ...limits };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new StoreError("INVALID_INPUT", `appLogs.${name} must be a positive whole number, got ${value}`);
    }
  }
  return merged;
}

function isEpochMs(value: unknown): value is number {
  // Year 1970 to 2286: anything else is a unit mistake (seconds, microseconds), not a time.
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value < 1e13;
}

/** One line to insert: timestamp (epoch ms), stream, text. */
export type AppLogRow = [number, AppLogStream, string];

/**
 * The app log's rules, free of SQL: validation, the per-minute cap (with one `devkit` note per capped
 * minute) and the line cut. Each driver inserts the rows it plans. One instance per store connection:
 * the minute counter is per process, as the cap protects this process's ingest.
 */
export class AppLogPlanner {
  readonly limits: AppLogLimits;
  private minute = -1;
  private minuteCount = 0;

  constructor(limits?: Partial<AppLogLimits>) {
    this.limits = checkLimits(limits);
  }

  /** Validates everything first (a bad line plans nothing), then applies the per-minute cap and line cut. */
  plan(lines: readonly AppLogLine[]): { rows: AppLogRow[]; result: AppendAppLogsResult } {
    const rows: AppLogRow[] = [];
    if (!Array.isArray(lines)) throw new StoreError("INVALID_INPUT", "appendAppLogs needs an array of lines");
    lines.forEach((line: unknown, index) => {
      const l = line as Partial<AppLogLine> | null;
      if (
        typeof l !== "object" ||
        l === null ||
        !isEpochMs(l.timestamp) ||
        (l.stream !== "stdout" && l.stream !== "stderr") ||
        typeof l.text !== "string"
      ) {
        throw new StoreError(
          "INVALID_INPUT",
          `App log line ${index} must be {timestamp: epoch ms, stream: "stdout" | "stderr", text: string}`,
        );
      }
    });
    const result: AppendAppLogsResult = { stored: 0, dropped: 0, truncated: 0 };
    const { maxLinesPerMinute, maxLineChars } = this.limits;
    for (const line of lines) {
      const minute = Math.floor(line.timestamp / MINUTE_MS);
      if (minute !== this.minute) {
        this.minute = minute;
        this.minuteCount = 0;
      }
      if (this.minuteCount >= maxLinesPerMinute) {
        if (this.minuteCount === maxLinesPerMinute) {
          // One note per minute, so the timeline shows where lines are missing.
          rows.push([
            Math.round(line.timestamp),
            "devkit",
            `replay-devkit: more than ${maxLinesPerMinute} app log lines this minute; the rest of the minute is not stored`,
          ]);
        }
        this.minuteCount++;
        result.dropped++;
        continue;
      }
      this.minuteCount++;
      let text = line.text;
      if (text.length > maxLineChars) {
        text = `${text.slice(0, maxLineChars)} … [${text.length - maxLineChars} more characters not stored]`;
        result.truncated++;
      }
      rows.push([Math.round(line.timestamp), line.stream, text]);
      result.stored++;
    }
    return { rows, result };
  }
}

/** A page query checked and with its defaults filled in. */
export function checkPageQuery(query: AppLogQuery): {
  from: number;
  to: number;
  limit: number;
  after: { timestamp: number; seq: number } | undefined;
} {
  const from = query.from ?? 0;
  const to = query.to ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new StoreError("INVALID_INPUT", "appLogs: from and to must be epoch milliseconds");
  }
  const limit = query.limit ?? DEFAULT_APP_LOG_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_APP_LOG_PAGE) {
    throw new StoreError(
      "INVALID_INPUT",
      `appLogs: limit must be from 1 to ${MAX_APP_LOG_PAGE}, got ${limit}`,
    );
  }
  const after = query.after;
  if (after && (!Number.isFinite(after.timestamp) || !Number.isSafeInteger(after.seq))) {
    throw new StoreError("INVALID_INPUT", "appLogs: after must be {timestamp, seq} from a previous page");
  }
  return { from, to, limit, after };
}

/** Writes and reads the `app_logs` table. One instance per store connection. */
export class AppLogTable {
  readonly limits: AppLogLimits;
  private readonly insert: Statement;
  private readonly trimRows: Statement;
  private readonly trimAge: Statement;
  private readonly pageFirst: Statement;
  private readonly pageAfter: Statement;
  // Per-minute counts live in memory: the cap protects this process's ingest, and the one writer
  // of app logs is the `dev` process that owns the child.
  private readonly readonly: boolean;
  private readonly planner: AppLogPlanner;

  constructor(db: Database, limits?: Partial<AppLogLimits>) {
    this.planner = new AppLogPlanner(limits);
    this.limits = this.planner.limits;
    const readonly = db.readonly;
    this.readonly = readonly;
    const noop = db.prepare("SELECT 1");
    this.insert = readonly ? noop : db.prepare("INSERT INTO app_logs (ts_ms, stream, text) VALUES (?, ?, ?)");
    this.trimRows = readonly
      ? noop
      : db.prepare("DELETE FROM app_logs WHERE seq <= (SELECT max(seq) FROM app_logs) - ?");
    this.trimAge = readonly ? noop : db.prepare("DELETE FROM app_logs WHERE ts_ms < ?");
    this.pageFirst = db.prepare(
      "SELECT seq, ts_ms, stream, text FROM app_logs WHERE ts_ms >= ? AND ts_ms <= ? ORDER BY ts_ms, seq LIMIT ?",
    );
    this.pageAfter = db.prepare(
      `SELECT seq, ts_ms, stream, text FROM app_logs
       WHERE ts_ms <= ? AND (ts_ms > ? OR (ts_ms = ? AND seq > ?)) AND ts_ms >= ?
       ORDER BY ts_ms, seq LIMIT ?`,
    );
  }

  /** Validates everything first, so a bad line stores nothing. Call inside a write transaction. */
  append(lines: readonly AppLogLine[], now: number): AppendAppLogsResult {
    if (this.readonly)
      throw new StoreError("READ_ONLY", "This store was opened read-only; app logs cannot be stored");
    const { rows, result } = this.planner.plan(lines);
    for (const row of rows) this.insert.run(...row);
    if (result.stored > 0 || result.dropped > 0) {
      this.trimRows.run(this.limits.maxRows);
      this.trimAge.run(now - this.limits.maxAgeMs);
    }
    return result;
  }

  page(query: AppLogQuery = {}): AppLogPage {
    const { from, to, limit, after } = checkPageQuery(query);
    const rows = (
      after
        ? this.pageAfter.all(to, after.timestamp, after.timestamp, after.seq, from, limit + 1)
        : this.pageFirst.all(from, to, limit + 1)
    ) as Row[];
    const more = rows.length > limit;
    const lines = rows.slice(0, limit).map((row) => ({
      seq: row.seq,
      timestamp: row.ts_ms,
      stream: row.stream,
      text: row.text,
    }));
    const last = lines.at(-1);
    return { lines, next: more && last ? { timestamp: last.timestamp, seq: last.seq } : null };
  }
}
