/** How the client waits: Retry-After on 429, exponential backoff with jitter on 5xx and drops. */
export interface RetryPolicy {
  /** Retries after the first attempt for 5xx and dropped connections (default 5). */
  retries: number;
  /** First backoff; doubles each retry (default 250 ms). */
  baseDelayMs: number;
  /** Longest single backoff (default 30 s). */
  maxDelayMs: number;
  /** A 429 asking for a longer wait than this fails with RATE_LIMITED instead (default 10 min). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  retries: 5,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 600_000,
});

/** Backoff before retry number `attempt` (1-based): base·2^(attempt−1), capped, with ±25 % jitter. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const plain = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(plain * (0.75 + random() * 0.5));
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). A missing or
 * unreadable header means one second, the shortest wait the header can express.
 */
export function retryAfterMs(header: string | string[] | undefined, now: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return 1000;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - now);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
