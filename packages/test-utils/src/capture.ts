import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TestUtilsError } from "./errors.js";
import { CAPTURE_FIXTURES } from "./paths.js";

/**
 * One line of shared/fixtures/posthog-js-capture/requests.jsonl. The sink recorded the query string
 * already parsed, as an object of names to values (`{}` or e.g. `{ v: "2" }` for `/flags/?v=2`);
 * `new URLSearchParams(request.query)` turns it back into a query string.
 */
export interface CapturedRequest {
  run: "A" | "B";
  seq: number;
  t_ms: number;
  method: string;
  path: string;
  query: Record<string, string>;
  kind: string;
  transport: string;
  content_type: string | null;
  headers: Record<string, string>;
  body_bytes: number;
  body_encoding: string;
  body_file: string | null;
  response_status: number;
  /** The decoded JSON body (packed rrweb fields left as sent), or null when there was none. */
  body: unknown;
}

export function capturedRequests(): CapturedRequest[] {
  const file = join(CAPTURE_FIXTURES, "requests.jsonl");
  return parseCapturedRequests(readFileSync(file, "utf8"), file);
}

/** Parses requests.jsonl text, checking every field so a changed fixture fails here, by line. */
export function parseCapturedRequests(text: string, source = "requests.jsonl"): CapturedRequest[] {
  return jsonLines(text, source).map(({ value, where }) => toCapturedRequest(value, where));
}

/** The raw body bytes of a captured request, exactly as posthog-js sent them. */
export function capturedBody(request: CapturedRequest): Buffer | null {
  return request.body_file ? readFileSync(join(CAPTURE_FIXTURES, request.body_file)) : null;
}

/** One line of rrweb-events.jsonl: an rrweb event with packed fields already expanded. */
export interface CapturedRrwebEvent {
  run: "A" | "B";
  req_seq: number;
  index: number;
  session_id: string;
  window_id: string;
  label: string;
  cv: string | null;
  packed_fields: string[];
  event: { type: number; timestamp: number; data: unknown; [key: string]: unknown };
}

export function capturedRrwebEvents(run?: "A" | "B"): CapturedRrwebEvent[] {
  const file = join(CAPTURE_FIXTURES, "rrweb-events.jsonl");
  return parseCapturedRrwebEvents(readFileSync(file, "utf8"), file).filter(
    (e) => run === undefined || e.run === run,
  );
}

export function parseCapturedRrwebEvents(text: string, source = "rrweb-events.jsonl"): CapturedRrwebEvent[] {
  return jsonLines(text, source).map(({ value, where }) => toCapturedRrwebEvent(value, where));
}

type Json = Record<string, unknown>;

function jsonLines(text: string, source: string): { value: Json; where: string }[] {
  const out: { value: Json; where: string }[] = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw invalid(where, `is not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!isObject(value)) throw invalid(where, "is not a JSON object");
    out.push({ value, where });
  }
  return out;
}

function toCapturedRequest(v: Json, where: string): CapturedRequest {
  return {
    run: runOf(v, where),
    seq: num(v, "seq", where),
    t_ms: num(v, "t_ms", where),
    method: str(v, "method", where),
    path: str(v, "path", where),
    query: stringRecord(v, "query", where),
    kind: str(v, "kind", where),
    transport: str(v, "transport", where),
    content_type: strOrNull(v, "content_type", where),
    headers: stringRecord(v, "headers", where),
    body_bytes: num(v, "body_bytes", where),
    body_encoding: str(v, "body_encoding", where),
    body_file: strOrNull(v, "body_file", where),
    response_status: num(v, "response_status", where),
    body: v.body ?? null,
  };
}

function toCapturedRrwebEvent(v: Json, where: string): CapturedRrwebEvent {
  const event = v.event;
  if (!isObject(event) || typeof event.type !== "number" || typeof event.timestamp !== "number") {
    throw invalid(where, "field event must be an rrweb event with numeric type and timestamp");
  }
  const packed = v.packed_fields;
  if (!Array.isArray(packed) || !packed.every((p) => typeof p === "string")) {
    throw invalid(where, "field packed_fields must be an array of strings");
  }
  return {
    run: runOf(v, where),
    req_seq: num(v, "req_seq", where),
    index: num(v, "index", where),
    session_id: str(v, "session_id", where),
    window_id: str(v, "window_id", where),
    label: str(v, "label", where),
    cv: strOrNull(v, "cv", where),
    packed_fields: packed as string[],
    event: event as CapturedRrwebEvent["event"],
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(where: string, problem: string): TestUtilsError {
  return new TestUtilsError(
    "FIXTURE_INVALID",
    `${where} ${problem}; the shared capture fixture is read-only, so check that it is intact (see its README)`,
  );
}

function runOf(v: Json, where: string): "A" | "B" {
  if (v.run !== "A" && v.run !== "B") throw invalid(where, `field run must be "A" or "B"`);
  return v.run;
}

function num(v: Json, key: string, where: string): number {
  const value = v[key];
  if (typeof value !== "number" || !Number.isFinite(value))
    throw invalid(where, `field ${key} must be a number`);
  return value;
}

function str(v: Json, key: string, where: string): string {
  const value = v[key];
  if (typeof value !== "string") throw invalid(where, `field ${key} must be a string`);
  return value;
}

function strOrNull(v: Json, key: string, where: string): string | null {
  const value = v[key];
  if (value !== null && typeof value !== "string")
    throw invalid(where, `field ${key} must be a string or null`);
  return value;
}

function stringRecord(v: Json, key: string, where: string): Record<string, string> {
  const value = v[key];
  if (!isObject(value) || !Object.values(value).every((x) => typeof x === "string")) {
    throw invalid(where, `field ${key} must be an object of string values`);
  }
  return value as Record<string, string>;
}
