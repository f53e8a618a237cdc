import type { CaptureEvent, PlaybackRepair, RrwebEvent } from "@replay-devkit/codec";
import { StoreError } from "./errors.js";

/**
 * One recording imported piece by piece. Each `add` is its own short write transaction, so an
 * import of any size never holds SQLite's write lock for long; a new recording stays invisible
 * (its row is `pending`) until `commit` makes it appear in one transaction, and `abort` removes
 * everything the import wrote. Importing the same file again changes nothing (the batches dedupe).
 */
export interface StagedImport {
  readonly id: string;
  /** Stores one batch of a window's events (any order; keep batches to a few MB). Returns whether it was new. */
  add(windowId: string, events: readonly RrwebEvent[]): boolean;
  /** Makes the recording visible with its metadata; throws INVALID_INPUT (and aborts) if it holds no events. */
  commit(opts: CommitOptions): StagedImportResult;
  /** Removes what this import stored. Safe to call after a failed commit, and more than once. */
  abort(): void;
}

export interface CommitOptions {
  source: string;
  distinctId?: string | null;
  person?: unknown;
  posthogEvents?: readonly CaptureEvent[];
  /** What the playback doctor repaired on the way in; kept in the recording's metadata. */
  repairs?: readonly PlaybackRepair[];
}

export interface StagedImportResult {
  id: string;
  created: boolean;
  events: number;
  duplicates: number;
}

/** What a staged import needs from the SQLite store; the store hands over its own internals. */
export interface StagedImportHost<S extends { isNew: boolean; acc: unknown }> {
  write<T>(what: string, fn: () => T): T;
  sessionState(id: string): S;
  /** Stores a batch under `key`; returns the new chunk's seq, or null for a duplicate. */
  storeBatch(state: S, windowId: string, key: string, events: readonly RrwebEvent[]): number | null;
  batchKey(windowId: string, events: readonly RrwebEvent[]): string;
  storePosthogEvents(events: readonly CaptureEvent[], state: S): void;
  finishSession(
    state: S,
    source: string,
    distinctId: string | null | undefined,
    person: unknown,
    repairs: readonly PlaybackRepair[] | undefined,
  ): void;
  /** Removes a pending recording row (and, by cascade, its chunks and keys). */
  deletePending(id: string): void;
  deleteChunks(id: string, seqs: readonly number[], keys: readonly string[]): void;
  release(id: string): void;
}

export class SqliteStagedImport<S extends { isNew: boolean; acc: unknown }> implements StagedImport {
  private readonly state: S;
  private readonly created: boolean;
  private readonly seqs: number[] = [];
  private readonly keys: string[] = [];
  private events = 0;
  private duplicates = 0;
  private finished = false;

  constructor(
    readonly id: string,
    private readonly host: StagedImportHost<S>,
  ) {
    // A pending row left by an import that died half-way is taken over and cleared first.
    host.write(`Starting the import of ${id}`, () => host.deletePending(id));
    this.state = host.sessionState(id);
    this.created = this.state.isNew;
  }

  add(windowId: string, events: readonly RrwebEvent[]): boolean {
    this.checkOpen();
    if (events.length === 0) return false;
    const key = this.host.batchKey(windowId, events);
    const seq = this.host.write(`Importing recording ${this.id}`, () =>
      this.host.storeBatch(this.state, windowId, key, events),
    );
    if (seq === null) {
      this.duplicates += events.length;
      return false;
    }
    this.seqs.push(seq);
    this.keys.push(key);
    this.events += events.length;
    return true;
  }

  commit(opts: CommitOptions): StagedImportResult {
    this.checkOpen();
    try {
      this.host.write(`Importing recording ${this.id}`, () => {
        this.host.storePosthogEvents(opts.posthogEvents ?? [], this.state);
        if (!this.state.acc) {
          throw new StoreError(
            "INVALID_INPUT",
            `Recording ${this.id} has no rrweb events; nothing to import`,
          );
        }
        this.host.finishSession(this.state, opts.source, opts.distinctId, opts.person, opts.repairs);
      });
    } catch (error) {
      this.abort();
      throw error;
    }
    this.finished = true;
    this.host.release(this.id);
    return { id: this.id, created: this.created, events: this.events, duplicates: this.duplicates };
  }

  abort(): void {
    if (this.finished) return;
    this.finished = true;
    try {
      this.host.write(`Undoing the import of ${this.id}`, () => {
        if (this.created) this.host.deletePending(this.id);
        else this.host.deleteChunks(this.id, this.seqs, this.keys);
      });
    } finally {
      this.host.release(this.id);
    }
  }

  private checkOpen(): void {
    if (this.finished) throw new StoreError("INVALID_INPUT", `The import of ${this.id} is already finished`);
  }
}
