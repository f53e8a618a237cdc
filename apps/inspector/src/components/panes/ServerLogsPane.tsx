"use client";

import { useMemo, useState } from "react";
import type { AppLogLine } from "../../lib/api";
import { formatDuration } from "@replay-devkit/codec";
import { lastAtOrBefore } from "../../lib/timeline";
import { usePlayerState } from "../Player";
import { MAX_ROWS, rowClass, useFollow, Truncated, FilterInput, type PaneProps } from "./shared";

type StreamFilter = "all" | "stdout" | "stderr";

/** Offset from the recording's start; log lines can precede it (the server's margin). */
function signedOffset(ms: number): string {
  return ms < 0 ? `-${formatDuration(-ms)}` : formatDuration(ms);
}

/**
 * The app's own output (`replay-devkit dev -- <command>`) next to the replay: a stack trace or a
 * 500 in the dev server's log at the moment of a click.
 */
export function ServerLogsPane({
  controller,
  onSeek,
  lines,
  error,
  range,
}: PaneProps & {
  lines: readonly AppLogLine[] | null;
  error: string | null;
  /** The recording's first and last event; a click on a line outside them seeks to the nearest end. */
  range: { start: number; end: number } | null;
}) {
  const state = usePlayerState(controller);
  const [stream, setStream] = useState<StreamFilter>("all");
  const [search, setSearch] = useState("");
  const filtered = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (lines ?? []).filter(
      (l) =>
        // Notes about dropped lines stay visible under any stream filter: they explain gaps.
        (stream === "all" || l.stream === stream || l.stream === "devkit") &&
        (!q || l.text.toLowerCase().includes(q)),
    );
  }, [lines, stream, search]);
  const now = state.currentTime;
  const current = lastAtOrBefore(filtered, now);
  const pane = useFollow(current, state.playing);
  const start = range?.start ?? state.startTime;

  return (
    <div className="pane" data-testid="logs-pane" ref={pane}>
      <div className="pane-toolbar">
        <FilterInput
          hint="Search server logs"
          label="Search server logs"
          value={search}
          onChange={setSearch}
        />
        <select
          value={stream}
          onChange={(e) => setStream(e.target.value as StreamFilter)}
          aria-label="Stream"
        >
          <option value="all">stdout + stderr</option>
          <option value="stdout">stdout</option>
          <option value="stderr">stderr</option>
        </select>
      </div>
      {error && <div className="error-box">{error}</div>}
      {lines === null && !error && <p className="muted page">Loading server logs…</p>}
      {lines !== null && lines.length === 0 && (
        <div className="muted page" data-testid="logs-empty">
          <p>No server logs were stored around this recording.</p>
          <p>
            Start your app through the devkit and its output lands here, on the replay&apos;s timeline:{" "}
            <code>replay-devkit dev -- npm run dev</code> (any command after <code>--</code>).
          </p>
        </div>
      )}
      {lines !== null && lines.length > 0 && filtered.length === 0 && (
        <p className="muted page">No server log lines match.</p>
      )}
      {filtered.slice(0, MAX_ROWS).map((line, i) => (
        <div
          key={line.seq}
          className={rowClass(
            line.timestamp,
            now,
            current,
            i,
            line.stream === "stderr" ? "stream-stderr" : line.stream === "devkit" ? "level-warn" : "",
          )}
          onClick={() =>
            onSeek(range ? Math.min(range.end, Math.max(range.start, line.timestamp)) : line.timestamp)
          }
          data-stream={line.stream}
          data-timestamp={line.timestamp}
        >
          <span className="ts">{signedOffset(line.timestamp - start)}</span>
          <span className="muted" style={{ minWidth: 44 }}>
            {line.stream}
          </span>
          <span className="grow mono log-text">{line.text}</span>
        </div>
      ))}
      <Truncated count={filtered.length} />
    </div>
  );
}
