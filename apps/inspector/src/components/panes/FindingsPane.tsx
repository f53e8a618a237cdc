"use client";

import type { FindingReport } from "../../lib/api";
import { formatDuration } from "@replay-devkit/codec";
import { usePlayerState } from "../Player";
import { type PaneProps } from "./shared";

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
