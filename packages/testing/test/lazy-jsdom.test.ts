import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PUBLIC_FIXTURES } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";

// Runs the built package in a fresh Node process, where nothing else has loaded jsdom yet.
const ENTRY = new URL("../dist/index.js", import.meta.url).href;
const LOAD_ENTRY = new URL("../dist/load.js", import.meta.url).href;

const SCRIPT = `
import { createRequire } from "node:module";
const [entry, loadEntry, fixture, rebuild] = process.argv.slice(1);
const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => /[\\\\/]jsdom[\\\\/]/.test(k)).length;
const { loadRecording } = await import(entry);
await import(loadEntry);
const rec = await loadRecording(fixture, { sessionId: "lazy" });
const markers = rec.markers().length;
const before = loaded();
let after = before;
if (rebuild === "yes") {
  const { rebuildDom } = await import(entry);
  rebuildDom(rec).dispose();
  after = loaded();
}
process.stdout.write(JSON.stringify({ markers, before, after }));
`;

function run(rebuild: boolean): { markers: number; before: number; after: number } {
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      SCRIPT,
      ENTRY,
      LOAD_ENTRY,
      join(PUBLIC_FIXTURES, "rrweb-player-example__mobile-homepage.json"),
      rebuild ? "yes" : "no",
    ],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8", timeout: 60_000 },
  );
  return JSON.parse(out) as { markers: number; before: number; after: number };
}

describe("loading a recording does not load jsdom", () => {
  it("reads a recording and its markers with no jsdom module loaded; the first rebuild loads it", () => {
    const { markers, before, after } = run(true);
    expect(markers).toBeGreaterThan(0);
    expect(before).toBe(0);
    // The same check sees jsdom once a DOM is rebuilt, so a zero above is not a blind spot.
    expect(after).toBeGreaterThan(0);
  });
});
