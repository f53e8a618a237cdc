// The one set of human-readable formatters: sizes, moments in a recording and lengths of time.
// They live in the codec, below every package that prints them (the codec's own limit errors,
// privacy's finding locations, the analysis reports, the CLI and the inspector), so each idea
// has one spelling everywhere.

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

/**
 * `512 B`, `1.5 KB`, `2.0 MB`, `1.25 GB` (1 KB = 1024 B); `–` for null or a non-finite number
 * (an unknown size).
 */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return "–";
  if (bytes < KB) return `${Math.round(bytes)} B`;
  if (bytes < MB) return `${(bytes / KB).toFixed(1)} KB`;
  if (bytes < GB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${(bytes / GB).toFixed(2)} GB`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * A moment in a recording as an offset from its start: `mm:ss.mmm` (minutes keep counting past
 * 59), or `mm:ss` with `precision: "s"`. Negative offsets print as zero.
 */
export function formatOffset(ms: number, precision: "ms" | "s" = "ms"): string {
  const safe = Math.max(0, precision === "ms" ? Math.round(ms) : Math.floor(ms));
  const minutes = Math.floor(safe / 60_000);
  const seconds = Math.floor((safe % 60_000) / 1000);
  const clock = `${pad2(minutes)}:${pad2(seconds)}`;
  return precision === "s" ? clock : `${clock}.${String(safe % 1000).padStart(3, "0")}`;
}

/** A length of time as a player shows it: `0:05`, `12:34`, `1:02:03`; `–` when negative or not finite. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}` : `${m}:${pad2(s)}`;
}
