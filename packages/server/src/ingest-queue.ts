import type { CaptureRequest, IngestResult, RecordingStore } from "@replay-devkit/store";

// Enough to share a commit among every flush that arrived in one event-loop turn, small enough
// that one turn's transaction stays short for the readers in other processes.
const MAX_GROUP = 64;

interface Pending {
  request: CaptureRequest;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for capture requests. Bodies that finish decoding in the same event-loop turn are
 * stored in one transaction on the next turn (setImmediate), and each request is answered only
 * after that commit, so "200 means stored" still holds. A request the store rejects fails alone.
 */
export class IngestQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  /** A group is being committed. With an asynchronous store (PostgreSQL) the uploads arriving
   * meanwhile wait and form the next group, instead of each queueing on the same session's lock. */
  private flushing = false;

  constructor(private readonly store: RecordingStore) {}

  ingest(request: CaptureRequest): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      await this.commit(this.pending.splice(0, MAX_GROUP));
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) this.schedule();
    }
  }

  private async commit(group: Pending[]): Promise<void> {
    if (group.length === 0) return;
    if (group.length === 1 || typeof this.store.ingestSnapshotsMany !== "function") {
      for (const item of group) {
        try {
          item.resolve(await this.store.ingestSnapshots(item.request.batches, item.request.others));
        } catch (error) {
          item.reject(error);
        }
      }
      return;
    }
    let results: Awaited<ReturnType<RecordingStore["ingestSnapshotsMany"]>>;
    try {
      results = await this.store.ingestSnapshotsMany(group.map((item) => item.request));
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, i) => {
      const result = results[i];
      if (result === undefined) item.reject(new Error("the store returned no result for a grouped request"));
      else if (result instanceof Error) item.reject(result);
      else item.resolve(result);
    });
  }
}
