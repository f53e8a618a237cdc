"use client";

import { Fragment, useMemo, useState } from "react";
import type { ConsoleLevel } from "../../lib/timeline";
import { formatDuration } from "@replay-devkit/codec";
import { lastAtOrBefore } from "../../lib/timeline";
import { usePlayerState } from "../Player";
import { MAX_ROWS, rowClass, useFollow, Truncated, FilterInput, type PaneProps } from "./shared";

const LEVELS: ConsoleLevel[] = ["log", "info", "warn", "error", "debug"];

export function ConsolePane({ controller, onSeek }: PaneProps) {
  const state = usePlayerState(controller);
  const [levels, setLevels] = useState<Set<ConsoleLevel>>(() => new Set(LEVELS));
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState<number | null>(null);
  const { revision } = state;
  const entries = useMemo(() => {
    const all = controller?.derivation.console ?? [];
    const q = search.trim().toLowerCase();
    return all.filter(
      (e) =>
        levels.has(e.level) &&
        (!q ||
          e.args.some((a) => a.toLowerCase().includes(q)) ||
          e.trace.some((t) => t.toLowerCase().includes(q))),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, revision, levels, search]);
  const now = state.currentTime;
  const current = lastAtOrBefore(entries, now);
  const pane = useFollow(current, state.playing);

  return (
    <div className="pane" data-testid="console-pane" ref={pane}>
      <div className="pane-toolbar">
        <FilterInput hint="Search console" label="Search console" value={search} onChange={setSearch} />
        {LEVELS.map((level) => (
          <label key={level}>
            <input
              type="checkbox"
              checked={levels.has(level)}
              onChange={(e) => {
                const next = new Set(levels);
                if (e.target.checked) next.add(level);
                else next.delete(level);
                setLevels(next);
              }}
            />{" "}
            {level}
          </label>
        ))}
      </div>
      {entries.length === 0 && (
        <p className="muted page">No console output{search ? " matches" : " was recorded in this window"}.</p>
      )}
      {entries.slice(0, MAX_ROWS).map((entry, i) => (
        <Fragment key={entry.index}>
          <div
            className={rowClass(entry.timestamp, now, current, i, `level-${entry.level}`)}
            onClick={() => {
              onSeek(entry.timestamp);
              setOpen(open === entry.index ? null : entry.index);
            }}
            data-level={entry.level}
          >
            <span className="ts">{formatDuration(Math.max(0, entry.timestamp - state.startTime))}</span>
            <span>{entry.level}</span>
            <span className="grow mono">{entry.args.join(" ")}</span>
            {entry.trace.length > 0 && <span className="muted">{open === entry.index ? "▾" : "▸"}</span>}
          </div>
          {open === entry.index && (
            <div className="details">
              {entry.args.length > 1 &&
                entry.args.map((arg, j) => (
                  <pre key={j} className="mono">
                    {arg}
                  </pre>
                ))}
              <h4>Stack trace</h4>
              {entry.trace.length === 0 ? (
                <span className="muted">none recorded</span>
              ) : (
                entry.trace.map((frame, j) => (
                  <pre key={j} className="mono">
                    at {frame}
                  </pre>
                ))
              )}
            </div>
          )}
        </Fragment>
      ))}
      <Truncated count={entries.length} />
    </div>
  );
}
