import { spawn, execFileSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { tempDir } from "@replay-devkit/test-utils";
import { openStore } from "../src/index.js";

const PKG = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(PKG, "dist", "index.js");

it("lets two processes write the same file at once without losing or duplicating a batch", async () => {
  // The child runs the built package; build it when a plain `vitest run` comes before any build.
  if (!existsSync(DIST)) {
    // tsc's incremental info would skip emitting JS it believes is already in a deleted dist.
    rmSync(join(PKG, ".cache", "tsbuildinfo.build.json"), { force: true });
    execFileSync(process.execPath, [
      createRequire(import.meta.url).resolve("typescript/bin/tsc"),
      "-p",
      join(PKG, "tsconfig.build.json"),
    ]);
  }
  using dir = tempDir("store-2proc-");
  const file = join(dir.path, "shared.db");
  const script = join(dir.path, "writer.mjs");
  writeFileSync(
    script,
    `import { openStore } from ${JSON.stringify(pathToFileURL(DIST).href)};
     const store = openStore(${JSON.stringify(file)});
     for (let i = 0; i < 150; i++) {
       store.ingestRrweb("shared", "child", [{ type: 3, timestamp: 1000 + i, data: { source: 2, type: 2, id: i } }], { batchId: "c" + i });
     }
     store.close();`,
  );
  const store = openStore(file);
  store.ingestRrweb("shared", "parent", [
    { type: 4, timestamp: 999, data: { href: "https://a.test/" } },
  ] as never);
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "inherit", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  for (let i = 0; i < 150; i++) {
    store.ingestRrweb(
      "shared",
      "parent",
      [{ type: 3, timestamp: 1000 + i, data: { source: 1, positions: [] } }] as never,
      { batchId: `p${i}` },
    );
    if (i % 10 === 0) await new Promise((r) => setImmediate(r));
  }
  expect(await exited, stderr).toBe(0);
  // Retries from either side after the fact are still recognised.
  expect(
    store.ingestRrweb(
      "shared",
      "child",
      [{ type: 3, timestamp: 1000, data: { source: 2, type: 2, id: 0 } }] as never,
      { batchId: "c0" },
    ).duplicates,
  ).toBe(1);
  const summary = store.getRecording("shared");
  expect(summary?.eventCount).toBe(301);
  expect(summary?.windowIds.sort()).toEqual(["child", "parent"]);
  expect(Array.from(store.iterateEvents("shared", { windowId: "child" })).length).toBe(150);
  store.close();
});
