import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { openStore, SCHEMA_VERSION, sha256Hex, type Store } from "../src/index.js";

const SNAPSHOT = [
  { type: 4, timestamp: 1000, data: { href: "http://app.localhost/", width: 10, height: 10 } },
  {
    type: 2,
    timestamp: 1001,
    data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } },
  },
];

describe("pinned asset tables", () => {
  let dir: TempDir;
  let store: Store;
  afterEach(() => {
    store?.close();
    dir?.cleanup();
  });

  it("stores bytes once per sha256, records pinned and missing URLs per recording, and drops orphans", () => {
    dir = tempDir("store-assets-");
    const path = join(dir.path, "r.db");
    store = openStore(path, { now: () => 5000 });
    expect(SCHEMA_VERSION).toBe(3);
    store.ingestRrweb("rec-a", "w", SNAPSHOT as never);
    store.ingestRrweb("rec-b", "w", SNAPSHOT as never);
    const png = new Uint8Array([1, 2, 3, 4]);
    store.assets.markSeen("rec-a", ["http://app.localhost/a.png", "http://app.localhost/b.png"], 4000);
    const sha = store.assets.pin("rec-a", "http://app.localhost/a.png", "image/png", png, 5000);
    expect(sha).toBe(sha256Hex(png));
    store.assets.pin("rec-b", "http://app.localhost/same.png", "image/png", png, 5000);
    store.assets.miss("rec-a", "http://app.localhost/b.png", "too-large", "big", 5000);
    expect(store.assets.list("rec-a")).toEqual([
      {
        url: "http://app.localhost/a.png",
        status: "pinned",
        sha256: sha,
        contentType: "image/png",
        bytes: 4,
        reason: null,
        firstSeen: 4000,
      },
      {
        url: "http://app.localhost/b.png",
        status: "missing",
        sha256: null,
        contentType: null,
        bytes: null,
        reason: "too-large: big",
        firstSeen: 4000,
      },
    ]);
    expect(store.assets.pinned("rec-a")).toEqual([
      { url: "http://app.localhost/a.png", sha256: sha, contentType: "image/png", bytes: 4 },
    ]);
    expect(store.assets.summary("rec-a")).toEqual({ pinned: 1, missing: 1, pending: 0, pinnedBytes: 4 });
    expect([...(store.assets.get(sha)?.data ?? [])]).toEqual([1, 2, 3, 4]);
    expect(store.assets.get("../etc")).toBeNull();

    // Deleting one recording keeps the bytes the other still points at; deleting both frees them.
    store.deleteRecording("rec-a");
    expect(store.assets.list("rec-a")).toEqual([]);
    expect(store.assets.deleteOrphans()).toBe(0);
    store.deleteRecording("rec-b");
    expect(store.assets.deleteOrphans()).toBe(1);
    expect(store.assets.get(sha)).toBeNull();
  });

  it("reads from a read-only connection and refuses writes there", () => {
    dir = tempDir("store-assets-ro-");
    const path = join(dir.path, "r.db");
    const writer = openStore(path);
    writer.ingestRrweb("rec", "w", SNAPSHOT as never);
    writer.assets.pin("rec", "http://app.localhost/a.png", "image/png", new Uint8Array([9]), 1);
    store = openStore(path, { readonly: true });
    expect(store.assets.pinned("rec")).toHaveLength(1);
    expect(() => store.assets.pin("rec", "http://x.localhost/", "image/png", new Uint8Array([1]), 1)).toThrow(
      expect.objectContaining({ code: "READ_ONLY" }),
    );
    writer.close();
  });
});
