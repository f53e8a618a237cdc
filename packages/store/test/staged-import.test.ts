import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RrwebEvent } from "@replay-devkit/codec";
import { tempDir } from "@replay-devkit/test-utils";
import { openStore, type StoreChange } from "../src/index.js";

const meta = (t: number) =>
  ({ type: 4, timestamp: t, data: { href: "https://app.test/", width: 800, height: 600 } }) as RrwebEvent;
const move = (t: number) =>
  ({
    type: 3,
    timestamp: t,
    data: { source: 1, positions: [{ x: t % 100, y: 1, id: 1, timeOffset: 0 }] },
  }) as RrwebEvent;

describe("beginImport (staged imports)", () => {
  it("keeps a new recording invisible until commit, then shows it whole with its repairs", () => {
    using dir = tempDir("store-staged-");
    const store = openStore(join(dir.path, "replay.db"), { pollIntervalMs: 10 });
    const changes: StoreChange[] = [];
    store.onChange((c) => changes.push(c));
    try {
      const stage = store.beginImport("staged-1");
      expect(stage.add("w1", [meta(1000), move(1001)])).toBe(true);
      expect(stage.add("w1", [move(1002), move(1003)])).toBe(true);
      // Another connection (the CLI, an export worker) sees nothing of it yet.
      const reader = openStore(join(dir.path, "replay.db"), { readonly: true });
      expect(reader.getRecording("staged-1")).toBeNull();
      expect(reader.listRecordings().total).toBe(0);
      reader.close();
      expect(() => store.beginImport("staged-1")).toThrow(expect.objectContaining({ code: "BUSY" }));
      const result = stage.commit({
        source: "posthog-export",
        distinctId: "user-9",
        repairs: [{ code: "synthesized-meta", windowId: "w1", count: 1, timestamp: 1000, message: "m" }],
      });
      expect(result).toEqual({ id: "staged-1", created: true, events: 4, duplicates: 0 });
      const summary = store.getRecording("staged-1");
      expect(summary).toMatchObject({ eventCount: 4, distinctId: "user-9", source: "posthog-export" });
      expect(summary?.repairs).toEqual([expect.objectContaining({ code: "synthesized-meta", count: 1 })]);
      expect([...store.iterateEvents("staged-1")].map((e) => e.event.timestamp)).toEqual([
        1000, 1001, 1002, 1003,
      ]);
      expect(changes.filter((c) => c.id === "staged-1").map((c) => c.type)).toEqual(["created"]);

      // The same file again: every batch is a duplicate, nothing changes.
      const again = store.beginImport("staged-1");
      expect(again.add("w1", [meta(1000), move(1001)])).toBe(false);
      expect(again.commit({ source: "posthog-export" })).toMatchObject({
        created: false,
        events: 0,
        duplicates: 2,
      });
      expect(store.getRecording("staged-1")?.eventCount).toBe(4);
    } finally {
      store.close();
    }
  });

  it("abort leaves nothing: a new recording disappears, an existing one loses only what the import added", () => {
    using dir = tempDir("store-staged-abort-");
    const store = openStore(join(dir.path, "replay.db"));
    try {
      const fresh = store.beginImport("abort-new");
      fresh.add("w1", [meta(1), move(2)]);
      fresh.abort();
      expect(store.getRecording("abort-new")).toBeNull();
      expect(store.windowIds("abort-new")).toEqual([]);

      store.ingestRrweb("abort-old", "w1", [meta(10), move(11)]);
      const more = store.beginImport("abort-old");
      more.add("w1", [move(12), move(13)]);
      more.abort();
      expect([...store.iterateEvents("abort-old")].map((e) => e.event.timestamp)).toEqual([10, 11]);
      // And the aborted batch can be imported later: its dedupe key went with it.
      const retry = store.beginImport("abort-old");
      expect(retry.add("w1", [move(12), move(13)])).toBe(true);
      retry.commit({ source: "rrweb-json" });
      expect(store.getRecording("abort-old")?.eventCount).toBe(4);

      // A recording without a single rrweb event is refused at commit, and leaves nothing.
      const empty = store.beginImport("abort-empty");
      expect(() => empty.commit({ source: "rrweb-json" })).toThrow(
        expect.objectContaining({ code: "INVALID_INPUT" }),
      );
      expect(store.getRecording("abort-empty")).toBeNull();
    } finally {
      store.close();
    }
  });
});
