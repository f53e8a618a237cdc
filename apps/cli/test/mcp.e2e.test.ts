import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { readRecordingFile } from "@replay-devkit/codec";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli, assertBuilt, importCapturedSession } from "./helpers.js";

// Drives `replay-devkit mcp` as an MCP client would (the SDK's own client over stdio) against a
// data directory holding the session the real posthog-js 1.449.2 recorded (run A of the captures).
assertBuilt();

const TOOLS = [
  "list_recordings",
  "get_recording",
  "get_timeline",
  "scan_recording",
  "profile_recording",
  "write_fixture",
  "export_recording",
];

function textOf(result: Awaited<ReturnType<Client["callTool"]>>): string {
  const content = (result as CallToolResult).content;
  return content.map((c) => (c.type === "text" ? c.text : "")).join("");
}

describe("replay-devkit mcp (built CLI over stdio)", () => {
  let dir: TempDir;
  let work: string;
  let env: Record<string, string>;
  let id: string;
  let client: Client;
  let stderr = "";

  beforeAll(async () => {
    dir = tempDir("replay-devkit-cli-mcp-");
    work = join(dir.path, "project");
    mkdirSync(work);
    env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    ({ id } = await importCapturedSession(dir.path, env));

    const inherited = Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "mcp"],
      cwd: work,
      env: { ...inherited, ...env },
      stderr: "pipe",
    });
    transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    client = new Client({ name: "replay-devkit-test", version: "1.0.0" });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    dir?.cleanup();
  });

  it("lists the seven tools with JSON-schema inputs an agent can fill in", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(60);
      expect(tool.inputSchema.type).toBe("object");
    }
    const list = byName.list_recordings!.inputSchema;
    expect(Object.keys(list.properties ?? {}).sort()).toEqual(["hasErrors", "limit", "sort", "url"]);
    expect(list.properties?.sort).toMatchObject({ type: "string", enum: expect.arrayContaining(["newest"]) });
    expect(list.properties?.hasErrors).toMatchObject({ type: "boolean" });
    const timeline = byName.get_timeline!.inputSchema;
    expect(timeline.required).toEqual(["id"]);
    expect(Object.keys(timeline.properties ?? {}).sort()).toEqual([
      "around",
      "format",
      "id",
      "maxEntries",
      "window",
      "windowId",
    ]);
    expect(timeline.properties?.format).toMatchObject({ enum: ["md", "json"] });
    expect(byName.write_fixture!.inputSchema.required).toEqual(["id", "path"]);
    expect(byName.export_recording!.inputSchema.properties?.format).toMatchObject({
      enum: ["posthog", "rrweb", "bundle", "har", "html"],
    });
    expect(byName.export_recording!.inputSchema.required).toEqual(["id", "format", "path"]);
    expect(byName.get_recording!.annotations?.readOnlyHint).toBe(true);
    expect(byName.write_fixture!.annotations?.readOnlyHint).toBe(false);
  });

  it("list_recordings finds the session, filters on errors and URL, and get_recording describes it", async () => {
    const listed = await client.callTool({ name: "list_recordings", arguments: {} });
    expect(listed.isError).toBeFalsy();
    const all = JSON.parse(textOf(listed)) as {
      recordings: { id: string; consoleErrorCount: number }[];
      total: number;
    };
    expect(all.total).toBe(1);
    expect(all.recordings[0]).toMatchObject({ id, consoleErrorCount: 1 });
    const withErrors = JSON.parse(
      textOf(await client.callTool({ name: "list_recordings", arguments: { hasErrors: true, limit: 5 } })),
    ) as { total: number };
    expect(withErrors.total).toBe(1);
    const without = JSON.parse(
      textOf(await client.callTool({ name: "list_recordings", arguments: { hasErrors: false } })),
    ) as { total: number };
    expect(without.total).toBe(0);
    const byUrl = JSON.parse(
      textOf(await client.callTool({ name: "list_recordings", arguments: { url: "/second.html" } })),
    ) as { total: number };
    expect(byUrl.total).toBe(1);
    const noUrl = JSON.parse(
      textOf(await client.callTool({ name: "list_recordings", arguments: { url: "/never-visited" } })),
    ) as { total: number };
    expect(noUrl.total).toBe(0);

    const shown = JSON.parse(textOf(await client.callTool({ name: "get_recording", arguments: { id } }))) as {
      id: string;
      urls: string[];
      windowIds: string[];
    };
    const cli = JSON.parse((await runCli(["show", id, "--json"], { env })).stdout) as typeof shown;
    expect(shown.id).toBe(id);
    expect(shown.windowIds).toEqual(cli.windowIds);
    expect(shown.urls).toEqual(cli.urls);
  });

  it("get_timeline keeps at most maxEntries rows around the anchor and says how many it left out", async () => {
    const doc = JSON.parse(
      textOf(
        await client.callTool({
          name: "get_timeline",
          arguments: { id, around: "error", window: "60s", format: "json", maxEntries: 3 },
        }),
      ),
    ) as { anchorIndex: number; omitted: { before: number; after: number }; entries: { kind: string }[] };
    expect(doc.entries).toHaveLength(3);
    expect(doc.entries[doc.anchorIndex]?.kind).toBe("console");
    expect(doc.omitted.before + doc.omitted.after).toBeGreaterThan(0);
    const md = textOf(
      await client.callTool({
        name: "get_timeline",
        arguments: { id, around: "error", window: "60s", maxEntries: 3 },
      }),
    );
    expect(md).toMatch(/Showing 3 entries; \d+ earlier and \d+ later ones left out/);
  });

  it("get_timeline around the error holds the console error and the POST /api/items 201", async () => {
    const md = textOf(await client.callTool({ name: "get_timeline", arguments: { id, around: "error" } }));
    expect(md).toContain("| time | kind | what |");
    expect(md).toMatch(/\| \*\*\d\d:\d\d\.\d{3}\*\* \| \*\*error\*\* \| "harness console error"/);
    expect(md).toMatch(/POST \S+\/api\/items -> 201/);

    const doc = JSON.parse(
      textOf(
        await client.callTool({
          name: "get_timeline",
          arguments: { id, around: "error", window: "5s", format: "json" },
        }),
      ),
    ) as { scrubbed: boolean; anchorIndex: number; entries: Record<string, unknown>[] };
    expect(doc.scrubbed).toBe(true);
    expect(doc.entries[doc.anchorIndex]).toMatchObject({ kind: "console", level: "error" });
    expect(doc.entries.find((e) => e.kind === "request" && e.method === "POST")).toMatchObject({
      url: expect.stringMatching(/\/api\/items$/),
      status: 201,
    });
    // Same document as the CLI prints (both scrubbed).
    const cli = await runCli(["timeline", id, "--around", "error", "--window", "5s", "--format", "json"], {
      env,
    });
    expect(doc).toEqual(JSON.parse(cli.stdout));
  });

  it("get_timeline reports a bad anchor and window as tool errors that say what exists", async () => {
    const none = await client.callTool({ name: "get_timeline", arguments: { id, around: "click:#nope" } });
    expect(none.isError).toBe(true);
    expect(textOf(none)).toContain("matches nothing");
    expect(textOf(none)).toContain("#btn-primary");
    expect(textOf(none)).toContain("[REPLAY_DEVKIT_USAGE]");
    const window = await client.callTool({ name: "get_timeline", arguments: { id, window: "soon" } });
    expect(window.isError).toBe(true);
    expect(textOf(window)).toContain(
      'window must be a duration such as 5s, 500ms or 2m (up to 24h); got "soon"',
    );
    const tab = await client.callTool({ name: "get_timeline", arguments: { id, windowId: "no-tab" } });
    expect(textOf(tab)).toContain('window "no-tab" is not in this recording');
  });

  it("scan_recording returns the same report as `replay-devkit scan --json`", async () => {
    const result = await client.callTool({ name: "scan_recording", arguments: { id } });
    expect(result.isError).toBeFalsy();
    const cli = await runCli(["scan", id, "--json"], { env });
    expect(cli.stdout.length).toBeGreaterThan(0);
    expect(JSON.parse(textOf(result))).toEqual(JSON.parse(cli.stdout));
    const bad = await client.callTool({
      name: "scan_recording",
      arguments: { id, maskTextSelector: "p:hover" },
    });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain("[REPLAY_DEVKIT_USAGE]");
  });

  it("profile_recording returns the same report as `replay-devkit profile --json`", async () => {
    const result = await client.callTool({ name: "profile_recording", arguments: { id } });
    const cli = await runCli(["profile", id, "--json"], { env });
    const report = JSON.parse(textOf(result)) as { events: number };
    expect(report.events).toBeGreaterThan(0);
    expect(report).toEqual(JSON.parse(cli.stdout));
  });

  it("write_fixture writes a scrubbed fixture the codec reads back, and refuses paths outside the cwd", async () => {
    const result = await client.callTool({
      name: "write_fixture",
      arguments: { id, path: "fixtures/session.fixture.jsonl", from: "0s", to: "20s" },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const file = join(work, "fixtures", "session.fixture.jsonl");
    expect(textOf(result)).toContain(`Wrote ${file}`);
    const { format, recordings } = await readRecordingFile(readFileSync(file));
    expect(format).toBe("fixture");
    expect(recordings[0]?.sessionId).toBe(id);
    expect(recordings[0]?.windows.flatMap((w) => w.events).length).toBeGreaterThan(10);

    for (const path of ["../escape.fixture.jsonl", join(dir.path, "abs.fixture.jsonl"), "/tmp/x.jsonl"]) {
      const refused = await client.callTool({ name: "write_fixture", arguments: { id, path } });
      expect(refused.isError, path).toBe(true);
      expect(textOf(refused)).toContain("outside the working directory");
      expect(textOf(refused)).toContain("[REPLAY_DEVKIT_USAGE]");
    }
    expect(existsSync(join(dir.path, "escape.fixture.jsonl"))).toBe(false);
    expect(existsSync(join(dir.path, "abs.fixture.jsonl"))).toBe(false);
    const badTime = await client.callTool({
      name: "write_fixture",
      arguments: { id, path: "x.jsonl", from: "soon" },
    });
    expect(textOf(badTime)).toContain(
      'from must be an offset like 90s, 1m30s, 01:30 or an ISO time; got "soon"',
    );
  });

  it("export_recording writes each format scrubbed inside the cwd and refuses paths outside it", async () => {
    const har = await client.callTool({
      name: "export_recording",
      arguments: { id, format: "har", path: "out/network.har" },
    });
    expect(har.isError, textOf(har)).toBeFalsy();
    const parsed = JSON.parse(readFileSync(join(work, "out", "network.har"), "utf8")) as {
      log: { entries: { request: { url: string; method: string } }[] };
    };
    expect(
      parsed.log.entries.some((e) => e.request.method === "POST" && e.request.url.endsWith("/api/items")),
    ).toBe(true);
    const bundle = await client.callTool({
      name: "export_recording",
      arguments: { id, format: "bundle", path: "out/bug.zip" },
    });
    expect(bundle.isError, textOf(bundle)).toBeFalsy();
    const read = await readRecordingFile(readFileSync(join(work, "out", "bug.zip")));
    expect(read.recordings[0]?.sessionId).toBe(id);
    // Byte-identical to the CLI's scrubbed export, apart from the producer line the bundle records.
    const cliFile = join(work, "cli.json");
    expect((await runCli(["export", id, "-o", cliFile], { env })).code).toBe(0);
    const posthog = await client.callTool({
      name: "export_recording",
      arguments: { id, format: "posthog", path: "out/export.json" },
    });
    expect(posthog.isError).toBeFalsy();
    expect(readFileSync(join(work, "out", "export.json"), "utf8")).toBe(readFileSync(cliFile, "utf8"));

    const refused = await client.callTool({
      name: "export_recording",
      arguments: { id, format: "rrweb", path: "../outside.json" },
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain("outside the working directory");
  });

  it("answers an unknown id with a tool error naming the id, for every tool that takes one", async () => {
    const calls: [string, Record<string, unknown>][] = [
      ["get_recording", {}],
      ["get_timeline", {}],
      ["scan_recording", {}],
      ["profile_recording", {}],
      ["write_fixture", { path: "never.jsonl" }],
      ["export_recording", { format: "posthog", path: "never.json" }],
    ];
    for (const [name, args] of calls) {
      const result = await client.callTool({ name, arguments: { id: "no-such-recording", ...args } });
      expect(result.isError, name).toBe(true);
      expect(textOf(result)).toContain('no recording with id "no-such-recording"');
      expect(textOf(result)).toContain("[REPLAY_DEVKIT_NOT_FOUND]");
    }
    expect(existsSync(join(work, "never.jsonl"))).toBe(false);
  });

  it("rejects arguments of the wrong type as a tool error and keeps serving", async () => {
    const result = await client.callTool({ name: "list_recordings", arguments: { limit: "lots" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/limit/);
    const again = await client.callTool({ name: "list_recordings", arguments: { limit: 1 } });
    expect(again.isError).toBeFalsy();
    // Only protocol on stdout: the client would have failed on anything else; logs went to stderr.
    expect(stderr).toContain("replay-devkit mcp: serving");
  });
});

describe("replay-devkit mcp with a raw client", () => {
  it("survives malformed and oversized lines, then answers the next request", async () => {
    const dir = tempDir("replay-devkit-cli-mcp-raw-");
    try {
      const child = spawn(process.execPath, [BIN, "mcp"], {
        cwd: dir.path,
        env: { ...process.env, REPLAY_DEVKIT_DATA: join(dir.path, "data") },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      const send = (line: string) => child.stdin.write(`${line}\n`);
      send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-06-18",
            capabilities: {},
            clientInfo: { name: "raw", version: "1" },
          },
        }),
      );
      send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
      send("{not json");
      send(JSON.stringify({ hello: "world" }));
      send("x".repeat(5 * 1024 * 1024));
      send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "no/such/method" }));
      send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: 3,
          method: "tools/call",
          params: { name: "nope", arguments: {} },
        }),
      );
      send(
        JSON.stringify({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "list_recordings" } }),
      );
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const code = await exited;
      clearTimeout(timer);
      expect(code, err).toBe(0);
      const replies = out
        .trim()
        .split("\n")
        .map(
          (line) => JSON.parse(line) as { id?: number; result?: Record<string, unknown>; error?: unknown },
        );
      expect(replies.map((r) => r.id)).toEqual([1, 2, 3, 4]);
      expect(replies[1]?.error).toMatchObject({ code: -32601 });
      expect(replies[2]?.result ?? replies[2]?.error).toBeDefined();
      // With no database yet the list is empty, not an error.
      expect(replies[3]?.result).toMatchObject({
        content: [{ type: "text", text: expect.stringContaining('"total": 0') }],
      });
      expect(err).toContain("not valid JSON");
      expect(err).toContain("over the 4194304-byte limit");
      // Listing must not create a database as a side effect.
      expect(existsSync(join(dir.path, "data"))).toBe(false);
    } finally {
      dir.cleanup();
    }
  });
});

describe("replay-devkit mcp scrubbing", () => {
  it("never returns the raw secrets of a recording: metadata, timeline, fixture and export are scrubbed", async () => {
    const dir = tempDir("replay-devkit-cli-mcp-leak-");
    const env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    const email = "jane.roe@example.com";
    const token = "tok_9f8e7d6c5b4a39281706";
    const file = join(dir.path, "leak.rrweb.json");
    const event = (type: number, timestamp: number, data: unknown) => ({ type, timestamp, data });
    writeFileSync(
      file,
      JSON.stringify([
        event(4, 1000, {
          href: `https://app.example/account?access_token=${token}`,
          width: 800,
          height: 600,
        }),
        event(2, 1001, {
          node: {
            type: 0,
            id: 1,
            childNodes: [{ type: 2, id: 2, tagName: "html", attributes: {}, childNodes: [] }],
          },
          initialOffset: { top: 0, left: 0 },
        }),
        event(6, 1500, {
          plugin: "rrweb/console@1",
          payload: { level: "error", trace: [], payload: [`"no account for ${email}"`] },
        }),
      ]),
    );
    const work = join(dir.path, "project");
    mkdirSync(work);
    const client = new Client({ name: "replay-devkit-test", version: "1.0.0" });
    try {
      const imported = await runCli(["import", file], { env });
      expect(imported.code, imported.stderr).toBe(0);
      const raw = await runCli(["list", "--json"], { env });
      expect(raw.stdout).toContain(token);
      const { recordings } = JSON.parse(raw.stdout) as { recordings: { id: string }[] };
      const id = recordings[0]!.id;

      const inherited = Object.fromEntries(
        Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
      );
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [BIN, "mcp"],
          cwd: work,
          env: { ...inherited, ...env },
          stderr: "pipe",
        }),
      );
      const outputs = [
        textOf(await client.callTool({ name: "list_recordings", arguments: {} })),
        textOf(await client.callTool({ name: "get_recording", arguments: { id } })),
        textOf(await client.callTool({ name: "get_timeline", arguments: { id, format: "json" } })),
        textOf(await client.callTool({ name: "get_timeline", arguments: { id, around: "error" } })),
      ];
      expect(outputs[0]).toContain(id);
      expect(outputs[2]).toContain("no account for");
      for (const name of ["write_fixture", "export_recording"]) {
        const result = await client.callTool({
          name,
          arguments: { id, path: `${name}.out`, ...(name === "export_recording" && { format: "rrweb" }) },
        });
        expect(result.isError, textOf(result)).toBeFalsy();
        outputs.push(readFileSync(join(work, `${name}.out`), "utf8"));
      }
      for (const output of outputs) {
        expect(output).not.toContain(email);
        expect(output).not.toContain(token);
      }
    } finally {
      await client.close();
      dir.cleanup();
    }
  });
});
