"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import type { AppLogLine, FindingReport, PosthogEvent, RecordingSummary } from "../lib/api";
import { EXPORT_FORMATS, api } from "../lib/api";
import { checkpointMode } from "../lib/player";
import type { PlayerController } from "../lib/player";
import { formatBytes, formatDuration } from "../lib/timeline";
import { CopyButton } from "./CopyButton";
import { DomPane } from "./DomPane";
import { ConsolePane, EventsPane, FindingsPane, NetworkPane, ServerLogsPane } from "./Panes";
import type { HighlightBox } from "./Player";
import { Player, usePlayerState } from "./Player";

type Tab = "console" | "network" | "logs" | "events" | "dom" | "privacy";
const TABS: { id: Tab; label: string }[] = [
  { id: "console", label: "Console" },
  { id: "network", label: "Network" },
  { id: "logs", label: "Server logs" },
  { id: "events", label: "Events" },
  { id: "dom", label: "DOM" },
  { id: "privacy", label: "Privacy" },
];

function parseOffset(value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function RecordingView() {
  const params = useSearchParams();
  const id = params.get("id") ?? "";
  const [recording, setRecording] = useState<RecordingSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [windowId, setWindowId] = useState<string | undefined>(params.get("window") ?? undefined);
  // Offsets in links are relative to the recording's start, so they survive window switches.
  const [startOffset, setStartOffset] = useState<number | undefined>(parseOffset(params.get("t")));
  const [controller, setController] = useState<PlayerController | null>(null);
  const [tab, setTab] = useState<Tab>((params.get("tab") as Tab | null) ?? "console");
  const [posthogEvents, setPosthogEvents] = useState<PosthogEvent[] | null>(null);
  const [findings, setFindings] = useState<FindingReport | null>(null);
  const [findingsError, setFindingsError] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<HighlightBox | null>(null);
  const [appLogs, setAppLogs] = useState<AppLogLine[] | null>(null);
  const [appLogsError, setAppLogsError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    if (!id) return;
    const controller = new AbortController();
    api
      .getRecording(id, controller.signal)
      .then((r) => {
        setRecording(r);
        setWindowId((w) => (w && r.windowIds.includes(w) ? w : r.windowIds[0]));
      })
      .catch((e: unknown) => {
        if (!(e instanceof DOMException)) setError(e instanceof Error ? e.message : String(e));
      });
    api
      .posthogEvents(id, controller.signal)
      .then((events) => setPosthogEvents(events.sort((a, b) => a.timestamp - b.timestamp)))
      .catch((e: unknown) => {
        if (!(e instanceof DOMException)) setPosthogEvents([]);
      });
    return () => controller.abort();
  }, [id]);

  // Read again each time the tab is opened: the app keeps logging while a recording is live.
  const logsOpen = tab === "logs";
  useEffect(() => {
    if (!id) return;
    const abort = new AbortController();
    api
      .appLogs(id, abort.signal)
      .then((lines) => {
        setAppLogs(lines);
        setAppLogsError(null);
      })
      .catch((e: unknown) => {
        if (!(e instanceof DOMException)) setAppLogsError(e instanceof Error ? e.message : String(e));
      });
    return () => abort.abort();
  }, [id, logsOpen]);

  // The privacy scan walks every event on the server's only thread, so it waits until the player
  // has its events (or the Privacy tab is opened) instead of delaying the first frame.
  const playerState = usePlayerState(controller);
  const wantFindings = tab === "privacy" || playerState.loadComplete || playerState.status === "error";
  useEffect(() => {
    if (!id || !wantFindings) return;
    const abort = new AbortController();
    api
      .findings(id, abort.signal)
      .then(setFindings)
      .catch((e: unknown) => {
        if (!(e instanceof DOMException)) setFindingsError(e instanceof Error ? e.message : String(e));
      });
    return () => abort.abort();
  }, [id, wantFindings]);

  const seek = useCallback(
    (timestamp: number, targetWindow?: string | null) => {
      if (
        targetWindow &&
        recording &&
        targetWindow !== windowId &&
        recording.windowIds.includes(targetWindow)
      ) {
        setStartOffset(Math.max(0, timestamp - recording.startTime));
        setWindowId(targetWindow);
        return;
      }
      controller?.seek(timestamp);
    },
    [controller, recording, windowId],
  );

  const shareLink = () => {
    const url = new URL(window.location.href);
    url.search = "";
    url.searchParams.set("id", id);
    if (windowId) url.searchParams.set("window", windowId);
    const now = controller?.snapshot().currentTime;
    if (recording && now)
      url.searchParams.set("t", String(Math.max(0, Math.round(now - recording.startTime))));
    return url.toString();
  };

  const embedLink = () => {
    const url = new URL(shareLink());
    url.pathname = url.pathname.replace(/recording\/?$/, "embed/");
    return url.toString();
  };

  const onDelete = async () => {
    if (!window.confirm("Delete this recording from the local store? This cannot be undone.")) return;
    setDeleting(true);
    try {
      await api.deleteRecording(id);
      window.location.href = new URL("../", window.location.href).toString();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setDeleting(false);
    }
  };

  if (!id)
    return (
      <div className="page error-box">No recording id in the address. Open a recording from the list.</div>
    );

  const startAt = recording && startOffset !== undefined ? recording.startTime + startOffset : undefined;

  return (
    <div className="app">
      <header className="topbar">
        <a href="../">← Recordings</a>
        <h1 className="mono" title={id}>
          {id}
        </h1>
        {recording && (
          <span className="muted summary" data-testid="summary">
            {new Date(recording.startTime).toLocaleString()} · {formatDuration(recording.durationMs)} ·{" "}
            {recording.distinctId ?? "anonymous"} · {formatBytes(recording.sizeBytes)}
            {recording.repairs.length > 0 && (
              <>
                {" · "}
                <span
                  data-testid="repairs"
                  title={recording.repairs.map((r) => `${r.code} ×${r.count}: ${r.message}`).join("\n")}
                >
                  {recording.repairs.reduce((n, r) => n + r.count, 0)} playback repair(s):{" "}
                  {recording.repairs.map((r) => r.code).join(", ")}
                </span>
              </>
            )}
          </span>
        )}
        <span className="spacer" />
        <select
          aria-label="Export format"
          data-testid="export"
          value=""
          onChange={(e) => {
            const format = e.target.value;
            if (!format) return;
            const a = document.createElement("a");
            a.href = api.exportUrl(id, format as (typeof EXPORT_FORMATS)[number]);
            a.download = "";
            document.body.appendChild(a);
            a.click();
            a.remove();
          }}
        >
          <option value="">Export…</option>
          {EXPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {f === "posthog"
                ? "PostHog JSON"
                : f === "rrweb"
                  ? "rrweb JSON"
                  : f === "bundle"
                    ? "Bundle (zip)"
                    : "HAR"}
            </option>
          ))}
        </select>
        <CopyButton text={shareLink} label="Copy link" testId="share" />
        <CopyButton text={embedLink} label="Embed link" testId="share-embed" />
        <button className="danger" onClick={onDelete} disabled={deleting} data-testid="delete">
          Delete
        </button>
      </header>
      {error && <div className="page error-box">{error}</div>}
      {recording && recording.windowIds.length === 0 && (
        <div className="page notice">This recording has no replayable windows.</div>
      )}
      <div className="recording-layout">
        <div className="player-column">
          {recording && recording.windowIds.length > 1 && (
            <div className="windows" data-testid="windows">
              Window:
              {recording.windowIds.map((w, i) => (
                <button
                  key={w}
                  className={w === windowId ? "active" : ""}
                  title={w}
                  onClick={() => {
                    const now = controller?.snapshot().currentTime;
                    if (now) setStartOffset(Math.max(0, now - recording.startTime));
                    setWindowId(w);
                  }}
                >
                  {i + 1}
                </button>
              ))}
              <span className="muted">one tab is played at a time</span>
            </div>
          )}
          {recording && windowId !== undefined && (
            <Player
              key={windowId}
              recordingId={id}
              windowId={windowId}
              {...(startAt !== undefined ? { startAt } : {})}
              expectedEnd={recording.endTime}
              posthogEvents={posthogEvents ?? undefined}
              onController={setController}
              highlight={tab === "dom" ? highlight : null}
              keyboard
              checkpoints={checkpointMode(params.get("checkpoints"))}
              extraControls={
                <span
                  className="muted"
                  title="Keyboard: space play/pause, ←/→ 5 s (shift 1 s), 1-4 speed, s skip idle, , and . previous/next marker"
                >
                  <span className="kbd">space</span> <span className="kbd">←</span>
                  <span className="kbd">→</span> <span className="kbd">1-4</span>{" "}
                  <span className="kbd">s</span> <span className="kbd">,</span>
                  <span className="kbd">.</span>
                </span>
              }
            />
          )}
        </div>
        <div className="panes">
          <div className="tabs" role="tablist">
            {TABS.map((t) => (
              <button
                key={t.id}
                role="tab"
                aria-selected={tab === t.id}
                className={tab === t.id ? "active" : ""}
                onClick={() => setTab(t.id)}
                data-testid={`tab-${t.id}`}
              >
                {t.label}
                {t.id === "privacy" && findings && findings.total > 0 ? ` (${findings.total})` : ""}
                {t.id === "events" && posthogEvents ? ` (${posthogEvents.length})` : ""}
                {t.id === "logs" && appLogs && appLogs.length > 0 ? ` (${appLogs.length})` : ""}
              </button>
            ))}
          </div>
          {tab === "console" && <ConsolePane controller={controller} onSeek={seek} />}
          {tab === "network" && <NetworkPane controller={controller} onSeek={seek} />}
          {tab === "logs" && (
            <ServerLogsPane
              controller={controller}
              onSeek={seek}
              lines={appLogs}
              error={appLogsError}
              range={recording ? { start: recording.startTime, end: recording.endTime } : null}
            />
          )}
          {tab === "events" && <EventsPane controller={controller} onSeek={seek} events={posthogEvents} />}
          {tab === "dom" && <DomPane controller={controller} onHighlight={setHighlight} />}
          {tab === "privacy" && (
            <FindingsPane controller={controller} onSeek={seek} report={findings} error={findingsError} />
          )}
        </div>
      </div>
    </div>
  );
}
