"use client";

import { Fragment, useMemo, useState } from "react";
import type { NetworkRow } from "../../lib/timeline";
import { formatBytes, formatDuration } from "@replay-devkit/codec";
import { lastAtOrBefore } from "../../lib/timeline";
import { usePlayerState } from "../Player";
import { MAX_ROWS, rowClass, useFollow, Truncated, FilterInput, type PaneProps } from "./shared";

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
