"use client";

import { useEffect, useState } from "react";
import type { RecordingAssets } from "../lib/api";
import { api } from "../lib/api";

function size(bytes: number | null): string {
  if (bytes === null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The recording's assets as `dev` pinned them: each URL, whether the replay shows the devkit's copy
 * or the original (missing, with the reason code and its details), and the bytes kept.
 */
export function AssetsPane({ recordingId }: { recordingId: string }) {
  const [data, setData] = useState<RecordingAssets | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    api
      .assets(recordingId, abort.signal)
      .then(setData)
      .catch((e: unknown) => {
        if (!(e instanceof DOMException)) setError(e instanceof Error ? e.message : String(e));
      });
    return () => abort.abort();
  }, [recordingId]);

  if (error) return <div className="pane muted">Could not load the assets: {error}</div>;
  if (!data) return <div className="pane muted">Loading assets…</div>;
  const pinned = data.assets.filter((a) => a.status === "pinned").length;
  const missing = data.assets.filter((a) => a.status === "missing").length;
  return (
    <div className="pane" data-testid="assets-pane">
      <p className="muted" data-testid="assets-summary">
        {data.assets.length === 0
          ? "No assets were pinned for this recording (pinning runs while `replay-devkit dev` receives it)."
          : `${pinned} pinned (${size(data.pinnedBytes)}), ${missing} missing, ${data.assets.length - pinned - missing} pending`}
      </p>
      {data.assets.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>Status</th>
              <th>URL</th>
              <th>Type</th>
              <th>Size</th>
              <th>Why missing</th>
            </tr>
          </thead>
          <tbody>
            {data.assets.map((a) => (
              <tr key={a.url} data-status={a.status} data-testid="asset-row">
                <td>{a.status}</td>
                <td className="url" title={a.url}>
                  {a.sha256 ? (
                    <a href={api.assetUrl(a.sha256)} target="_blank" rel="noreferrer">
                      {a.url}
                    </a>
                  ) : (
                    a.url
                  )}
                </td>
                <td>{a.contentType ?? ""}</td>
                <td>{size(a.bytes)}</td>
                <td>{a.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
