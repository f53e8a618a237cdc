// The recordings list's columns and how each one asks the server for its order. Kept out of the
// component so a unit test can check every sortable column against what the server accepts.
import type { RecordingSort, RecordingSortField } from "@replay-devkit/api";

/** The list's sortable columns (every server sort field but `updatedAt`, which has no column). */
export type SortKey = Exclude<RecordingSortField, "updatedAt">;

export function serverSort(key: SortKey, order: "asc" | "desc"): RecordingSort {
  return `${key}:${order}`;
}

export const COLUMNS: readonly { key: SortKey | null; label: string; num?: boolean }[] = [
  { key: "startTime", label: "Start" },
  { key: "durationMs", label: "Duration", num: true },
  { key: "activeMs", label: "Active", num: true },
  { key: "firstUrl", label: "First URL" },
  { key: "distinctId", label: "Distinct id" },
  { key: "clickCount", label: "Clicks", num: true },
  { key: "keypressCount", label: "Keys", num: true },
  { key: "consoleErrorCount", label: "Errors", num: true },
  { key: "sizeBytes", label: "Size", num: true },
  { key: null, label: "Privacy" },
];
