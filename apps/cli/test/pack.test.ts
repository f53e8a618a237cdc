import { execFile } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { CLI_ROOT, freePort, runCli, startDev, waitForHealth, assertBuilt } from "./helpers.js";

const exec = promisify(execFile);

// Installs the packed tarball into an empty project outside the repo, so nothing can resolve from
// the workspace: what passes here is what npm users get. Needs the npm registry and a C++ toolchain
// (better-sqlite3 compiles from source when no prebuilt binary can be fetched).
assertBuilt();
const skip = process.env.REPLAY_DEVKIT_SKIP_PACK_TEST === "1";

describe.skipIf(skip)("the packed tarball", () => {
  let dir: TempDir;
  let bin: string;
  let project: string;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-pack-");
    await exec("pnpm", ["pack", "--pack-destination", dir.path], { cwd: CLI_ROOT, timeout: 120_000 });
    const tarball = readdirSync(dir.path).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error("pnpm pack produced no tarball");
    project = join(dir.path, "project");
    await exec("mkdir", ["-p", project]);
    // Newer npm versions gate dependency install scripts; better-sqlite3 needs its build step.
    const manifest = { name: "pack-test", private: true, allowScripts: { "better-sqlite3": true } };
    writeFileSync(join(project, "package.json"), JSON.stringify(manifest));
    // pnpm (running this test) exports its own npm_config_* settings; npm must not inherit them.
    const inherited = Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_"));
    const env: Record<string, string | undefined> = {
      ...Object.fromEntries(inherited),
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
    };
    if (existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";
    await exec("npm", ["install", join(dir.path, tarball)], { cwd: project, env, timeout: 280_000 });
    bin = join(project, "node_modules", "replay-devkit", "bin", "replay-devkit.js");
  }, 300_000);

  afterAll(() => dir?.cleanup());

  it("ships only the bundle, the inspector, the video page's files and the bin (no workspace names at run time)", async () => {
    const pkgDir = join(project, "node_modules", "replay-devkit");
    expect(readdirSync(pkgDir).sort()).toEqual([
      "README.md",
      "bin",
      "dist",
      "inspector",
      "package.json",
      "video-lib",
    ]);
    expect(existsSync(join(project, "node_modules", "@replay-devkit"))).toBe(false);
  });

  it("runs --help", async () => {
    const res = await runCli(["--help"], { bin, cwd: project });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Usage: replay-devkit <command>/m);
  });

  it("runs dev until /health answers, serving the inspector and posthog-js", async () => {
    const dev = await startDev(["--port", String(await freePort())], {
      bin,
      cwd: project,
      env: { REPLAY_DEVKIT_DATA: join(dir.path, "data") },
    });
    try {
      const health = await waitForHealth(dev.url);
      expect(health).toMatchObject({ name: "replay-devkit" });
      expect((await fetch(`${dev.url}/`)).status).toBe(200);
      expect((await fetch(`${dev.url}/static/array.full.js`)).status).toBe(200);
    } finally {
      expect(await dev.stop()).toBe(0);
    }
  });

  it("serves mcp from the bundle alone (the MCP SDK and zod are bundled, not dependencies)", async () => {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const client = new Client({ name: "pack-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [bin, "mcp"],
        cwd: project,
        env: { ...inherited, REPLAY_DEVKIT_DATA: join(dir.path, "data") },
        stderr: "pipe",
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("get_timeline");
      const listed = await client.callTool({ name: "list_recordings", arguments: {} });
      expect(listed.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    expect(existsSync(join(project, "node_modules", "@modelcontextprotocol"))).toBe(false);
  });
});
