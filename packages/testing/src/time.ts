/**
 * Formats a recording offset as `mm:ss.mmm` (minutes keep growing past 59), the notation every
 * message of this package uses to point at a moment in a recording.
 * @see LoadedRecording.describeMoment
 */
export function formatOffset(ms: number): string {
  const safe = Math.max(0, Math.round(ms));
  const minutes = Math.floor(safe / 60_000);
  const seconds = Math.floor((safe % 60_000) / 1000);
  const millis = safe % 1000;
  return `${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}.${String(millis).padStart(3, "0")}`;
}
