// Drives rrweb's Replayer for one window of one recording: pages events in from the API, starts
// drawing as soon as Meta + FullSnapshot are in, feeds the rest with addEvent, and implements
// skip-inactivity from precomputed gaps. React reads its state through subscribe()/snapshot().
import type * as Rrweb from "rrweb";
import type { Replayer as RrwebReplayer } from "rrweb";
import type { RrwebEvent, WindowEvent } from "./api";
import { InspectorError, api } from "./api";
import type { Checkpoint } from "./checkpoints";
import { WindowDerivation } from "./derive";
import type { Gap } from "./timeline";

export const SPEEDS = [1, 2, 4, 8] as const;
export type CheckpointMode = "auto" | "always" | "off";

export function checkpointMode(value: string | null): CheckpointMode {
  return value === "0" || value === "off" ? "off" : value === "always" ? "always" : "auto";
}
const FIRST_PAGE = 400;
// rrweb's timer speed while fast-forwarding through a gap; the gap end is reached in ~0.5 s.
const MAX_SKIP_SPEED = 360;
// Rebuilding a checkpoint's snapshot costs about as much as applying this many events.
const CHECKPOINT_COST = 500;

export interface PlayerState {
  status: "loading" | "ready" | "error";
  error: string | null;
  playing: boolean;
  buffering: boolean;
  /** Absolute epoch ms of the playhead. */
  currentTime: number;
  startTime: number;
  endTime: number;
  loadedEvents: number;
  loadComplete: boolean;
  speed: number;
  skipInactive: boolean;
  skipThresholdMs: number;
  skipping: boolean;
  /** Bumped whenever derived data (console, network, markers) grows. */
  revision: number;
  /** Seek checkpoints available for this window. */
  checkpoints: number;
  /** Whether the last seek started from a checkpoint or from the recorded events. */
  seekFrom: "checkpoint" | "events" | null;
}

export interface PlayerOptions {
  recordingId: string;
  windowId: string | undefined;
  root: HTMLElement;
  /** Absolute epoch ms to start at, if any. */
  startAt?: number;
  autoplay?: boolean;
  speed?: number;
  skipInactive?: boolean;
  skipThresholdMs?: number;
  onResize?: (width: number, height: number) => void;
  /**
   * Seek from in-browser checkpoints when that is cheaper than rrweb's own seek ("auto", the
   * default), whenever one is closer than the target ("always", for checking them), or never.
   */
  checkpoints?: CheckpointMode;
}

/** The state before anything is loaded; the component renders it until a controller exists. */
export function initialPlayerState(
  options: Pick<PlayerOptions, "speed" | "skipInactive" | "skipThresholdMs"> = {},
): PlayerState {
  return {
    status: "loading",
    error: null,
    playing: false,
    buffering: false,
    currentTime: 0,
    startTime: 0,
    endTime: 0,
    loadedEvents: 0,
    loadComplete: false,
    speed: options.speed ?? 1,
    skipInactive: options.skipInactive ?? true,
    skipThresholdMs: options.skipThresholdMs ?? 5000,
    skipping: false,
    revision: 0,
    checkpoints: 0,
    seekFrom: null,
  };
}

export class PlayerController {
  readonly derivation = new WindowDerivation();
  replayer: RrwebReplayer | null = null;
  private state: PlayerState;
  private listeners = new Set<() => void>();
  private abort = new AbortController();
  private tick: ReturnType<typeof setInterval> | null = null;
  private gapsCache: { threshold: number; events: number; gaps: Gap[] } | null = null;
  private destroyed = false;
  private ReplayerClass: typeof RrwebReplayer | null = null;
  /** Epoch ms of the mounted replayer's first event (the recording start, or a checkpoint). */
  private base = 0;
  private mountedCheckpoint: Checkpoint | null = null;
  private checkpointMode: CheckpointMode;

  constructor(private readonly options: PlayerOptions) {
    this.checkpointMode = options.checkpoints ?? "auto";
    this.state = initialPlayerState(options);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): PlayerState => this.state;

  private set(patch: Partial<PlayerState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  async start(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      if (this.destroyed) return;
      if (error instanceof DOMException && error.name === "AbortError") return;
      const message = error instanceof Error ? error.message : String(error);
      this.set({ status: "error", error: message });
    }
  }

  private async load(): Promise<void> {
    const { recordingId, windowId } = this.options;
    const signal = this.abort.signal;
    const rrwebModule = import("rrweb");
    // A small first page draws the first frame quickly; the rest streams in as NDJSON (one
    // response, pipelined with the server's reads).
    const page = await api.eventsPage(recordingId, { window: windowId, limit: FIRST_PAGE }, signal);
    await this.accept(page.events, page.next === null, rrwebModule);
    if (page.next !== null && !this.destroyed) {
      for await (const batch of api.streamEvents(
        recordingId,
        { window: windowId, after: page.next },
        signal,
      )) {
        if (this.destroyed) return;
        await this.accept(batch, false, rrwebModule);
      }
      await this.accept([], true, rrwebModule);
    }
    if (this.destroyed) return;
    if (!this.replayer) {
      throw new InspectorError(
        "PLAYER_FAILED",
        this.derivation.events.length === 0
          ? "This window has no rrweb events to play."
          : "This window has no full snapshot (or no Meta event before it), so there is nothing rrweb can draw.",
      );
    }
  }

  private lastPublish = 0;

  private async accept(
    items: readonly WindowEvent[],
    done: boolean,
    rrwebModule: Promise<typeof Rrweb>,
  ): Promise<void> {
    const { windowId } = this.options;
    const events = items
      .filter((e) => windowId === undefined || e.windowId === "" || e.windowId === windowId)
      .map((e) => e.event);
    this.derivation.add(events);
    if (this.replayer) {
      for (const event of events) this.replayer.addEvent(event);
    } else if (this.derivation.playable && this.derivation.events.length >= 2) {
      // A deep link waits for its moment to arrive, so it can start from the nearest checkpoint
      // instead of casting every earlier event one by one as it streams in.
      const startAt = this.options.startAt;
      if (done || startAt === undefined || startAt <= this.derivation.endTime) {
        const { Replayer } = await rrwebModule;
        if (this.destroyed) return;
        this.createReplayer(Replayer);
      }
    }
    // Re-rendering the panes on every streamed chunk would cost more than the replay itself.
    const now = performance.now();
    // User-timing marks let benchmarks and DevTools see the load phases without polling.
    if (done) performance.mark("replay-devkit:events-loaded");
    if (done || now - this.lastPublish > 250 || this.state.status === "loading") {
      this.lastPublish = now;
      this.set({
        loadedEvents: this.derivation.events.length,
        startTime: this.derivation.startTime,
        endTime: this.derivation.endTime,
        loadComplete: done,
        revision: this.state.revision + 1,
        checkpoints: this.derivation.checkpoints.checkpoints.length,
      });
    }
    if (this.state.buffering && this.replayer) this.resumeAfterBuffering();
  }

  private createReplayer(Replayer: typeof RrwebReplayer): void {
    this.ReplayerClass = Replayer;
    const start = Math.max(
      this.derivation.firstSnapshotTime,
      this.options.startAt ?? this.derivation.startTime,
    );
    const d = this.derivation;
    const checkpoint = this.checkpointMode === "off" ? null : d.checkpoints.before(start);
    const target = d.indexAfter(start);
    const useCheckpoint =
      checkpoint !== null &&
      (this.checkpointMode === "always" ||
        target - checkpoint.index + CHECKPOINT_COST < target - d.lastMetaIndex(start));
    if (checkpoint && useCheckpoint) {
      this.mount([...checkpoint.events(), ...d.events.slice(checkpoint.index)], checkpoint.time, checkpoint);
    } else {
      this.mount([...d.events], d.startTime, null);
    }
    this.moveTo(start, this.options.autoplay ?? false);
    this.set({ status: "ready" });
    this.tick = setInterval(() => this.onTick(), 100);
  }

  /** Builds a Replayer over `events`, whose first event sits at epoch ms `base`. */
  private mount(events: RrwebEvent[], base: number, checkpoint: Checkpoint | null): RrwebReplayer {
    const Replayer = this.ReplayerClass;
    if (!Replayer) throw new InspectorError("PLAYER_FAILED", "rrweb is not loaded yet.");
    if (this.replayer) {
      try {
        this.replayer.destroy();
      } catch {
        // Already detached.
      }
    }
    const replayer = new Replayer(events, {
      root: this.options.root,
      speed: this.state.speed,
      // Our own gap-based skipping replaces rrweb's (see timeline.ts inactiveGaps).
      skipInactive: false,
      mouseTail: false,
      showWarning: false,
      triggerFocus: false,
      // Never UNSAFE_replayCanvas: it adds allow-scripts to the sandbox.
      UNSAFE_replayCanvas: false,
    });
    this.replayer = replayer;
    this.base = base;
    this.mountedCheckpoint = checkpoint;
    replayer.on("resize", (dimension) => {
      const d = dimension as { width?: number; height?: number };
      if (typeof d.width === "number" && typeof d.height === "number")
        this.options.onResize?.(d.width, d.height);
    });
    replayer.on("finish", () => {
      if (this.replayer !== replayer) return;
      if (!this.state.loadComplete) this.set({ buffering: true, playing: false });
      else this.set({ playing: false, skipping: false });
    });
    return replayer;
  }

  /** Positions the mounted replayer at epoch ms `time` (already clamped). */
  private moveTo(time: number, play: boolean): void {
    const replayer = this.replayer;
    if (!replayer) return;
    const offset = Math.max(0, time - this.base);
    if (play) replayer.play(offset);
    else replayer.pause(offset);
    this.set({
      currentTime: time,
      playing: play,
      seekFrom: this.mountedCheckpoint ? "checkpoint" : "events",
    });
  }

  private now(): number {
    return this.base + Math.max(0, this.replayer?.getCurrentTime() ?? 0);
  }

  private resumeAfterBuffering(): void {
    const replayer = this.replayer;
    if (!replayer) return;
    replayer.play(replayer.getCurrentTime());
    this.set({ buffering: false, playing: true });
  }

  private onTick(): void {
    const replayer = this.replayer;
    if (!replayer) return;
    const currentTime = this.now();
    const playing = replayer.service.state.matches("playing");
    let skipping = false;
    if (playing && this.state.skipInactive) {
      const gap = this.gapAt(currentTime);
      if (gap) {
        skipping = true;
        const remaining = gap.end - currentTime;
        const speed = Math.min(MAX_SKIP_SPEED, Math.max(this.state.speed, Math.round(remaining / 500)));
        if (replayer.config.speed !== speed) replayer.setConfig({ speed });
      }
    }
    if (!skipping && replayer.config.speed !== this.state.speed)
      replayer.setConfig({ speed: this.state.speed });
    if (
      currentTime !== this.state.currentTime ||
      playing !== this.state.playing ||
      skipping !== this.state.skipping
    ) {
      this.set({ currentTime, playing: playing || this.state.buffering, skipping });
    }
  }

  private gapAt(t: number): Gap | null {
    const threshold = this.state.skipThresholdMs;
    const count = this.derivation.events.length;
    if (!this.gapsCache || this.gapsCache.threshold !== threshold || this.gapsCache.events !== count) {
      this.gapsCache = { threshold, events: count, gaps: this.derivation.gaps(threshold) };
    }
    // Leave a second of context on either side of a skipped gap.
    for (const gap of this.gapsCache.gaps) {
      if (t >= gap.start + 1000 && t < gap.end - 1000) return gap;
    }
    return null;
  }

  gaps(): Gap[] {
    return this.derivation.gaps(this.state.skipThresholdMs);
  }

  play(): void {
    if (!this.replayer) return;
    let time = this.now();
    if (time >= this.derivation.endTime - 50 && this.state.loadComplete) time = this.derivation.startTime;
    this.seekTo(time, true);
  }

  pause(): void {
    const replayer = this.replayer;
    if (!replayer) return;
    replayer.pause();
    // Publish the exact stop position now rather than at the next tick, which at skip speed can
    // be seconds of recording away.
    this.set({ playing: false, buffering: false, skipping: false, currentTime: this.now() });
  }

  toggle(): void {
    if (this.state.playing) this.pause();
    else this.play();
  }

  /** Seek to an absolute epoch ms, keeping the play/pause state. */
  seek(time: number): void {
    this.seekTo(time, this.state.playing);
  }

  /**
   * rrweb replays a seek from the last full snapshot before the target (or, going forward, from
   * where it is). When a checkpoint closer to the target exists, a new Replayer is mounted on it
   * instead, which turns an hour of mutations into a minute's worth.
   */
  private seekTo(requested: number, play: boolean): void {
    const replayer = this.replayer;
    if (!replayer) return;
    // rrweb only rebuilds the page for a full snapshot at or before the target, so never seek
    // before the first one (it usually comes a few ms after Meta).
    const time = Math.min(Math.max(this.derivation.firstSnapshotTime, requested), this.derivation.endTime);
    const d = this.derivation;
    const target = d.indexAfter(time);
    const current = this.now();
    const mountedStart = this.mountedCheckpoint ? this.mountedCheckpoint.index : 0;
    // Events the mounted replayer would apply, or Infinity when it cannot reach the target.
    let mountedCost: number;
    if (this.mountedCheckpoint && time < this.mountedCheckpoint.time) mountedCost = Number.POSITIVE_INFINITY;
    else if (time >= current) mountedCost = target - d.indexAfter(current);
    else mountedCost = target - Math.max(mountedStart, d.lastMetaIndex(time));
    // Checkpoints only describe loaded events, and the time is clamped to those.
    const checkpoint = this.checkpointMode !== "off" ? d.checkpoints.before(time) : null;
    const checkpointCost = !checkpoint
      ? Number.POSITIVE_INFINITY
      : this.checkpointMode === "always"
        ? Number.NEGATIVE_INFINITY
        : target - checkpoint.index + CHECKPOINT_COST;
    if (checkpoint && checkpointCost < mountedCost && checkpoint !== this.mountedCheckpoint) {
      this.mount([...checkpoint.events(), ...d.events.slice(checkpoint.index)], checkpoint.time, checkpoint);
    } else if (mountedCost === Number.POSITIVE_INFINITY) {
      this.mount([...d.events], d.startTime, null);
    }
    this.moveTo(time, play);
  }

  seekBy(deltaMs: number): void {
    this.seek(this.state.currentTime + deltaMs);
  }

  setSpeed(speed: number): void {
    this.replayer?.setConfig({ speed });
    this.set({ speed });
  }

  setSkipInactive(skipInactive: boolean): void {
    this.set({ skipInactive });
  }

  setSkipThreshold(skipThresholdMs: number): void {
    if (Number.isFinite(skipThresholdMs) && skipThresholdMs >= 1000) this.set({ skipThresholdMs });
  }

  iframe(): HTMLIFrameElement | null {
    return this.replayer?.iframe ?? null;
  }

  destroy(): void {
    this.destroyed = true;
    this.abort.abort();
    if (this.tick) clearInterval(this.tick);
    try {
      this.replayer?.destroy();
    } catch {
      // The root may already be gone when React unmounts first.
    }
    this.replayer = null;
    this.listeners.clear();
  }
}
