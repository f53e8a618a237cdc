import type { Recording } from "@replay-devkit/codec";

/**
 * Parses a length of time such as `500ms`, `5s`, `2m`, `1.5h`, `7d` or `2w`; null when the text is
 * not one or is not positive.
 */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
    match[2] as "ms" | "s" | "m" | "h" | "d" | "w"
  ];
  const value = Number(match[1]) * unit;
  return Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * Parses a point in a recording: an offset from its first event (`90s`, `1m30s`, `01:30`, `1500ms`)
 * or an absolute time (ISO 8601). Returns epoch ms, or null when the text is neither.
 */
export function parseTimePoint(text: string, startMs: number): number | null {
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text);
  if (clock) {
    const [, h, m, s, frac] = clock;
    const ms =
      (Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s)) * 1000 + Number((frac ?? "0").padEnd(3, "0"));
    return startMs + ms;
  }
  const parts = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(text);
  if (parts && text !== "" && parts.slice(1).some((p) => p !== undefined)) {
    const [, h, m, s, ms] = parts;
    return (
      startMs + Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(ms ?? 0)
    );
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const abs = Date.parse(text);
    return Number.isFinite(abs) ? abs : null;
  }
  return null;
}

/** First and last event time over every window (epoch ms); null when no window has an event. */
export function recordingSpan(rec: Pick<Recording, "windows">): { start: number; end: number } | null {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const w of rec.windows) {
    const first = w.events[0];
    const last = w.events.at(-1);
    if (first) start = Math.min(start, first.timestamp);
    if (last) end = Math.max(end, last.timestamp);
  }
  return Number.isFinite(start) ? { start, end } : null;
}
