"use client";

import type { RefObject } from "react";
import { useEffect, useRef } from "react";
import type { PlayerController } from "../../lib/player";

// What the five panes beside the player share: their props, row styling, following the playhead,
// the row cap notice and the toolbar's text filter.

/** Rendering more rows than this at 10 Hz makes the page sluggish; filters narrow it down. */
export const MAX_ROWS = 1500;

export type SeekFn = (timestamp: number, windowId?: string | null) => void;

export interface PaneProps {
  controller: PlayerController | null;
  onSeek: SeekFn;
}

export function rowClass(
  timestamp: number,
  now: number,
  currentIndex: number,
  index: number,
  extra = "",
): string {
  const parts = ["row", extra];
  if (timestamp > now) parts.push("future");
  if (index === currentIndex) parts.push("current");
  return parts.join(" ");
}

/**
 * While the replay plays, keeps the row at the playhead in view, the way DevTools follows a live
 * console; a user scrolling away is left alone until the playhead moves to another row.
 */
export function useFollow(current: number, playing: boolean): RefObject<HTMLDivElement | null> {
  const pane = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!playing || current < 0) return;
    pane.current?.querySelector(".row.current")?.scrollIntoView({ block: "nearest" });
  }, [current, playing]);
  return pane;
}

export function Truncated({ count }: { count: number }) {
  return count > MAX_ROWS ? (
    <div className="notice">
      Showing {MAX_ROWS} of {count} rows; use the filters to narrow them down.
    </div>
  ) : null;
}

/** The text filter every pane's toolbar starts with. */
export function FilterInput({
  hint,
  label,
  value,
  onChange,
}: {
  hint: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <input placeholder={hint} value={value} onChange={(e) => onChange(e.target.value)} aria-label={label} />
  );
}
