import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@replay-devkit/store";
import { posthogRawExportZip, standInRecording, tempDir } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runCli } from "./helpers.js";

// PostHog's raw export zip (see posthogRawExportZip in test-utils: ClickHouse JSON of the metadata row
// and events, data/ batch files with each Snappy block at its offset) through `replay-devkit import`.

beforeAll(() => assertBuilt());
const dir = tempDir("replay-devkit-cli-rawzip-");
afterAll(() => dir.cleanup());
const rec = standInRecording(["A", "B"], 25);

describe("replay-devkit import of PostHog's raw export zip", () => {
  it("stores the recording once, however often it is imported", async () => {
    const file = join(dir.path, "export.zip");
    writeFileSync(file, posthogRawExportZip(rec).zip);
    const data = join(dir.path, "data");
    const first = await runCli(["import", file, "--data", data]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`${rec.sessionId}\n`);
    expect(first.stderr).toMatch(/posthog-export → 1 recording\(s\)/);
    const again = await runCli(["import", file, "--data", data]);
    expect(again.stderr).toMatch(/\(1 already stored\), 0 new events/);
    const store = openStore(join(data, "recordings.db"));
    try {
      const loaded = store.loadRecording(rec.sessionId);
      expect(loaded.windows.map((w) => w.windowId).sort()).toEqual([...rec.expected.keys()].sort());
      expect(loaded.posthogEvents).toHaveLength(rec.events.length);
    } finally {
      store.close();
    }
  });

  it("refuses a truncated zip with exit 4 and stores nothing", async () => {
    const file = join(dir.path, "cut.zip");
    const zip = posthogRawExportZip(rec).zip;
    writeFileSync(file, zip.subarray(0, zip.length - 200));
    const data = join(dir.path, "data-cut");
    const result = await runCli(["import", file, "--data", data]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/Corrupt or truncated zip.*\[REPLAY_DEVKIT_INVALID_INPUT\]/);
    const store = openStore(join(data, "recordings.db"));
    try {
      expect(store.listRecordings().total).toBe(0);
    } finally {
      store.close();
    }
    expect(existsSync(data)).toBe(true);
  });
});
