import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_FIXTURES, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { CLI_ROOT, freePort, runCli, startDev, type DevProcess, assertBuilt } from "./helpers.js";

// `dev` renders exports and scans in a worker thread that the bundle ships as dist/export-worker.js.
assertBuilt();

/** How many descriptors the process holds on the recordings database file (one per SQLite connection). */
function databaseHandles(pid: number, dataDir: string): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith(dataDir) && target.endsWith(".db")) count++;
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return count;
}

describe("replay-devkit dev exports through its export worker", () => {
  let dir: TempDir;
  let dataDir: string;
  let dev: DevProcess;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-cli-export-");
    dataDir = join(dir.path, "data");
    dev = await startDev(["--port", String(await freePort())], { env: { REPLAY_DEVKIT_DATA: dataDir } });
  });
  afterAll(async () => {
    await dev?.stop();
    dir?.cleanup();
  });

  it("ships the worker next to the bundle", () => {
    expect(existsSync(join(CLI_ROOT, "dist", "export-worker.js"))).toBe(true);
    expect(dev.stderr()).not.toMatch(/export-worker\.js was not found/);
  });

  it("exports every format and scans, from a worker with its own database connection", async () => {
    const file = readFileSync(join(PUBLIC_FIXTURES, "rrweb-player-example__homepage.json"));
    const imported = await fetch(`${dev.url}/api/import?sessionId=home`, {
      method: "POST",
      body: new Uint8Array(file),
    });
    expect(imported.status).toBe(200);
    const linux = existsSync(`/proc/${dev.child.pid}/fd`);
    const before = linux ? databaseHandles(dev.child.pid!, dataDir) : 0;

    for (const format of ["posthog", "rrweb", "har", "bundle", "html"]) {
      const res = await fetch(`${dev.url}/api/recordings/home/export?format=${format}&scrub=false`);
      expect(res.status, format).toBe(200);
      const body = new Uint8Array(await res.arrayBuffer());
      expect(body.length, format).toBeGreaterThan(100);
      if (format === "rrweb") {
        const events = JSON.parse(new TextDecoder().decode(body)) as unknown[];
        const source = JSON.parse(file.toString("utf8")) as { result: unknown[] };
        expect(events.length).toBe(source.result.length);
      }
    }
    const findings = await fetch(`${dev.url}/api/recordings/home/findings`);
    expect(findings.status).toBe(200);
    expect(await findings.json()).toMatchObject({ sessionId: "home" });

    // The worker opened the database a second time (read-only); inline rendering would not.
    if (linux) expect(databaseHandles(dev.child.pid!, dataDir)).toBe(before + 1);
    expect(dev.stderr()).not.toMatch(/export workers are unavailable|export worker died/);

    // The same bytes as the CLI's own offline export of the raw rrweb file.
    const offline = await runCli(["export", "home", "--format", "rrweb", "--no-scrub"], {
      env: { REPLAY_DEVKIT_DATA: dataDir },
    });
    expect(offline.code, offline.stderr).toBe(0);
    const served = await (
      await fetch(`${dev.url}/api/recordings/home/export?format=rrweb&scrub=false`)
    ).text();
    expect(JSON.parse(served)).toEqual(JSON.parse(offline.stdout));
  });

  it("stops cleanly on SIGINT with an export worker alive, leaving no WAL behind", async () => {
    const pid = dev.child.pid!;
    if (existsSync(`/proc/${pid}/fd`)) expect(databaseHandles(pid, dataDir)).toBe(2);
    expect(await dev.stop()).toBe(0);
    expect(dev.stderr()).toMatch(/stopped/);
    // The worker's read-only connection closed before the server's, so the last close checkpointed.
    expect(existsSync(join(dataDir, "recordings.db-wal"))).toBe(false);
  });
});
