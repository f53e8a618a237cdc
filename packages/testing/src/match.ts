import { EventType, networkEntries, type NetworkEntry, type Recording } from "@replay-devkit/codec";
import type { LoadedRecording } from "./load.js";

/**
 * What the network helpers accept: a {@link LoadedRecording}, or a codec `Recording` (so the msw
 * handlers also work in a browser bundle, without jsdom).
 * @see handlersFromRecording
 */
export type NetworkSource = LoadedRecording | Recording;

/** Session id, first page URL and network entries of either kind of recording. */
function describeSource(rec: NetworkSource): {
  sessionId: string;
  firstPage: string | undefined;
  entries: NetworkEntry[];
} {
  if ("networkEntries" in rec && typeof rec.networkEntries === "function")
    return {
      sessionId: rec.sessionId,
      firstPage: rec.markers({ kind: "page" })[0]?.href,
      entries: rec.networkEntries(),
    };
  const plain = rec as Recording;
  let firstPage: { href: string; timestamp: number } | undefined;
  for (const w of plain.windows)
    for (const e of w.events) {
      const href = (e.data as { href?: unknown } | undefined)?.href;
      if (
        e.type === EventType.Meta &&
        typeof href === "string" &&
        (!firstPage || e.timestamp < firstPage.timestamp)
      )
        firstPage = { href, timestamp: e.timestamp };
    }
  return { sessionId: plain.sessionId, firstPage: firstPage?.href, entries: networkEntries(plain) };
}

/**
 * Query parameters that differ on every request (cache busters, timestamps) and never select a response.
 * @see MatchStrategy
 */
export const VOLATILE_PARAMS: readonly string[] = [
  "_",
  "t",
  "ts",
  "timestamp",
  "cb",
  "cachebust",
  "nocache",
  "rnd",
  "_t",
];

/**
 * How a request is matched to recorded ones: `"path"` (method + origin + path), `"path+query"`
 * (plus the query without volatile parameters, the default), or your own key function.
 * @see handlersFromRecording
 * @see redrive
 */
export type MatchStrategy = "path" | "path+query" | ((url: URL, method: string) => string);

/**
 * Options shared by the msw handlers and the re-drive's request routing.
 * @see handlersFromRecording
 */
export interface RouteOptions {
  /**
   * Where the app runs now. Recorded requests to the recorded app's origin (the first page's origin)
   * are answered for requests to this origin instead. Default: the recorded origin.
   */
  baseUrl?: string;
  /** @see MatchStrategy */
  match?: MatchStrategy;
  /** When a route's recorded responses are used up: repeat the last one (default) or treat as unmatched. */
  whenExhausted?: "repeat-last" | "unmatched";
  /** Only serve recorded requests for which this returns true (e.g. skip third-party hosts). */
  filter?: (entry: NetworkEntry) => boolean;
}

/**
 * A recorded response, ready to serve.
 * @see RecordedRoutes.take
 */
export interface RecordedResponse {
  entry: NetworkEntry;
  status: number;
  headers: Record<string, string>;
  body: string | null;
  /**
   * Set when posthog-js recorded a notice instead of the body (a chunked response, a body over its
   * size limit, a body it redacted): the response is served with an empty body, and this says why.
   */
  bodyUnavailable?: string;
}

// The notices posthog-js writes in place of a body it did not record (rrweb/network@1 plugin).
const UNRECORDED_BODIES: readonly [RegExp, string][] = [
  [/^Chunked Transfer-Encoding is not supported$/, "posthog-js does not read chunked responses"],
  [/^\[SessionReplay\] Body too large to record/, "the body was over posthog-js's size limit"],
  [
    /^\[SessionRecording\] .*redacted/,
    "posthog-js redacted it because it looked like it held a password or token",
  ],
];

/** Why `body` is a posthog-js notice rather than the recorded body, or undefined when it is the body. */
export function unrecordedBodyReason(body: string | null): string | undefined {
  if (body === null) return undefined;
  return UNRECORDED_BODIES.find(([re]) => re.test(body))?.[1];
}

// Headers describing the original transfer; replaying them would corrupt the served body.
const HOP_HEADERS = new Set([
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "date",
  "set-cookie",
]);

function servable(entry: NetworkEntry): boolean {
  if (entry.status === null || entry.status < 100 || entry.status > 599) return false;
  // Documents, scripts and styles come from the live app; only data requests are replayed.
  // Timing-only entries (recorded before the recorder started, or with body capture off) have a
  // status but nothing to answer with; the live app serves those.
  if (entry.responseBody === null && Object.keys(entry.responseHeaders).length === 0) return false;
  return (
    entry.initiatorType === "fetch" || entry.initiatorType === "xmlhttprequest" || entry.responseBody !== null
  );
}

function toResponse(entry: NetworkEntry): RecordedResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.responseHeaders))
    if (!HOP_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  const bodyUnavailable = unrecordedBodyReason(entry.responseBody);
  const body = entry.responseBody === "" || bodyUnavailable !== undefined ? null : entry.responseBody;
  if (!headers["content-type"] && body !== null) {
    let json = false;
    try {
      JSON.parse(body);
      json = true;
    } catch {
      json = false;
    }
    headers["content-type"] = json ? "application/json" : "text/plain;charset=UTF-8";
  }
  // 1xx/204/304 cannot carry a body in the Fetch API.
  const status = entry.status as number;
  const response: RecordedResponse = {
    entry,
    status,
    headers,
    body: status === 204 || status === 304 || status < 200 ? null : body,
  };
  if (bodyUnavailable !== undefined) response.bodyUnavailable = bodyUnavailable;
  return response;
}

/**
 * Recorded responses grouped by route and served in recorded order. One instance per test run:
 * it remembers which responses each route already gave.
 * @see handlersFromRecording
 */
export class RecordedRoutes {
  readonly recordedOrigin: string | null;
  readonly baseOrigin: string | null;
  readonly #routes = new Map<string, RecordedResponse[]>();
  readonly #served = new Map<string, number>();
  readonly #match: MatchStrategy;
  readonly #whenExhausted: "repeat-last" | "unmatched";
  /** Every request answered, in order: route key and the recorded entry used. */
  readonly served: { key: string; url: string; method: string; entry: NetworkEntry }[] = [];
  /** Every request with no recorded answer. */
  readonly unmatched: { key: string; url: string; method: string }[] = [];

  /** The recording's session id, for messages. */
  readonly sessionId: string;

  constructor(rec: NetworkSource, opts: RouteOptions = {}) {
    this.#match = opts.match ?? "path+query";
    this.#whenExhausted = opts.whenExhausted ?? "repeat-last";
    const { sessionId, firstPage, entries } = describeSource(rec);
    this.sessionId = sessionId;
    this.recordedOrigin = safeOrigin(firstPage);
    this.baseOrigin = opts.baseUrl !== undefined ? safeOrigin(opts.baseUrl) : this.recordedOrigin;
    for (const entry of entries) {
      if (!servable(entry) || (opts.filter && !opts.filter(entry))) continue;
      let url: URL;
      try {
        url = new URL(entry.url, firstPage);
      } catch {
        continue;
      }
      const key = this.#key(url, entry.method, true);
      const list = this.#routes.get(key) ?? [];
      list.push(toResponse(entry));
      this.#routes.set(key, list);
    }
  }

  /** Number of recorded responses that can be served. */
  get size(): number {
    let n = 0;
    for (const list of this.#routes.values()) n += list.length;
    return n;
  }

  /** Route keys in recorded order, e.g. `POST <app>/api/checkout`. */
  get keys(): string[] {
    return [...this.#routes.keys()];
  }

  /** Whether this URL and method have recorded responses at all (used or not). */
  has(url: string, method: string): boolean {
    const key = this.keyOf(url, method);
    return key !== null && this.#routes.has(key);
  }

  /** The route key of a live request, or null for unparsable URLs. */
  keyOf(url: string, method: string): string | null {
    try {
      return this.#key(new URL(url), method, false);
    } catch {
      return null;
    }
  }

  /** The next recorded response for a live request, or null when it is unmatched. */
  take(url: string, method: string): RecordedResponse | null {
    const key = this.keyOf(url, method);
    const list = key !== null ? this.#routes.get(key) : undefined;
    if (key === null || !list || list.length === 0) {
      this.unmatched.push({ key: key ?? url, url, method });
      return null;
    }
    const index = this.#served.get(key) ?? 0;
    if (index >= list.length && this.#whenExhausted === "unmatched") {
      this.unmatched.push({ key, url, method });
      return null;
    }
    const response = list[Math.min(index, list.length - 1)] as RecordedResponse;
    this.#served.set(key, index + 1);
    this.served.push({ key, url, method: method.toUpperCase(), entry: response.entry });
    return response;
  }

  /** Starts every route over from its first recorded response. */
  reset(): void {
    this.#served.clear();
    this.served.length = 0;
    this.unmatched.length = 0;
  }

  #key(url: URL, method: string, recorded: boolean): string {
    const m = method.toUpperCase();
    if (typeof this.#match === "function") return `${m} ${this.#match(url, m)}`;
    const appOrigin = recorded ? this.recordedOrigin : this.baseOrigin;
    const origin = url.origin === appOrigin ? "<app>" : url.origin;
    let query = "";
    if (this.#match === "path+query") {
      const params = [...url.searchParams.entries()]
        .filter(([k]) => !VOLATILE_PARAMS.includes(k))
        .sort(([a], [b]) => a.localeCompare(b));
      if (params.length > 0) query = `?${new URLSearchParams(params).toString()}`;
    }
    return `${m} ${origin}${url.pathname}${query}`;
  }
}

function safeOrigin(href: string | undefined): string | null {
  if (!href) return null;
  try {
    const origin = new URL(href).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}
