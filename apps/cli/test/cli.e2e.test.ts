import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  capturedBody,
  capturedRequests,
  PUBLIC_FIXTURES,
  tempDir,
  type TempDir,
} from "@replay-devkit/test-utils";
import { freePort, runCli, startDev, waitForHealth, type DevProcess, assertBuilt } from "./helpers.js";

// Drives the built CLI (bin → dist) the way a user would; `pnpm build` must have run.
assertBuilt();

describe("replay-devkit (built CLI)", () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let dev: DevProcess;
  let sessionIds: string[] = [];

  beforeAll(async () => {
    dir = tempDir("replay-devkit-cli-");
    env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    dev = await startDev(["--port", String(await freePort())], { env });
  });

  afterAll(async () => {
    await dev?.stop();
    dir?.cleanup();
  });

  it("answers /health and prints the init snippet and the pitfalls", async () => {
    const health = await waitForHealth(dev.url);
    expect(health.name).toBe("replay-devkit");
    const text = dev.stderr();
    expect(text).toContain(`api_host: "${dev.url}"`);
    expect(text).toContain(`<script src="${dev.url}/static/array.full.js"></script>`);
    expect(text).toMatch(/user agent/i);
    expect(text).toMatch(/localhost or 127\.0\.0\.1/);
    expect(text).toMatch(/first interaction/);
  });

  it("serves the inspector and posthog-js on the same port", async () => {
    const page = await fetch(`${dev.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/html/);
    const script = await fetch(`${dev.url}/static/array.full.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(10_000);
  });

  it("records what posthog-js sent through the capture endpoints", async () => {
    const posts = capturedRequests().filter(
      (r) => r.method === "POST" && ["/s/", "/e/", "/i/v0/e/"].includes(r.path),
    );
    expect(posts.length).toBeGreaterThan(20);
    for (const request of posts) {
      const body = capturedBody(request);
      if (!body) continue;
      const query = new URLSearchParams(request.query).toString();
      const res = await fetch(`${dev.url}${request.path}${query ? `?${query}` : ""}`, {
        method: "POST",
        body: new Uint8Array(body),
        headers: { "content-type": request.content_type ?? "text/plain" },
      });
      expect(res.status, `${request.path} #${request.seq}`).toBe(200);
    }
    const list = await runCli(["list", "--json"], { env });
    expect(list.code).toBe(0);
    const { recordings } = JSON.parse(list.stdout) as {
      recordings: { id: string; eventCount: number; clickCount: number }[];
    };
    // The capture fixtures hold two runs (A and B): two sessions.
    expect(recordings).toHaveLength(2);
    for (const rec of recordings) {
      expect(rec.eventCount).toBeGreaterThan(100);
      expect(rec.clickCount).toBeGreaterThan(0);
    }
    sessionIds = recordings.map((r) => r.id);

    const table = await runCli(["list"], { env });
    for (const id of sessionIds) expect(table.stdout).toContain(id);
    const show = await runCli(["show", sessionIds[0]!, "--json"], { env });
    expect(JSON.parse(show.stdout)).toMatchObject({ id: sessionIds[0], source: "capture" });
  });

  it("exports each format, converts back and validates", async () => {
    const id = sessionIds[0]!;
    const { recordings } = JSON.parse((await runCli(["list", "--json"], { env })).stdout) as {
      recordings: { id: string; eventCount: number }[];
    };
    const eventCount = recordings.find((r) => r.id === id)!.eventCount;
    for (const format of ["posthog", "rrweb", "bundle", "har"] as const) {
      const out = join(dir.path, `export.${format}`);
      const exported = await runCli(["export", id, "--format", format, "-o", out], { env });
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toBe("");
      if (format !== "bundle") expect(exported.stderr).toMatch(/^privacy: /m);
      if (format === "har") {
        const har = JSON.parse(readFileSync(out, "utf8")) as { log: { version: string; entries: unknown[] } };
        expect(har.log.version).toBe("1.2");
        expect(har.log.entries.length).toBeGreaterThan(0);
        continue;
      }
      const valid = await runCli(["validate", out, "--json"], { env });
      expect(valid.code, valid.stderr).toBe(0);
      const report = JSON.parse(valid.stdout) as { format: string; recordings: { events: number }[] };
      expect(report.recordings[0]!.events).toBe(eventCount);

      // And back: every readable format converts to the others offline.
      const back = join(dir.path, `back-from-${format}.json`);
      const offline = join(dir.path, "never-created");
      const converted = await runCli(["convert", out, "--to", "posthog", "-o", back], {
        env: { REPLAY_DEVKIT_DATA: offline },
      });
      expect(converted.code, converted.stderr).toBe(0);
      expect(existsSync(offline)).toBe(false);
      const again = await runCli(["validate", back, "--json"]);
      expect(again.code).toBe(0);
      const doc = JSON.parse(again.stdout) as { format: string; recordings: { events: number }[] };
      expect(doc.format).toBe("posthog-export");
      expect(doc.recordings[0]!.events).toBe(eventCount);
    }
  });

  it("writes bundle bytes to a pipe and refuses nothing there", async () => {
    const res = await runCli(["export", sessionIds[0]!, "--format", "rrweb"], { env });
    expect(res.code).toBe(0);
    const events = JSON.parse(res.stdout) as { type: number }[];
    expect(events.some((e) => e.type === 2)).toBe(true);
  });

  it("imports a public PostHog export and a public rrweb file, idempotently", async () => {
    const files = [
      join(PUBLIC_FIXTURES, "posthog__mobile-incremental-wireframes.json"),
      join(PUBLIC_FIXTURES, "rrweb-player-example__homepage.json"),
    ].filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    const first = await runCli(["import", ...files, "--json"], { env });
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { files: { imported: { id: string; created: boolean }[] }[] };
    expect(report.files.every((f) => f.imported.length > 0 && f.imported.every((i) => i.created))).toBe(true);
    if (files.length > 1) expect(first.stderr).toMatch(/^import \[[#-]+\] 1\/2 /m);
    const second = await runCli(["import", ...files, "--json"], { env });
    const again = JSON.parse(second.stdout) as {
      files: { imported: { created: boolean; events: number }[] }[];
    };
    expect(again.files.flatMap((f) => f.imported).every((i) => !i.created && i.events === 0)).toBe(true);
  });

  it("writes a fixture for a part of a recording and scans a recording", async () => {
    const id = sessionIds[0]!;
    const out = join(dir.path, "part.fixture.jsonl");
    const res = await runCli(["fixture", id, "-o", out, "--from", "5s", "--to", "12s"], { env });
    expect(res.code, res.stderr).toBe(0);
    const header = JSON.parse(readFileSync(out, "utf8").split("\n")[0]!) as {
      format: string;
      sessionId: string;
    };
    expect(header).toMatchObject({ format: "replay-devkit-fixture", sessionId: id });
    const full = JSON.parse((await runCli(["validate", out, "--json"])).stdout) as {
      recordings: { events: number }[];
    };
    const whole = JSON.parse((await runCli(["show", id, "--json"], { env })).stdout) as {
      eventCount: number;
    };
    expect(full.recordings[0]!.events).toBeGreaterThan(0);
    expect(full.recordings[0]!.events).toBeLessThan(whole.eventCount);

    const scan = await runCli(["scan", id, "--json"], { env });
    const report = JSON.parse(scan.stdout) as {
      sessionId: string;
      ok: boolean;
      totals: { findings: number };
    };
    expect(report.sessionId).toBe(id);
    expect(scan.code).toBe(report.ok ? 0 : 6);
  });

  it("fails scan with exit 6 when a recording leaks more than allowed", async () => {
    const leaky = join(dir.path, "leaky.json");
    const event = (type: number, timestamp: number, data: unknown) => ({ type, timestamp, data });
    writeFileSync(
      leaky,
      JSON.stringify([
        event(4, 1000, { href: "https://app.example/?token=abc", width: 800, height: 600 }),
        event(2, 1001, {
          node: {
            type: 0,
            id: 1,
            childNodes: [
              { type: 3, id: 2, textContent: "mail jane.doe@example.com or call +44 20 7946 0958" },
            ],
          },
          initialOffset: { top: 0, left: 0 },
        }),
      ]),
    );
    const res = await runCli(["scan", leaky, "--max-findings", "0"]);
    expect(res.code).toBe(6);
    expect(res.stderr).toMatch(/REPLAY_DEVKIT_FINDINGS/);
    const allowed = await runCli(["scan", leaky, "--max-findings", "100"]);
    expect(allowed.code).toBe(0);
  });

  it("deletes and prunes", async () => {
    const id = sessionIds[1]!;
    expect((await runCli(["delete", id], { env })).code).toBe(0);
    const gone = await runCli(["show", id], { env });
    expect(gone.code).toBe(3);
    expect((await runCli(["delete", id], { env })).code).toBe(3);
    // The fixtures were recorded before today: a 1-day cutoff removes what is left of them.
    const prune = await runCli(["prune", "--older-than", "1d", "--json"], { env });
    expect(prune.code, prune.stderr).toBe(0);
    expect((JSON.parse(prune.stdout) as { deleted: number }).deleted).toBeGreaterThan(0);
  });

  it("reports an instance already running on the port and exits 0 with its URL", async () => {
    const port = new URL(dev.url).port;
    const res = await runCli(["dev", "--port", port], { env });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(dev.url);
    expect(res.stderr).toMatch(/already running/);
  });
});

describe("replay-devkit errors (built CLI)", () => {
  let dir: TempDir;
  beforeAll(() => {
    dir = tempDir("replay-devkit-cli-err-");
  });
  afterAll(() => dir.cleanup());

  /** Every failure is exactly one line on stderr, with a code, no stack trace, and nothing on stdout. */
  function expectOneLine(res: { stdout: string; stderr: string }, code: string): void {
    const lines = res.stderr.trimEnd().split("\n");
    expect(lines, res.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^replay-devkit: .+\\[${code}\\]$`));
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stdout).toBe("");
  }

  it.each([
    [["frobnicate"], "REPLAY_DEVKIT_UNKNOWN_COMMAND"],
    [["list", "--nope"], "REPLAY_DEVKIT_USAGE"],
    [["export"], "REPLAY_DEVKIT_USAGE"],
    [["export", "x", "--format", "xml"], "REPLAY_DEVKIT_USAGE"],
    [["convert", "a.json"], "REPLAY_DEVKIT_USAGE"],
    [["prune", "--older-than", "soon"], "REPLAY_DEVKIT_USAGE"],
    [["dev", "--port", "99999"], "REPLAY_DEVKIT_USAGE"],
    [["--bogus"], "REPLAY_DEVKIT_USAGE"],
  ])("%j is a usage error (exit 2)", async (args, code) => {
    const res = await runCli(args, { env: { REPLAY_DEVKIT_DATA: join(dir.path, "d") } });
    expect(res.code).toBe(2);
    expectOneLine(res, code);
  });

  it.each([
    ["truncated JSON", '[{"type":4,"timestamp":1,"data":{"href":"x"', "REPLAY_DEVKIT_INVALID_INPUT"],
    ["not a recording", '{"hello":"world"}', "REPLAY_DEVKIT_INVALID_INPUT"],
    ["an event without a timestamp", '[{"type":4,"data":{}}]', "REPLAY_DEVKIT_INVALID_INPUT"],
    ["binary garbage", "\u0000\u0001\u0002garbage\u00ff", "REPLAY_DEVKIT_INVALID_INPUT"],
    ["hostile nesting", "[".repeat(100_000), "REPLAY_DEVKIT_TOO_LARGE"],
  ])("validate rejects %s with exit 4 and one line", async (name, content, code) => {
    const file = join(dir.path, `${name.replace(/\W+/g, "-")}.json`);
    writeFileSync(file, content);
    const res = await runCli(["validate", file]);
    expect(res.code).toBe(4);
    expectOneLine(res, code);
    expect(res.stderr).toContain(file);
  });

  it("validate prints the playback doctor's report, and names the nearest format of a near miss", async () => {
    const file = join(dir.path, "second-page-without-meta.json");
    const fullSnapshot = (t: number) => ({
      type: 2,
      timestamp: t,
      data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } },
    });
    writeFileSync(
      file,
      JSON.stringify([
        { type: 4, timestamp: 1000, data: { href: "https://a.test/", width: 800, height: 600 } },
        fullSnapshot(1000),
        fullSnapshot(9000),
        { type: 5, timestamp: 9002, data: { tag: "$pageview", payload: { href: "https://a.test/two" } } },
      ]),
    );
    const res = await runCli(["validate", file]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/the playback doctor repairs on import:\n {2}synthesized-meta x1 in window /);
    const json = JSON.parse((await runCli(["validate", file, "--json"])).stdout) as {
      recordings: { repairs: { code: string; count: number }[] }[];
    };
    expect(json.recordings[0]?.repairs).toEqual([
      expect.objectContaining({ code: "synthesized-meta", count: 1 }),
    ]);

    const noVersion = join(dir.path, "export-without-version.json");
    writeFileSync(noVersion, JSON.stringify({ data: { id: "x", snapshots: [fullSnapshot(1)] } }));
    const refused = await runCli(["validate", noVersion]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(
      'looks like a PostHog Export-to-JSON file but has no "version"; expected 2022-12-02 or 2023-04-28',
    );
  });

  it("validate names a missing file (exit 3) and an empty one (exit 4)", async () => {
    const missing = await runCli(["validate", join(dir.path, "missing.json")]);
    expect(missing.code).toBe(3);
    expectOneLine(missing, "REPLAY_DEVKIT_FILE_NOT_FOUND");
    const empty = join(dir.path, "empty.json");
    writeFileSync(empty, "");
    const res = await runCli(["validate", empty]);
    expect(res.code).toBe(4);
    expectOneLine(res, "REPLAY_DEVKIT_INVALID_INPUT");
  });

  it("rejects a file over --max-size before reading it", async () => {
    const big = join(dir.path, "big.json");
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024 + 1, 0x20));
    const res = await runCli(["import", big, "--max-size", "1"], {
      env: { REPLAY_DEVKIT_DATA: join(dir.path, "d") },
    });
    expect(res.code).toBe(4);
    expectOneLine(res, "REPLAY_DEVKIT_TOO_LARGE");
  });

  it("show and export of an unknown id exit 3", async () => {
    const env = { REPLAY_DEVKIT_DATA: join(dir.path, "d") };
    for (const args of [
      ["show", "nope"],
      ["export", "nope", "-f", "har"],
      ["delete", "nope"],
    ]) {
      const res = await runCli(args, { env });
      expect(res.code).toBe(3);
      expectOneLine(res, "REPLAY_DEVKIT_NOT_FOUND");
    }
  });

  it("a data directory holding a non-database file is a clear failure", async () => {
    const data = join(dir.path, "notdb");
    await runCli(["import", join(PUBLIC_FIXTURES, "rrweb-player-example__homepage.json")], {
      env: { REPLAY_DEVKIT_DATA: data },
    });
    writeFileSync(join(data, "recordings.db"), "this is not sqlite at all, just text".repeat(200));
    const res = await runCli(["list"], { env: { REPLAY_DEVKIT_DATA: data } });
    expect(res.code).toBe(1);
    expectOneLine(res, "REPLAY_DEVKIT_DATABASE");
  });

  it("prints a stack trace only with --debug", async () => {
    const res = await runCli(["validate", join(dir.path, "missing.json"), "--debug"]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/\n\s+at /);
  });

  it("a port held by another program is a clear error with exit 5", async () => {
    const server: Server = createServer((_req, res) => res.end("not us"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const res = await runCli(["dev", "--port", String(port)], {
        env: { REPLAY_DEVKIT_DATA: join(dir.path, "d") },
      });
      expect(res.code).toBe(5);
      expectOneLine(res, "REPLAY_DEVKIT_PORT_IN_USE");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("warns when dev binds a non-loopback address, and stops cleanly on SIGINT", async () => {
    const dev = await startDev(["--host", "0.0.0.0", "--port", String(await freePort())], {
      env: { REPLAY_DEVKIT_DATA: join(dir.path, "wide") },
    });
    try {
      expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await waitForHealth(dev.url);
      expect(dev.stderr()).toMatch(/warning: listening on 0\.0\.0\.0, not loopback/);
    } finally {
      expect(await dev.stop()).toBe(0);
    }
    expect(dev.stderr()).toMatch(/stopped/);
  });

  it("--help and --version go to stdout", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: replay-devkit <command>/m);
    const sub = await runCli(["export", "--help"]);
    expect(sub.stdout).toMatch(/^Usage: replay-devkit export ID \[options\]/m);
    expect(sub.stdout).toContain("--no-scrub");
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toMatch(/^Usage: replay-devkit <command>/m);
    const version = await runCli(["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
