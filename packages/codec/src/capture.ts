import { base64Decode, gunzipCapped, isGzip, looksLikeBase64, tooLargeMessage } from "./bytes.js";
import { CodecError, describe } from "./errors.js";
import { isRecord, parseJson, textOf } from "./json.js";
import { resolveLimits, type Limits } from "./limits.js";
import { unpackEvent } from "./pack.js";
import type {
  CaptureEncoding,
  CaptureEvent,
  CaptureShape,
  DecodedCapture,
  Recording,
  RrwebEvent,
  SnapshotBatch,
  SnapshotClient,
} from "./types.js";
import { validateCaptureEvent } from "./validate.js";
import { lz64Decompress } from "./lz64.js";
import { parseForm, type SearchParamsLike } from "./platform.js";

export interface DecodeCaptureOptions {
  contentType?: string | null;
  /** The request's query: a URLSearchParams or a plain record. */
  query?: SearchParamsLike | Record<string, string | undefined>;
  limits?: Partial<Limits>;
  /** When the server received the body; the time base for `offset` when the body has no `sent_at`. */
  receivedAt?: Date;
}

type Hint = "gzip" | "base64" | "lz64" | null;

function queryValue(query: DecodeCaptureOptions["query"], key: string): string | undefined {
  if (!query) return undefined;
  if (typeof query.get === "function") return (query as SearchParamsLike).get(key) ?? undefined;
  return (query as Record<string, string | undefined>)[key];
}

function parseHint(value: string | undefined | null): Hint {
  if (!value) return null;
  switch (value.trim().toLowerCase()) {
    case "gzip":
    case "gzip-js":
      return "gzip";
    case "base64":
    case "b64":
      return "base64";
    case "lz64":
    case "lz-string":
      return "lz64";
    default:
      throw new CodecError(
        "UNSUPPORTED_ENCODING",
        `Unsupported compression ${describe(value)}; expected gzip, gzip-js, base64 or lz64`,
      );
  }
}

function bytesToJsonText(bytes: Uint8Array, limits: Limits): string {
  return isGzip(bytes)
    ? textOf(gunzipCapped(bytes, limits.maxDecompressedBytes), limits)
    : textOf(bytes, limits);
}

function base64ToJsonText(text: string, limits: Limits): string {
  if (text.length * 0.75 > limits.maxDecompressedBytes * 1.01 + 4)
    throw new CodecError("TOO_LARGE", tooLargeMessage(limits.maxDecompressedBytes));
  const bytes = base64Decode(text.trim());
  if (!bytes) throw new CodecError("UNSUPPORTED_ENCODING", "Body was marked base64 but is not valid base64");
  return bytesToJsonText(bytes, limits);
}

function decodePayloadText(
  data: string,
  hint: Hint,
  limits: Limits,
): { text: string; encoding: CaptureEncoding } {
  if (hint === "lz64") return { text: lz64Decompress(data, limits.maxDecompressedBytes), encoding: "lz64" };
  const trimmed = data.trimStart();
  if (
    hint === "base64" ||
    (!trimmed.startsWith("{") && !trimmed.startsWith("[") && looksLikeBase64(trimmed))
  ) {
    return { text: base64ToJsonText(data, limits), encoding: "base64" };
  }
  return { text: data, encoding: "json" };
}

/**
 * Decodes one capture request body from any posthog-js generation: gzip by magic bytes (with or
 * without `compression=gzip-js`), base64, lz64, form-encoded `data=`, sendBeacon text/plain and
 * plain JSON; batch envelopes, bare arrays and single events. `offset`s become ISO `timestamp`s.
 */
export function decodeCaptureBody(body: Uint8Array, opts: DecodeCaptureOptions = {}): DecodedCapture {
  const limits = resolveLimits(opts.limits);
  const queryHint = parseHint(queryValue(opts.query, "compression"));
  let text: string;
  let encoding: CaptureEncoding;
  if (body.length === 0) {
    // Very old SDKs sent GET requests with the payload in `?data=`.
    const data = queryValue(opts.query, "data");
    if (!data)
      throw new CodecError(
        "INVALID_CAPTURE",
        "The request body is empty and there is no data= query parameter",
      );
    const decoded = decodePayloadText(data, queryHint, limits);
    return interpretCapture(
      parseJson(decoded.text, "The data= query parameter"),
      decoded.encoding === "json" ? "form" : decoded.encoding,
      limits,
      opts,
    );
  }
  if (isGzip(body)) {
    text = textOf(gunzipCapped(body, limits.maxDecompressedBytes), limits);
    encoding = queryValue(opts.query, "compression")?.toLowerCase() === "gzip-js" ? "gzip-js" : "gzip";
  } else {
    if (queryHint === "gzip")
      throw new CodecError(
        "INVALID_GZIP",
        "The request says compression=gzip but the body does not start with the gzip magic bytes 1f 8b",
      );
    const raw = textOf(body, limits);
    const contentType = (opts.contentType ?? "").toLowerCase();
    const trimmed = raw.trimStart();
    if (contentType.includes("application/x-www-form-urlencoded") || /^(data|compression)=/.test(trimmed)) {
      const form = parseForm(trimmed);
      const data = form.get("data");
      if (data === null) throw new CodecError("INVALID_CAPTURE", "Form-encoded body has no data= field");
      const hint = queryHint ?? parseHint(form.get("compression"));
      const decoded = decodePayloadText(data, hint, limits);
      text = decoded.text;
      encoding = decoded.encoding === "json" ? "form" : decoded.encoding;
    } else {
      const decoded = decodePayloadText(raw, queryHint, limits);
      text = decoded.text;
      encoding = decoded.encoding;
    }
  }
  const parsed = parseJson(text, "The capture body");
  return interpretCapture(parsed, encoding, limits, opts);
}

function interpretCapture(
  parsed: unknown,
  encoding: CaptureEncoding,
  limits: Limits,
  opts: DecodeCaptureOptions,
): DecodedCapture {
  let shape: CaptureShape;
  let rawEvents: unknown[];
  let apiKey: string | undefined;
  let sentAt: string | undefined;
  let basePath: string;
  if (Array.isArray(parsed)) {
    shape = "array";
    rawEvents = parsed;
    basePath = "";
  } else if (isRecord(parsed) && Array.isArray(parsed.batch)) {
    shape = "batch";
    rawEvents = parsed.batch;
    basePath = "batch";
    if (typeof parsed.api_key === "string") apiKey = parsed.api_key;
    if (typeof parsed.sent_at === "string") sentAt = parsed.sent_at;
  } else if (isRecord(parsed) && typeof parsed.event === "string") {
    shape = "single";
    rawEvents = [parsed];
    basePath = "";
  } else {
    throw new CodecError(
      "INVALID_CAPTURE",
      `Expected {api_key, batch, sent_at}, an array of events or one event object, got ${describe(parsed)}`,
    );
  }
  if (limits.maxEvents !== undefined && rawEvents.length > limits.maxEvents) {
    throw new CodecError(
      "TOO_LARGE",
      `The body holds ${rawEvents.length} events, more than the limit of ${limits.maxEvents}`,
    );
  }
  const querySentAt = sentAtFromQuery(opts.query);
  const events = rawEvents.map((raw, i) => {
    const path = shape === "single" ? "event" : `${basePath}[${i}]`;
    const event = validateCaptureEvent(raw, path);
    apiKey ??= stringOr(event.properties.token) ?? stringOr((raw as Record<string, unknown>).api_key);
    const eventSentAt = stringOr((raw as Record<string, unknown>).sent_at) ?? sentAt ?? querySentAt;
    if (event.timestamp === undefined && event.offset !== undefined) {
      const base =
        eventSentAt !== undefined ? Date.parse(eventSentAt) : (opts.receivedAt ?? new Date()).getTime();
      if (Number.isFinite(base)) {
        const resolved = new Date(base - event.offset);
        if (!Number.isNaN(resolved.getTime())) event.timestamp = resolved.toISOString();
      }
    }
    return event;
  });
  sentAt ??= events.length > 0 ? stringOr((rawEvents[0] as Record<string, unknown>).sent_at) : undefined;
  sentAt ??= querySentAt;
  const result: DecodedCapture = { events, encoding, shape };
  if (apiKey !== undefined) result.apiKey = apiKey;
  if (sentAt !== undefined) result.sentAt = sentAt;
  return result;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function sentAtFromQuery(query: DecodeCaptureOptions["query"]): string | undefined {
  const explicit = queryValue(query, "sent_at");
  if (explicit) return explicit;
  // Before 1.407 the send time travelled as `_=<epoch ms>`.
  const ms = Number(queryValue(query, "_"));
  if (!queryValue(query, "_") || !Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export interface SplitCaptureOptions {
  limits?: Partial<Limits>;
}

/**
 * Separates `$snapshot` events (unpacked into rrweb events, one batch per capture event, each with
 * its own session and window id) from every other event, which is returned untouched.
 */
export function splitCaptureEvents(
  events: CaptureEvent[],
  opts: SplitCaptureOptions = {},
): { snapshots: SnapshotBatch[]; others: CaptureEvent[] } {
  const limits = resolveLimits(opts.limits);
  const snapshots: SnapshotBatch[] = [];
  const others: CaptureEvent[] = [];
  let eventTotal = 0;
  events.forEach((event, i) => {
    if (event.event !== "$snapshot") {
      others.push(event);
      return;
    }
    const path = `events[${i}].properties`;
    const props = event.properties;
    const sessionId = props.$session_id;
    if (typeof sessionId !== "string" || sessionId === "") {
      throw new CodecError(
        "INVALID_CAPTURE",
        `A $snapshot event needs a $session_id string, got ${describe(sessionId)}`,
        { path: `${path}.$session_id` },
      );
    }
    // iOS sends no $window_id (capture falls back to the session id); a numeric one keeps its digits.
    const windowId =
      typeof props.$window_id === "string" && props.$window_id !== ""
        ? props.$window_id
        : typeof props.$window_id === "number" && Number.isSafeInteger(props.$window_id)
          ? String(props.$window_id)
          : sessionId;
    const distinct = props.distinct_id ?? event.distinct_id;
    const distinctId =
      typeof distinct === "string" ? distinct : typeof distinct === "number" ? String(distinct) : null;
    let data = props.$snapshot_data;
    if (isRecord(data)) data = [data];
    if (!Array.isArray(data)) {
      throw new CodecError(
        "INVALID_CAPTURE",
        `A $snapshot event needs $snapshot_data (an array of rrweb events), got ${describe(data)}`,
        {
          path: `${path}.$snapshot_data`,
        },
      );
    }
    eventTotal += data.length;
    if (limits.maxEvents !== undefined && eventTotal > limits.maxEvents) {
      throw new CodecError(
        "TOO_LARGE",
        `The body holds more than the limit of ${limits.maxEvents} rrweb events`,
      );
    }
    const rrweb: RrwebEvent[] = data.map((raw: unknown, j: number) =>
      unpackEvent(raw, { limits, path: `${path}.$snapshot_data[${j}]` }),
    );
    const batch: SnapshotBatch = { sessionId, windowId, distinctId, events: rrweb };
    if (event.uuid !== undefined) batch.uuid = event.uuid;
    if (event.timestamp !== undefined) batch.timestamp = event.timestamp;
    const client = snapshotClient(props);
    if (client) batch.client = client;
    snapshots.push(batch);
  });
  return { snapshots, others };
}

function snapshotClient(props: Record<string, unknown>): SnapshotClient | undefined {
  const client: SnapshotClient = {};
  if (typeof props.$lib === "string") client.lib = props.$lib;
  if (typeof props.$lib_version === "string") client.libVersion = props.$lib_version;
  if (typeof props.$snapshot_source === "string") client.snapshotSource = props.$snapshot_source;
  if (typeof props.$os === "string") client.os = props.$os;
  if (typeof props.$screen_width === "number" && props.$screen_width > 0)
    client.screenWidth = props.$screen_width;
  if (typeof props.$screen_height === "number" && props.$screen_height > 0)
    client.screenHeight = props.$screen_height;
  return Object.keys(client).length > 0 ? client : undefined;
}

/**
 * Groups snapshot batches (and the other events that carry a `$session_id`) into one Recording per
 * session, windows in first-seen order, events sorted by time. Handy for imports and tests; the store
 * does the same incrementally.
 */
export function groupRecordings(snapshots: SnapshotBatch[], others: CaptureEvent[] = []): Recording[] {
  const sessions = new Map<
    string,
    { distinctId: string | null; windows: Map<string, RrwebEvent[]>; posthogEvents: CaptureEvent[] }
  >();
  const sessionFor = (id: string) => {
    let s = sessions.get(id);
    if (!s) {
      s = { distinctId: null, windows: new Map(), posthogEvents: [] };
      sessions.set(id, s);
    }
    return s;
  };
  for (const batch of snapshots) {
    const s = sessionFor(batch.sessionId);
    s.distinctId ??= batch.distinctId;
    let events = s.windows.get(batch.windowId);
    if (!events) {
      events = [];
      s.windows.set(batch.windowId, events);
    }
    for (const e of batch.events) events.push(e);
  }
  for (const event of others) {
    const id = event.properties.$session_id;
    if (typeof id === "string" && sessions.has(id)) sessionFor(id).posthogEvents.push(event);
  }
  return [...sessions].map(([sessionId, s]) => ({
    sessionId,
    distinctId: s.distinctId,
    windows: [...s.windows].map(([windowId, events]) => ({
      windowId,
      events: events.sort((a, b) => a.timestamp - b.timestamp),
    })),
    posthogEvents: s.posthogEvents,
  }));
}
