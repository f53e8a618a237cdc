import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CAPTURE_FIXTURES } from "./paths.js";

/** One line of shared/fixtures/posthog-js-capture/requests.jsonl. */
export interface CapturedRequest {
  run: "A" | "B";
  seq: number;
  t_ms: number;
  method: string;
  path: string;
  query: string;
  kind: string;
  transport: string;
  content_type: string | null;
  headers: Record<string, string>;
  body_bytes: number;
  body_encoding: string;
  body_file: string | null;
  response_status: number;
}

export function capturedRequests(): CapturedRequest[] {
  return readFileSync(join(CAPTURE_FIXTURES, "requests.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CapturedRequest);
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
  return readFileSync(join(CAPTURE_FIXTURES, "rrweb-events.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CapturedRrwebEvent)
    .filter((e) => run === undefined || e.run === run);
}
