import type { CaptureEvent, Recording, RrwebEvent, SnapshotBatch } from "@replay-devkit/codec";
import type { AppendAppLogsResult, AppLogLine, AppLogPage, AppLogQuery } from "./app-logs.js";
import type {
  AssetMissingReason,
  AssetStore,
  AssetSummary,
  PinnedAsset,
  RecordingAsset,
  SqliteAssetTable,
  StoredAsset,
} from "./assets.js";
import { pinnedOf, summaryOf } from "./assets.js";
import type { StoreError } from "./errors.js";
import type { WindowEvent } from "./merge.js";
import type { OpenOptions, RecordingStore, StoreDescriptor } from "./seam.js";
import { openStore } from "./store.js";
import type {
  CaptureRequest,
  ChangeListener,
  CompactResult,
  ImportOptions,
  ImportResult,
  IngestResult,
  IterateOptions,
  RecordingFilter,
  RecordingSummary,
  Store,
} from "./types.js";

/**
 * The SQLite driver of the seam: the synchronous Store (metadata and blocks in one file) behind the
 * async interface. Calls still run on the caller's thread; the promise only makes the shape match.
 */
export class SqliteRecordingStore implements RecordingStore {
  readonly descriptor: StoreDescriptor;
  readonly assets: AssetStore;

  constructor(readonly store: Store) {
    this.descriptor = { driver: "sqlite", path: store.path };
    this.assets = new SqliteAssets(store.assets);
  }

  async ingestSnapshots(
    batches: readonly SnapshotBatch[],
    others?: readonly CaptureEvent[],
  ): Promise<IngestResult> {
    return this.store.ingestSnapshots(batches, others);
  }
  async ingestSnapshotsMany(requests: readonly CaptureRequest[]): Promise<(IngestResult | StoreError)[]> {
    return this.store.ingestSnapshotsMany(requests);
  }
  async ingestRrweb(
    sessionId: string,
    windowId: string,
    events: readonly RrwebEvent[],
    opts?: { distinctId?: string | null; batchId?: string },
  ): Promise<IngestResult> {
    return this.store.ingestRrweb(sessionId, windowId, events, opts);
  }
  async importRecording(rec: Recording, opts: ImportOptions): Promise<ImportResult> {
    return this.store.importRecording(rec, opts);
  }
  async listRecordings(filter?: RecordingFilter): Promise<{ recordings: RecordingSummary[]; total: number }> {
    return this.store.listRecordings(filter);
  }
  async getRecording(id: string): Promise<RecordingSummary | null> {
    return this.store.getRecording(id);
  }
  async windowIds(id: string): Promise<string[]> {
    return this.store.windowIds(id);
  }
  async *iterateEvents(id: string, opts?: IterateOptions): AsyncIterableIterator<WindowEvent> {
    yield* this.store.iterateEvents(id, opts);
  }
  async posthogEvents(id: string): Promise<CaptureEvent[]> {
    return this.store.posthogEvents(id);
  }
  async loadRecording(id: string): Promise<Recording> {
    return this.store.loadRecording(id);
  }
  async deleteRecording(id: string): Promise<boolean> {
    return this.store.deleteRecording(id);
  }
  async pruneOlderThan(date: Date): Promise<number> {
    return this.store.pruneOlderThan(date);
  }
  async compact(id: string): Promise<CompactResult> {
    return this.store.compact(id);
  }
  async compactIdle(idleMs: number): Promise<string[]> {
    return this.store.compactIdle(idleMs);
  }
  onChange(listener: ChangeListener): () => void {
    return this.store.onChange(listener);
  }
  async appendAppLogs(lines: readonly AppLogLine[]): Promise<AppendAppLogsResult> {
    return this.store.appendAppLogs(lines);
  }
  async appLogs(query?: AppLogQuery): Promise<AppLogPage> {
    return this.store.appLogs(query);
  }
  async close(): Promise<void> {
    this.store.close();
  }
}

/** SQLite's asset table behind the async AssetStore. */
class SqliteAssets implements AssetStore {
  constructor(private readonly table: SqliteAssetTable) {}

  async markSeen(recordingId: string, urls: readonly string[]): Promise<void> {
    this.table.markSeen(recordingId, urls);
  }
  async pin(recordingId: string, url: string, contentType: string, data: Uint8Array): Promise<string> {
    return this.table.pin(recordingId, url, contentType, data);
  }
  async miss(recordingId: string, url: string, reason: AssetMissingReason, detail: string): Promise<void> {
    this.table.miss(recordingId, url, reason, detail);
  }
  async list(recordingId: string): Promise<RecordingAsset[]> {
    return this.table.list(recordingId);
  }
  async pinned(recordingId: string): Promise<PinnedAsset[]> {
    return pinnedOf(this.table.list(recordingId));
  }
  async summary(recordingId: string): Promise<AssetSummary> {
    return summaryOf(this.table.list(recordingId));
  }
  async get(sha256: string): Promise<StoredAsset | null> {
    return this.table.get(sha256);
  }
}

export function openSqliteRecordingStore(path: string, opts: OpenOptions = {}): RecordingStore {
  return new SqliteRecordingStore(
    openStore(path, {
      ...(opts.readonly === undefined ? {} : { readonly: opts.readonly }),
      ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs }),
      ...(opts.appLogs === undefined ? {} : { appLogs: opts.appLogs }),
      ...(opts.now === undefined ? {} : { now: opts.now }),
    }),
  );
}

/** A seam driver as is, or the synchronous SQLite Store (`openStore()`) behind the async seam. */
export function toRecordingStore(store: Store | RecordingStore): RecordingStore {
  return "descriptor" in store ? store : new SqliteRecordingStore(store);
}
