import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SnapshotBatch } from "@replay-devkit/codec";
import { openStore, StoreError, toRecordingStore, type Store } from "@replay-devkit/store";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { IngestQueue } from "./ingest-queue.js";

let dir: TempDir | null = null;
let store: Store | null = null;
afterEach(() => {
  store?.close();
  dir?.cleanup();
  store = null;
  dir = null;
});

function batch(sessionId: string, uuid: string, timestamp: number): SnapshotBatch {
  return {
    sessionId,
    windowId: "w1",
    distinctId: "dev",
    uuid,
    events: [
      { type: 3, timestamp, data: { source: 2, type: 2, id: 1, x: 0, y: 0 } },
    ] as SnapshotBatch["events"],
  };
}

describe("IngestQueue", () => {
  it("stores requests queued in one turn in one transaction and resolves each after the commit", async () => {
    dir = tempDir("queue-test-");
    const opened = openStore(join(dir.path, "q.db"));
    store = opened;
    const groups: number[] = [];
    const many = opened.ingestSnapshotsMany.bind(opened);
    opened.ingestSnapshotsMany = (requests) => {
      groups.push(requests.length);
      return many(requests);
    };
    const queue = new IngestQueue(toRecordingStore(opened));
    const seenAtResolve: number[] = [];
    const pending = [1, 2, 3].map((i) =>
      queue.ingest({ batches: [batch("s", `u${i}`, 1000 + i)] }).then((result) => {
        seenAtResolve.push(opened.getRecording("s")?.eventCount ?? 0);
        return result;
      }),
    );
    const bad = queue.ingest({ batches: [batch("../x", "u9", 1)] });
    // Nothing is written before the next turn: requests of this turn are still being gathered.
    expect(opened.getRecording("s")).toBeNull();
    const results = await Promise.all(pending);
    await expect(bad).rejects.toBeInstanceOf(StoreError);
    expect(groups).toEqual([4]);
    expect(results.map((r) => r.events)).toEqual([1, 1, 1]);
    expect(seenAtResolve).toEqual([3, 3, 3]);
  });

  it("passes a lone request straight to ingestSnapshots and reports its error", async () => {
    dir = tempDir("queue-test-");
    const opened = openStore(join(dir.path, "q.db"));
    store = opened;
    const queue = new IngestQueue(toRecordingStore(opened));
    await expect(queue.ingest({ batches: [batch("s", "u1", 1)] })).resolves.toMatchObject({ events: 1 });
    opened.close();
    await expect(queue.ingest({ batches: [batch("s", "u2", 2)] })).rejects.toMatchObject({ code: "CLOSED" });
  });
});
