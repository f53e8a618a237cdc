import type { Recording } from "@replay-devkit/codec";
import type { Store } from "@replay-devkit/store";
import type { CommandContext } from "../command.js";
import type { Progress } from "../progress.js";

/** What `pull` was given: the positional (a URL or an id) and `--from` / `--project`. */
export interface PullTarget {
  /** The positional argument, absent with `--list`. */
  what?: string;
  from?: string;
  project?: string;
}

/** Options every source may honour (each documents which it reads). */
export interface PullSettings {
  insecure: boolean;
  includePerson: boolean;
  events: boolean;
  encoding: "snappy" | "jsonl";
  retries: number;
  progress: Progress;
}

/** The `--list` filters, as the user gave them (each source maps them onto its own API). */
export interface PullListFilter {
  since?: string;
  until?: string;
  distinctId?: string;
  person?: string;
  url?: string;
  minDurationSeconds?: number;
  hasErrors: boolean;
  limit: number;
}

export interface PulledForStore {
  recording: Recording;
  /** The `source` to store it under (default `<source name>-pull`). */
  storeAs?: string;
  /** Extra lines for stderr (e.g. why the analytics events are missing). */
  notes: string[];
}

export interface ListedRemoteRecording {
  id: string;
  startTime: string | null;
  durationSeconds: number | null;
  distinctId: string | null;
  startUrl: string | null;
  consoleErrors: number | null;
  /** The source's own recording object, as it came. */
  raw: Record<string, unknown>;
}

/**
 * One place recordings can be pulled from. `pull` asks each source in {@link PULL_SOURCES} order
 * whether it recognises the target; the first that does handles the whole command. A source that
 * needs the network to decide (a devkit team server answers `GET /health` with name
 * "replay-devkit") does so in `recognise`, and goes before the ones that only read the text.
 */
export interface PullSource {
  name: string;
  recognise(target: PullTarget, ctx: CommandContext, settings: PullSettings): Promise<boolean>;
  pull(target: PullTarget, ctx: CommandContext, settings: PullSettings): Promise<PulledForStore>;
  /**
   * Stores what was pulled, when the source knows better than a plain import (a devkit stores only
   * the events the local store lacks, whatever their chunking there). Default: `importRecording`.
   */
  save?(
    store: Store,
    pulled: PulledForStore,
  ): { id: string; created: boolean; events: number; duplicates: number };
  list(
    target: PullTarget,
    ctx: CommandContext,
    settings: PullSettings,
    filter: PullListFilter,
  ): Promise<ListedRemoteRecording[]>;
}
