import type Database from "better-sqlite3";
import { getRecording } from "./queries.js";
import type { Statements } from "./statements.js";
import type { ChangeListener, RecordingSummary, StoreChange } from "./types.js";

// The change feed: every write logs a row in `changes`; listeners hear about their own process's
// writes right after commit and about other processes' writes by polling SQLite's data_version.

const CHANGE_LOG_KEEP = 5000;

/** One entry per recording from a run of change-log rows, in order: created then updated stays created. */
export function collapseChanges(
  rows: readonly { recording_id: string; kind: StoreChange["type"] }[],
): Map<string, StoreChange["type"]> {
  const latest = new Map<string, StoreChange["type"]>();
  for (const row of rows) {
    const previous = latest.get(row.recording_id);
    latest.delete(row.recording_id);
    latest.set(row.recording_id, previous === "created" && row.kind === "updated" ? "created" : row.kind);
  }
  return latest;
}

/** Tells every listener about a recording's change, with the state it has now (null: gone). */
export function announce(
  listeners: ReadonlySet<ChangeListener>,
  id: string,
  kind: StoreChange["type"],
  recording: RecordingSummary | null,
): void {
  const change: StoreChange =
    recording === null
      ? { type: "deleted", id, recording: null }
      : { type: kind === "deleted" ? "updated" : kind, id, recording };
  for (const listener of [...listeners]) {
    try {
      listener(change);
    } catch {
      // A failing listener must not undo or block a committed write, nor the other listeners.
    }
  }
}

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private lastChangeSeq: number;
  private lastDataVersion = -1;
  private pollTimer: NodeJS.Timeout | null = null;
  private writesSincePrune = 0;
  /** The change-log row this process wrote in the current transaction, if any. */
  private ownChangeSeq: number | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly stmt: Statements,
    private readonly pollIntervalMs: number,
    private readonly isClosed: () => boolean,
  ) {
    this.lastChangeSeq = (stmt.maxChangeSeq.get() as { seq: number | null }).seq ?? 0;
  }

  /** Called by ingest with the change-log row it wrote. */
  logged(seq: number): void {
    this.ownChangeSeq = seq;
  }

  /** Forgets a transaction's row when it rolled back. */
  reset(): void {
    this.ownChangeSeq = null;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    if (!this.pollTimer && this.pollIntervalMs > 0) {
      this.lastDataVersion = this.db.pragma("data_version", { simple: true }) as number;
      this.pollTimer = setInterval(() => this.poll(), this.pollIntervalMs);
      this.pollTimer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.pollTimer) {
        clearInterval(this.pollTimer);
        this.pollTimer = null;
      }
    };
  }

  private poll(): void {
    if (this.isClosed()) return;
    try {
      // data_version changes only when another connection committed, so idle polls cost one pragma.
      const version = this.db.pragma("data_version", { simple: true }) as number;
      if (version === this.lastDataVersion) return;
      this.lastDataVersion = version;
      this.drain();
    } catch {
      // A locked or closing database: try again on the next tick.
    }
  }

  /** After every committed write: housekeeping, then announce (or just skip past) the new rows. */
  afterWrite(): void {
    if (++this.writesSincePrune >= 500) {
      this.writesSincePrune = 0;
      try {
        this.stmt.pruneChanges.run(CHANGE_LOG_KEEP);
      } catch {
        // Pruning the change log is housekeeping; a busy database can skip it.
      }
    }
    if (this.listeners.size > 0) this.drain();
    else if (this.ownChangeSeq !== null) this.lastChangeSeq = Math.max(this.lastChangeSeq, this.ownChangeSeq);
    else
      this.lastChangeSeq = (this.stmt.maxChangeSeq.get() as { seq: number | null }).seq ?? this.lastChangeSeq;
    this.ownChangeSeq = null;
  }

  private drain(): void {
    const rows = this.stmt.changesSince.all(this.lastChangeSeq) as {
      seq: number;
      recording_id: string;
      kind: StoreChange["type"];
    }[];
    if (rows.length === 0) return;
    this.lastChangeSeq = (rows[rows.length - 1] as { seq: number }).seq;
    // One announcement per recording per drain, with the state it has now.
    for (const [id, kind] of collapseChanges(rows)) {
      announce(this.listeners, id, kind, kind === "deleted" ? null : getRecording(this.stmt, id));
    }
  }

  stop(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.listeners.clear();
  }
}
