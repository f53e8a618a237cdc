import { join } from "node:path";
import { SHARED_FIXTURES, tempDir } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

interface Listed {
  recordings: { id: string; clickCount: number; firstUrl: string | null }[];
}

const dir = tempDir("replay-devkit-cli-list-");
const env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
afterAll(() => dir.cleanup());

beforeAll(async () => {
  const files = [
    "rrweb-player-example__homepage.json",
    "rrweb-player-example__local-docs.json",
    "rrweb-player-example__mobile-homepage.json",
  ].map((name) => join(SHARED_FIXTURES, "public", name));
  const res = await runCli(["import", ...files, "--json"], { env });
  expect(res.code, res.stderr).toBe(0);
}, 60_000);

describe("replay-devkit list --sort", () => {
  it("orders by any recording field the store sorts, in both directions", async () => {
    const desc = await runCli(["list", "--json", "--sort", "clickCount:desc"], { env });
    expect(desc.code, desc.stderr).toBe(0);
    const clicks = (JSON.parse(desc.stdout) as Listed).recordings.map((r) => r.clickCount);
    expect(clicks).toHaveLength(3);
    expect(clicks).toEqual([...clicks].sort((a, b) => b - a));
    expect(new Set(clicks).size).toBeGreaterThan(1);

    const asc = await runCli(["list", "--json", "--sort", "clickCount:asc"], { env });
    const ascIds = (JSON.parse(asc.stdout) as Listed).recordings.map((r) => r.id);
    const descIds = (JSON.parse(desc.stdout) as Listed).recordings.map((r) => r.id);
    expect(ascIds[0]).toBe(descIds.at(-1));
  });

  it("refuses an unknown order as a usage error that lists the known ones", async () => {
    const res = await runCli(["list", "--sort", "clicks"], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--sort must be one of newest, oldest, .*clickCount:desc.*; got "clicks"/);
  });
});
