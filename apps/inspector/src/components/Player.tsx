"use client";

import "rrweb/dist/style.css";
import type { ReactNode } from "react";
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { PosthogEvent } from "../lib/api";
import type { CheckpointMode, PlayerState } from "../lib/player";
import { PlayerController, SPEEDS, initialPlayerState } from "../lib/player";
import type { Marker } from "../lib/timeline";
import { formatDuration } from "../lib/timeline";

const IDLE: PlayerState = initialPlayerState();
const noopSubscribe = () => () => {};
const idleSnapshot = () => IDLE;

export function usePlayerState(controller: PlayerController | null): PlayerState {
  return useSyncExternalStore(
    controller?.subscribe ?? noopSubscribe,
    controller?.snapshot ?? idleSnapshot,
    idleSnapshot,
  );
}

export interface HighlightBox {
  top: number;
  left: number;
  width: number;
  height: number;
}

interface PlayerProps {
  recordingId: string;
  windowId: string | undefined;
  /** Absolute epoch ms. */
  startAt?: number;
  autoplay?: boolean;
  /** End of the whole recording, so the timeline keeps its scale while pages load. */
  expectedEnd?: number;
  posthogEvents?: readonly PosthogEvent[];
  onController?: (controller: PlayerController | null) => void;
  highlight?: HighlightBox | null;
  keyboard?: boolean;
  extraControls?: ReactNode;
  /** Seek checkpoints: `?checkpoints=0` turns them off, `?checkpoints=always` forces them. */
  checkpoints?: CheckpointMode;
}

const MARKER_LABELS: Record<Marker["kind"], string> = {
  click: "Click",
  navigation: "Navigation",
  "console-error": "Error",
  "failed-request": "Failed request",
  custom: "Custom event",
  annotation: "Annotation",
};

export function Player(props: PlayerProps) {
  const { recordingId, windowId, startAt, autoplay, onController } = props;
  const stage = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const [controller, setController] = useState<PlayerController | null>(null);
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const [stageSize, setStageSize] = useState({ width: 0, height: 0 });
  const state = usePlayerState(controller);

  // startAt/autoplay only matter when a window is (re)opened; seeking later goes through the controller.
  const initial = useRef({ startAt, autoplay, checkpoints: props.checkpoints });
  initial.current = { startAt, autoplay, checkpoints: props.checkpoints };

  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const c = new PlayerController({
      recordingId,
      windowId,
      root: el,
      ...(initial.current.startAt !== undefined ? { startAt: initial.current.startAt } : {}),
      autoplay: initial.current.autoplay ?? false,
      checkpoints: initial.current.checkpoints ?? "auto",
      onResize: (width, height) => setNatural({ width, height }),
    });
    setController(c);
    onController?.(c);
    void c.start();
    return () => {
      onController?.(null);
      c.destroy();
      setController(null);
      el.replaceChildren();
    };
  }, [recordingId, windowId, onController]);

  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const observer = new ResizeObserver(() =>
      setStageSize({ width: el.clientWidth, height: el.clientHeight }),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const scale =
    natural && stageSize.width > 0
      ? Math.min(stageSize.width / natural.width, stageSize.height / natural.height, 1)
      : 1;
  const offsetLeft = natural ? Math.max(0, (stageSize.width - natural.width * scale) / 2) : 0;

  useEffect(() => {
    if (!props.keyboard || !controller) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (
        target &&
        (target.tagName === "INPUT" ||
          target.tagName === "TEXTAREA" ||
          target.tagName === "SELECT" ||
          target.isContentEditable)
      )
        return;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      const step = e.shiftKey ? 1000 : 5000;
      switch (e.key) {
        case " ":
        case "k":
          controller.toggle();
          break;
        case "ArrowLeft":
        case "j":
          controller.seekBy(-step);
          break;
        case "ArrowRight":
        case "l":
          controller.seekBy(step);
          break;
        case "Home":
          controller.seek(controller.snapshot().startTime);
          break;
        case "End":
          controller.seek(controller.snapshot().endTime);
          break;
        case "1":
        case "2":
        case "3":
        case "4":
          controller.setSpeed(SPEEDS[Number(e.key) - 1] ?? 1);
          break;
        case "s":
          controller.setSkipInactive(!controller.snapshot().skipInactive);
          break;
        case ",":
        case ".": {
          const now = controller.snapshot().currentTime;
          const list = controller.derivation.allMarkers(props.posthogEvents ?? []);
          const target =
            e.key === "."
              ? list.find((m) => m.timestamp > now + 10)
              : [...list].reverse().find((m) => m.timestamp < now - 500);
          if (target) controller.seek(target.timestamp);
          break;
        }
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [controller, props.keyboard, props.posthogEvents]);

  return (
    <div className="player" data-testid="player">
      <div className="player-stage" ref={stage}>
        <div
          ref={root}
          data-testid="player-root"
          style={{
            position: "absolute",
            top: 0,
            left: offsetLeft,
            width: natural?.width,
            height: natural?.height,
            transform: `scale(${scale})`,
            transformOrigin: "top left",
          }}
        />
        {props.highlight && (
          <div
            className="dom-highlight"
            data-testid="dom-highlight"
            style={{
              left: offsetLeft + props.highlight.left * scale,
              top: props.highlight.top * scale,
              width: props.highlight.width * scale,
              height: props.highlight.height * scale,
            }}
          />
        )}
        {state.status !== "ready" && (
          <div className="player-overlay" data-testid="player-status">
            {state.status === "error" ? (
              <div className="error-box">{state.error}</div>
            ) : (
              `Loading events… ${state.loadedEvents}`
            )}
          </div>
        )}
      </div>
      <Timeline
        controller={controller}
        state={state}
        expectedEnd={props.expectedEnd}
        posthogEvents={props.posthogEvents}
      />
      <Controls controller={controller} state={state}>
        {props.extraControls}
      </Controls>
    </div>
  );
}

function Controls({
  controller,
  state,
  children,
}: {
  controller: PlayerController | null;
  state: PlayerState;
  children?: ReactNode;
}) {
  const disabled = !controller || state.status !== "ready";
  return (
    <div className="controls">
      <button
        className="primary"
        onClick={() => controller?.toggle()}
        disabled={disabled}
        data-testid="play-toggle"
        aria-label={state.playing ? "Pause" : "Play"}
        title="Play / pause (space)"
      >
        {state.playing ? "❚❚ Pause" : "▶ Play"}
      </button>
      <span
        className="time"
        data-testid="time"
        data-offset={Math.round(state.currentTime - state.startTime)}
        data-seek-from={state.seekFrom ?? ""}
        data-checkpoints={state.checkpoints}
        title={`${state.checkpoints} seek checkpoints`}
      >
        {formatDuration(state.currentTime - state.startTime)} /{" "}
        {formatDuration(state.endTime - state.startTime)}
      </span>
      {SPEEDS.map((speed, i) => (
        <button
          key={speed}
          className={state.speed === speed ? "active" : ""}
          onClick={() => controller?.setSpeed(speed)}
          title={`Speed ${speed}× (${i + 1})`}
          data-testid={`speed-${speed}`}
        >
          {speed}×
        </button>
      ))}
      <label title="Fast-forward through stretches with no user activity (s)">
        <input
          type="checkbox"
          checked={state.skipInactive}
          onChange={(e) => controller?.setSkipInactive(e.target.checked)}
          data-testid="skip-inactive"
        />{" "}
        skip idle &gt;
      </label>
      <input
        type="number"
        min={1}
        step={1}
        value={Math.round(state.skipThresholdMs / 1000)}
        onChange={(e) => controller?.setSkipThreshold(Number(e.target.value) * 1000)}
        style={{ width: 56 }}
        aria-label="Inactivity threshold in seconds"
        data-testid="skip-threshold"
      />
      s{state.skipping && <span className="muted">skipping…</span>}
      {state.buffering && <span className="muted">buffering…</span>}
      {!state.loadComplete && state.status === "ready" && (
        <span className="muted" data-testid="loading-more">
          loading {state.loadedEvents} events…
        </span>
      )}
      {children}
    </div>
  );
}

function Timeline({
  controller,
  state,
  expectedEnd,
  posthogEvents,
}: {
  controller: PlayerController | null;
  state: PlayerState;
  expectedEnd: number | undefined;
  posthogEvents: readonly PosthogEvent[] | undefined;
}) {
  const bar = useRef<HTMLDivElement>(null);
  const start = state.startTime;
  const end = Math.max(
    state.endTime,
    state.loadComplete ? state.endTime : (expectedEnd ?? state.endTime),
    start + 1,
  );
  const span = end - start;
  const pct = (t: number) => `${Math.min(100, Math.max(0, ((t - start) / span) * 100))}%`;

  const { revision, skipThresholdMs } = state;
  const markers = useMemo(
    () => (controller ? controller.derivation.allMarkers(posthogEvents ?? []) : []),
    // revision changes whenever the controller's derived lists grow.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [controller, revision, posthogEvents],
  );
  const gaps = useMemo(
    () => (controller ? controller.gaps() : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [controller, revision, skipThresholdMs],
  );

  const seekTo = (clientX: number) => {
    const el = bar.current;
    if (!el || !controller) return;
    const rect = el.getBoundingClientRect();
    const ratio = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    controller.seek(start + ratio * span);
  };

  return (
    <div
      className="timeline"
      ref={bar}
      data-testid="timeline"
      onPointerDown={(e) => {
        if ((e.target as HTMLElement).classList.contains("marker")) return;
        seekTo(e.clientX);
      }}
    >
      <div className="track" />
      <div className="loaded" style={{ width: pct(state.endTime) }} />
      {state.skipInactive &&
        gaps.map((g) => (
          <div
            key={g.start}
            className="gap"
            style={{ left: pct(g.start), width: `calc(${pct(g.end)} - ${pct(g.start)})` }}
          />
        ))}
      <div className="progress" style={{ width: pct(state.currentTime) }} />
      {markers.map((m, i) => (
        <button
          key={`${m.kind}-${m.timestamp}-${i}`}
          className={`marker ${m.kind}`}
          style={{ left: pct(m.timestamp) }}
          title={`${MARKER_LABELS[m.kind]} at ${formatDuration(m.timestamp - start)}: ${m.label}`}
          aria-label={`${MARKER_LABELS[m.kind]}: ${m.label}`}
          data-marker={m.kind}
          onClick={() => controller?.seek(m.timestamp)}
        />
      ))}
      <div className="head" style={{ left: pct(state.currentTime) }} />
    </div>
  );
}
