import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Recording, RrwebEvent } from "@replay-devkit/codec";
import { tempDir } from "@replay-devkit/test-utils";
import { openStore } from "../src/index.js";

function events(count: number, start: number): RrwebEvent[] {
  const out: RrwebEvent[] = [
    { type: 4, timestamp: start, data: { href: "https://app.test/", width: 800, height: 600 } } as RrwebEvent,
  ];
  for (let i = 1; i < count; i++) {
    out.push({ type: 3, timestamp: start + i, data: { source: 1, positions: [] } } as unknown as RrwebEvent);
  }
  return out;
}

describe("importRecording onProgress", () => {
  it("reports events handled per stored chunk, across windows, up to the total, new or duplicate", () => {
    using dir = tempDir("store-progress-");
    const store = openStore(join(dir.path, "replay.db"));
    try {
      const rec: Recording = {
        sessionId: "progress-1",
        distinctId: null,
        posthogEvents: [],
        windows: [
          { windowId: "w1", events: events(4500, 1000) },
          { windowId: "w2", events: events(10, 9000) },
        ],
      };
      const calls: [number, number][] = [];
      const first = store.importRecording(rec, {
        source: "rrweb-json",
        onProgress: (handled, total) => calls.push([handled, total]),
      });
      expect(first.events).toBe(4510);
      expect(calls).toEqual([
        [2000, 4510],
        [4000, 4510],
        [4500, 4510],
        [4510, 4510],
      ]);

      const again: number[] = [];
      const second = store.importRecording(rec, {
        source: "rrweb-json",
        onProgress: (handled) => again.push(handled),
      });
      expect(second).toMatchObject({ events: 0, duplicates: 4510 });
      expect(again).toEqual([2000, 4000, 4500, 4510]);
    } finally {
      store.close();
    }
  });
});
