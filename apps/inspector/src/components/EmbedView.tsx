"use client";

import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import type { ListedRecording } from "../lib/api";
import { api } from "../lib/api";
import { checkpointMode } from "../lib/player";
import { Player } from "./Player";

/** Player only, for iframes: `/embed/?id=…&t=…` (add `&autoplay=0` to start paused). */
export function EmbedView() {
  const params = useSearchParams();
  const id = params.get("id") ?? "";
  const t = Number(params.get("t") ?? "");
  const autoplay = params.get("autoplay") !== "0";
  const [recording, setRecording] = useState<ListedRecording | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!id) return;
    const controller = new AbortController();
    api
      .getRecording(id, controller.signal)
      .then(setRecording)
      .catch((e: unknown) => {
        if (!(e instanceof DOMException)) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [id]);

  if (!id) return <div className="page error-box">No recording id in the address.</div>;
  if (error) return <div className="page error-box">{error}</div>;
  if (!recording) return null;
  const requested = params.get("window");
  const windowId = requested && recording.windowIds.includes(requested) ? requested : recording.windowIds[0];
  const startAt = Number.isFinite(t) && t > 0 ? recording.startTime + t : undefined;

  return (
    <div className="embed" data-testid="embed">
      <Player
        recordingId={id}
        windowId={windowId}
        {...(startAt !== undefined ? { startAt } : {})}
        autoplay={autoplay}
        expectedEnd={recording.endTime}
        keyboard
        checkpoints={checkpointMode(params.get("checkpoints"))}
        extraControls={
          <a href={`../recording/?id=${encodeURIComponent(id)}`} target="_blank" rel="noreferrer">
            Open in inspector
          </a>
        }
      />
    </div>
  );
}
