"use client";

import type { RefObject } from "react";
import { Fragment, useEffect, useMemo, useRef, useState } from "react";
import type { AppLogLine, FindingReport, PosthogEvent } from "../lib/api";
import type { PlayerController } from "../lib/player";
import type { ConsoleLevel, NetworkRow } from "../lib/timeline";
import { formatBytes, formatDuration } from "@replay-devkit/codec";
import { lastAtOrBefore } from "../lib/timeline";
import { usePlayerState } from "./Player";

/** Rendering more rows than this at 10 Hz makes the page sluggish; filters narrow it down. */
const MAX_ROWS = 1500;

export type SeekFn = (timestamp: number, windowId?: string | null) => void;

interface PaneProps {
  controller: PlayerController | null;
  onSeek: SeekFn;
}

function rowClass(timestamp: number, now: number, currentIndex: number, index: number, extra = ""): string {
  const parts = ["row", extra];
  if (timestamp > now) parts.push("future");
  if (index === currentIndex) parts.push("current");
  return parts.join(" ");
}

/**
 * While the replay plays, keeps the row at the playhead in view, the way DevTools follows a live
 * console; a user scrolling away is left alone until the playhead moves to another row.
 */
function useFollow(current: number, playing: boolean): RefObject<HTMLDivElement | null> {
  const pane = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!playing || current < 0) return;
    pane.current?.querySelector(".row.current")?.scrollIntoView({ block: "nearest" });
  }, [current, playing]);
  return pane;
}

function Truncated({ count }: { count: number }) {
  return count > MAX_ROWS ? (
    <div className="notice">
      Showing {MAX_ROWS} of {count} rows; use the filters to narrow them down.
    </div>
  ) : null;
}

// --------------------------------------------------------------------------------------------- console

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

// --------------------------------------------------------------------------------------------- server logs

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

// --------------------------------------------------------------------------------------------- network

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}` || url;
  } catch {
    return url;
  }
}

function HeaderTable({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <span className="muted">none recorded</span>;
  return (
    <table>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <td>{k}</td>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function NetworkDetails({ entry }: { entry: NetworkRow }) {
  return (
    <div className="details" data-testid="network-details">
      <table>
        <tbody>
          <tr>
            <td>URL</td>
            <td>{entry.url}</td>
          </tr>
          <tr>
            <td>Method</td>
            <td>{entry.method}</td>
          </tr>
          <tr>
            <td>Status</td>
            <td>{entry.status ?? "unknown"}</td>
          </tr>
          <tr>
            <td>Initiator</td>
            <td>{entry.initiatorType}</td>
          </tr>
          <tr>
            <td>Duration</td>
            <td>{entry.durationMs === null ? "–" : `${entry.durationMs.toFixed(1)} ms`}</td>
          </tr>
          <tr>
            <td>Size</td>
            <td>{formatBytes(entry.sizeBytes)}</td>
          </tr>
        </tbody>
      </table>
      <h4>Request headers</h4>
      <HeaderTable headers={entry.requestHeaders} />
      <h4>Request body</h4>
      {entry.requestBody === null ? (
        <span className="muted">none recorded</span>
      ) : (
        <pre data-testid="request-body">{prettyBody(entry.requestBody)}</pre>
      )}
      <h4>Response headers</h4>
      <HeaderTable headers={entry.responseHeaders} />
      <h4>Response body</h4>
      {entry.responseBody === null ? (
        <span className="muted">none recorded</span>
      ) : (
        <pre data-testid="response-body">{prettyBody(entry.responseBody)}</pre>
      )}
    </div>
  );
}

export function NetworkPane({ controller, onSeek }: PaneProps) {
  const state = usePlayerState(controller);
  const [search, setSearch] = useState("");
  const [failedOnly, setFailedOnly] = useState(false);
  const [apiOnly, setApiOnly] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const { revision } = state;
  const entries = useMemo(() => {
    const all = controller?.derivation.network ?? [];
    const q = search.trim().toLowerCase();
    return all.filter(
      (e) =>
        (!failedOnly || e.failed) &&
        (!apiOnly || e.initiatorType === "fetch" || e.initiatorType === "xmlhttprequest") &&
        (!q || e.url.toLowerCase().includes(q) || e.method.toLowerCase() === q),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, revision, search, failedOnly, apiOnly]);
  const now = state.currentTime;
  const current = lastAtOrBefore(entries, now);
  const first = entries[0]?.timestamp ?? state.startTime;
  const last = Math.max(
    first + 1,
    ...entries.slice(0, MAX_ROWS).map((e) => e.timestamp + (e.durationMs ?? 0)),
  );
  const span = last - first;
  const pane = useFollow(current, state.playing);

  return (
    <div className="pane" data-testid="network-pane" ref={pane}>
      <div className="pane-toolbar">
        <FilterInput
          hint="Filter URL or method"
          label="Filter requests"
          value={search}
          onChange={setSearch}
        />
        <label>
          <input type="checkbox" checked={apiOnly} onChange={(e) => setApiOnly(e.target.checked)} /> fetch/XHR
          only
        </label>
        <label>
          <input type="checkbox" checked={failedOnly} onChange={(e) => setFailedOnly(e.target.checked)} />{" "}
          failed only
        </label>
      </div>
      {entries.length === 0 && (
        <p className="muted page">
          No requests{search || failedOnly || apiOnly ? " match" : " were recorded in this window"}.
          posthog-js records none when the page runs on localhost or 127.0.0.1.
        </p>
      )}
      {entries.slice(0, MAX_ROWS).map((entry, i) => (
        <Fragment key={`${entry.index}-${i}`}>
          <div
            className={rowClass(entry.timestamp, now, current, i, selected === i ? "selected" : "")}
            onClick={() => {
              onSeek(entry.timestamp);
              setSelected(selected === i ? null : i);
            }}
            data-method={entry.method}
            data-url={entry.url}
          >
            <span className="ts">{formatDuration(Math.max(0, entry.timestamp - state.startTime))}</span>
            <span style={{ minWidth: 44 }}>{entry.method}</span>
            <span className={entry.failed ? "status-bad" : ""} style={{ minWidth: 30 }}>
              {entry.status ?? "–"}
            </span>
            <span className="grow mono" title={entry.url}>
              {shortUrl(entry.url)}
            </span>
            <span className="muted" style={{ minWidth: 56, textAlign: "right" }}>
              {entry.durationMs === null ? "–" : `${Math.round(entry.durationMs)} ms`}
            </span>
            <span className="muted" style={{ minWidth: 56, textAlign: "right" }}>
              {formatBytes(entry.sizeBytes)}
            </span>
            <span className="waterfall" aria-hidden>
              <span
                className={entry.failed ? "failed" : ""}
                style={{
                  left: `${((entry.timestamp - first) / span) * 100}%`,
                  width: `${(Math.max(0, entry.durationMs ?? 0) / span) * 100}%`,
                }}
              />
            </span>
          </div>
          {selected === i && <NetworkDetails entry={entry} />}
        </Fragment>
      ))}
      <Truncated count={entries.length} />
    </div>
  );
}

// --------------------------------------------------------------------------------------------- events

type EventFilter = "all" | "$pageview" | "$autocapture" | "custom" | "$exception";

function eventSummary(event: PosthogEvent): string {
  const p = event.properties;
  const text = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));
  switch (event.event) {
    case "$pageview":
    case "$pageleave":
      return text(p.$current_url);
    case "$autocapture":
      return [text(p.$event_type), text(p.$el_text), text(p.$elements_chain).slice(0, 120)]
        .filter(Boolean)
        .join(" · ");
    case "$exception": {
      const list = Array.isArray(p.$exception_list) ? p.$exception_list : [];
      const first = list[0] as { type?: unknown; value?: unknown } | undefined;
      return first
        ? `${text(first.type)}: ${text(first.value)}`
        : text(p.$exception_message ?? p.$exception_type);
    }
    default: {
      const own = Object.entries(p).filter(([k]) => !k.startsWith("$"));
      return own.length ? JSON.stringify(Object.fromEntries(own)) : text(p.$current_url);
    }
  }
}

export function EventsPane({
  controller,
  onSeek,
  events,
}: PaneProps & { events: readonly PosthogEvent[] | null }) {
  const state = usePlayerState(controller);
  const [filter, setFilter] = useState<EventFilter>("all");
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState<number | null>(null);
  const filtered = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (events ?? []).filter((e) => {
      if (filter === "custom" ? e.event.startsWith("$") : filter !== "all" && e.event !== filter)
        return false;
      return !q || e.event.toLowerCase().includes(q) || eventSummary(e).toLowerCase().includes(q);
    });
  }, [events, filter, search]);
  const now = state.currentTime;
  const current = lastAtOrBefore(filtered, now);
  const pane = useFollow(current, state.playing);

  return (
    <div className="pane" data-testid="events-pane" ref={pane}>
      <div className="pane-toolbar">
        <select
          value={filter}
          onChange={(e) => setFilter(e.target.value as EventFilter)}
          aria-label="Event type"
        >
          <option value="all">All events</option>
          <option value="$pageview">$pageview</option>
          <option value="$autocapture">$autocapture</option>
          <option value="custom">Custom</option>
          <option value="$exception">$exception</option>
        </select>
        <FilterInput hint="Search events" label="Search events" value={search} onChange={setSearch} />
      </div>
      {events === null && <p className="muted page">Loading PostHog events…</p>}
      {events !== null && filtered.length === 0 && (
        <p className="muted page">
          No PostHog events{events.length ? " match" : " were captured for this session"}.
        </p>
      )}
      {filtered.slice(0, MAX_ROWS).map((event, i) => (
        <Fragment key={event.uuid ?? i}>
          <div
            className={rowClass(
              event.timestamp,
              now,
              current,
              i,
              event.event === "$exception" ? "level-error" : "",
            )}
            onClick={() => {
              const windowId = event.properties.$window_id;
              onSeek(event.timestamp, typeof windowId === "string" ? windowId : null);
              setOpen(open === i ? null : i);
            }}
            data-event={event.event}
          >
            <span className="ts">{formatDuration(Math.max(0, event.timestamp - state.startTime))}</span>
            <span style={{ minWidth: 110 }}>{event.event}</span>
            <span className="grow mono">{eventSummary(event)}</span>
          </div>
          {open === i && (
            <div className="details">
              <pre>{JSON.stringify(event.properties, null, 2)}</pre>
            </div>
          )}
        </Fragment>
      ))}
      <Truncated count={filtered.length} />
    </div>
  );
}

/** The text filter every pane's toolbar starts with. */
function FilterInput({
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

// --------------------------------------------------------------------------------------------- findings

export function FindingsPane({
  controller,
  onSeek,
  report,
  error,
}: PaneProps & { report: FindingReport | null; error: string | null }) {
  const state = usePlayerState(controller);
  const findings = report?.findings ?? null;
  return (
    <div className="pane" data-testid="findings-pane">
      {error && <div className="error-box">{error}</div>}
      {report === null && !error && <p className="muted page">Scanning for personal data and secrets…</p>}
      {findings !== null && findings.length === 0 && (
        <p className="muted page">The privacy scan found nothing in this recording.</p>
      )}
      {report && report.total > report.findings.length && (
        <div className="notice">
          Showing {report.findings.length} of {report.total} findings.
        </div>
      )}
      {report?.notes.map((note) => (
        <div key={note} className="notice" data-testid="findings-note">
          {note}
        </div>
      ))}
      {findings?.map((f, i) => (
        <div
          key={i}
          className="row"
          style={{ flexDirection: "column", alignItems: "stretch" }}
          onClick={() => f.location.timestamp !== null && onSeek(f.location.timestamp, f.location.windowId)}
          data-detector={f.detector}
        >
          <div style={{ display: "flex", gap: 8 }}>
            <span className="ts">
              {f.location.timestamp === null
                ? "–"
                : formatDuration(Math.max(0, f.location.timestamp - state.startTime))}
            </span>
            <span className={`badge ${f.severity === "high" ? "error" : "warn"}`}>
              {f.label ?? f.detector}
            </span>
            <span className="grow mono">{f.preview}</span>
          </div>
          <div className="muted mono">
            {[
              f.location.event,
              f.location.selector ?? f.location.header ?? f.location.attribute,
              f.location.path,
            ]
              .filter(Boolean)
              .join(" · ")}
          </div>
          {f.maskingHint && <div>Fix: {f.maskingHint}</div>}
        </div>
      ))}
    </div>
  );
}
