import { PosthogApiError, redactSecret } from "./errors.js";
import {
  ResponseTooLargeError,
  TransportError,
  UNTRUSTED_CERT_CODES,
  send,
  type HttpResponse,
} from "./http.js";
import { DEFAULT_RETRY, backoffMs, retryAfterMs, sleep, type RetryPolicy } from "./retry.js";

export interface ClientOptions {
  /** The API host: an origin such as `https://eu.posthog.com` or a self-hosted `http://…`. */
  host: string;
  projectId: string;
  /** A personal API key (`phx_…`), sent only as `Authorization: Bearer`. */
  apiKey: string;
  /** Accept a self-signed or untrusted certificate. Off unless the user asks for it. */
  insecure?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Silence on a connection for this long counts as a drop (default 60 s). */
  timeoutMs?: number;
  /** Largest response body accepted (default 512 MB). */
  maxResponseBytes?: number;
  /** Told about every wait (429 or backoff), for progress output. */
  onWait?: (wait: WaitNotice) => void;
}

export interface WaitNotice {
  reason: "rate-limited" | "server-error" | "connection";
  waitMs: number;
  /** The retry about to happen (1-based); rate-limit waits count separately. */
  attempt: number;
  status?: number;
}

/** A request the client may repeat; `build` is called before each attempt (ranges move on resume). */
export interface RequestSpec {
  method: "GET" | "POST";
  /** Below `/api/<prefix>/<project>/`, e.g. `session_recordings/<id>/snapshots`. */
  path: string;
  query?: URLSearchParams;
  json?: unknown;
  accept: string;
}

export type ApiPrefix = "environments" | "projects";

/** At most this many 429s in a row for one request before giving up as RATE_LIMITED. */
const MAX_RATE_LIMITED_IN_A_ROW = 20;

/**
 * The HTTP side of PostHog's API for one project: auth header, the `/api/environments/` →
 * `/api/projects/` fallback, 429 waits, backoff and error mapping. Requests run one at a time, and
 * none leaves before a `Retry-After` the host gave has passed.
 */
export class PosthogClient {
  readonly host: string;
  readonly projectId: string;
  private readonly apiKey: string;
  private readonly insecure: boolean;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly onWait: ((wait: WaitNotice) => void) | undefined;
  /** Decided by the first answer that is not a 404 on the environments path. */
  private prefix: ApiPrefix | null = null;
  /** Epoch ms before which nothing is sent to the host (the last Retry-After). */
  private notBefore = 0;

  constructor(opts: ClientOptions) {
    this.host = opts.host.replace(/\/+$/, "");
    this.projectId = opts.projectId;
    this.apiKey = opts.apiKey;
    this.insecure = opts.insecure === true;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 512 * 1024 * 1024;
    this.onWait = opts.onWait;
  }

  /** Which API prefix answered (null until one did). */
  get apiPrefix(): ApiPrefix | null {
    return this.prefix;
  }

  async json(spec: RequestSpec): Promise<unknown> {
    const res = await this.request(() => spec);
    try {
      return JSON.parse(res.body.toString("utf8"));
    } catch (error) {
      throw new PosthogApiError("INVALID_RESPONSE", `PostHog's answer to ${spec.path} is not JSON`, {
        status: res.status,
        cause: error,
      });
    }
  }

  /**
   * Sends a request until it succeeds or fails for good. `build` gives the request for each attempt;
   * `onDrop` sees the bytes that arrived before a connection dropped (so a caller can keep whole
   * blocks and ask only for the rest next time).
   */
  async request(build: () => RequestSpec, onDrop?: (partial: Buffer) => void): Promise<HttpResponse> {
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      const spec = build();
      const wait = this.notBefore - Date.now();
      if (wait > 0) await sleep(wait);
      let res: HttpResponse;
      try {
        res = await send(
          {
            method: spec.method,
            url: this.url(spec),
            headers: {
              authorization: `Bearer ${this.apiKey}`,
              accept: spec.accept,
              ...(spec.json !== undefined ? { "content-type": "application/json" } : {}),
            },
            ...(spec.json !== undefined ? { body: JSON.stringify(spec.json) } : {}),
          },
          { insecure: this.insecure, maxResponseBytes: this.maxResponseBytes, timeoutMs: this.timeoutMs },
        );
      } catch (error) {
        if (error instanceof ResponseTooLargeError) {
          throw new PosthogApiError(
            "INVALID_RESPONSE",
            `PostHog's answer to ${spec.path} is larger than ${this.maxResponseBytes} bytes`,
          );
        }
        if (!(error instanceof TransportError)) throw error;
        if (error.errorCode && UNTRUSTED_CERT_CODES.has(error.errorCode)) {
          throw new PosthogApiError(
            "UNTRUSTED_CERTIFICATE",
            `${this.host} presented a TLS certificate Node does not trust (${error.errorCode})`,
            { cause: error },
          );
        }
        if (error.partial.length > 0) onDrop?.(error.partial);
        failures++;
        if (failures > this.retry.retries) {
          throw new PosthogApiError(
            "NETWORK",
            `the connection to ${this.host} failed ${failures} times (${this.clean(error.errorCode ?? error.message)})`,
            { cause: error },
          );
        }
        await this.pause({
          reason: "connection",
          waitMs: backoffMs(this.retry, failures),
          attempt: failures,
        });
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        this.prefix ??= this.currentPrefix();
        return res;
      }
      if (res.status === 404 && this.prefix === null && this.currentPrefix() === "environments") {
        // Older PostHog versions have no environments routes: the same request under /api/projects/.
        this.prefix = "projects";
        continue;
      }
      this.prefix ??= this.currentPrefix();
      if (res.status === 429) {
        const waitMs = retryAfterMs(res.headers["retry-after"], Date.now());
        rateLimited++;
        if (waitMs > this.retry.maxRetryAfterMs || rateLimited > MAX_RATE_LIMITED_IN_A_ROW) {
          throw new PosthogApiError(
            "RATE_LIMITED",
            `PostHog rate-limits this key: it asks to wait ${Math.ceil(waitMs / 1000)} s (${this.detail(res)})`,
            { status: 429 },
          );
        }
        this.notBefore = Date.now() + waitMs;
        this.onWait?.({ reason: "rate-limited", waitMs, attempt: rateLimited, status: 429 });
        continue;
      }
      if (res.status >= 500) {
        failures++;
        if (failures > this.retry.retries) {
          throw new PosthogApiError(
            "UNAVAILABLE",
            `PostHog answered ${res.status} ${failures} times for ${spec.path} (${this.detail(res)})`,
            { status: res.status },
          );
        }
        await this.pause({
          reason: "server-error",
          waitMs: backoffMs(this.retry, failures),
          attempt: failures,
          status: res.status,
        });
        continue;
      }
      throw this.statusError(res, spec);
    }
  }

  private async pause(notice: WaitNotice): Promise<void> {
    this.onWait?.(notice);
    await sleep(notice.waitMs);
  }

  private currentPrefix(): ApiPrefix {
    return this.prefix ?? "environments";
  }

  private url(spec: RequestSpec): URL {
    const url = new URL(
      `${this.host}/api/${this.currentPrefix()}/${encodeURIComponent(this.projectId)}/${spec.path}`,
    );
    if (spec.query) url.search = spec.query.toString();
    return url;
  }

  private statusError(res: HttpResponse, spec: RequestSpec): PosthogApiError {
    const detail = this.detail(res);
    switch (res.status) {
      case 401:
        return new PosthogApiError("BAD_KEY", `PostHog rejected the personal API key (401: ${detail})`, {
          status: 401,
        });
      case 403:
        return new PosthogApiError(
          "MISSING_SCOPE",
          `the personal API key may not do this in project ${this.projectId} (403: ${detail})`,
          { status: 403 },
        );
      case 404:
        return new PosthogApiError(
          "NOT_FOUND",
          `PostHog has no ${spec.path} in project ${this.projectId} (404: ${detail})`,
          {
            status: 404,
          },
        );
      case 410:
        return new PosthogApiError("DELETED", `PostHog deleted this recording permanently (410: ${detail})`, {
          status: 410,
        });
      default:
        return new PosthogApiError(
          "INVALID_RESPONSE",
          `PostHog answered ${res.status} to ${spec.path} (${detail})`,
          { status: res.status },
        );
    }
  }

  /** The reason in PostHog's error body (`detail`, or `error`/`message`), short and without the key. */
  private detail(res: HttpResponse): string {
    let text = "";
    try {
      const body = JSON.parse(res.body.toString("utf8")) as Record<string, unknown>;
      const value = body.detail ?? body.message ?? body.error;
      text = typeof value === "string" ? value : JSON.stringify(value ?? body);
    } catch {
      text = res.body.toString("utf8").replace(/\s+/g, " ").trim();
    }
    if (text === "") text = "no reason given";
    return this.clean(text.length > 200 ? `${text.slice(0, 200)}…` : text);
  }

  private clean(text: string): string {
    return redactSecret(text, this.apiKey);
  }
}
