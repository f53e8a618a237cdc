import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { EXPORT_FORMATS, SCRUB_MODES, type ExportFormat, type ScrubMode } from "@replay-devkit/api";
import {
  readRecordingFile,
  type BundleManifest,
  type Recording,
  type RecordingWindow,
  type RrwebEvent,
} from "@replay-devkit/codec";
import { strFromU8, unzipSync } from "fflate";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertBuilt,
  capturedRecording,
  freePort,
  importRecordingWithCli,
  runCli,
  startDev,
  type DevProcess,
} from "./helpers.js";
import { connectMcp, textOf } from "./mcp-client.js";

// One export renderer behind three doors: `GET /api/recordings/:id/export` (from `dev`, rendered in
// its export worker), `replay-devkit export` and the MCP `export_recording` tool must write the same
// bytes for every format and scrub mode. MCP has no raw mode (an agent only gets scrubbed data), so
// raw exports are compared between the API and the CLI, and MCP's answer to a raw request is checked
// to be the scrubbed bytes. The recording has two windows: run A of the real
// posthog-js 1.449.2 captures, plus run B's window moved into A's session (a second tab of the
// same session; both windows and their network, console and PostHog events are real captures).
assertBuilt();

// Planted in both windows, so every format and both windows have something to scrub: a JWT in a
// custom event and in a recorded request's header, and an email address.
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const EMAIL = "parity.user@example.com";

function planted(window: RecordingWindow): RecordingWindow {
  const at = (window.events[1] ?? window.events[0])!.timestamp + 1;
  const leak: RrwebEvent = {
    type: 5,
    timestamp: at,
    data: { tag: "login", payload: { email: EMAIL, authorization: `Bearer ${JWT}` } },
  } as RrwebEvent;
  const request = {
    type: 6,
    timestamp: at + 1,
    data: {
      plugin: "rrweb/network@1",
      payload: {
        requests: [
          {
            name: "http://app.harness.test/api/login",
            method: "POST",
            initiatorType: "fetch",
            status: 200,
            startTime: 1,
            endTime: 2,
            requestHeaders: { authorization: `Bearer ${JWT}` },
            requestBody: JSON.stringify({ email: EMAIL }),
          },
        ],
      },
    },
  } as unknown as RrwebEvent;
  const events = [...window.events, leak, request].sort((x, y) => x.timestamp - y.timestamp);
  return { windowId: window.windowId, events };
}

function twoWindowRecording(): Recording {
  const a = capturedRecording("A");
  const b = capturedRecording("B");
  const [first] = a.windows;
  const [second] = b.windows;
  if (!first || !second || a.windows.length !== 1 || second.windowId === first.windowId)
    throw new Error("runs A and B must each hold one distinct window");
  return { ...a, windows: [planted(first), planted(second)] };
}

/** Every case: each format in each scrub mode, plus rrweb of the second window by name. */
function cases(second: string): { format: ExportFormat; scrub: ScrubMode; window?: string }[] {
  const all: { format: ExportFormat; scrub: ScrubMode; window?: string }[] = EXPORT_FORMATS.flatMap(
    (format) => SCRUB_MODES.map((scrub) => ({ format, scrub })),
  );
  for (const scrub of SCRUB_MODES) all.push({ format: "rrweb", scrub, window: second });
  return all;
}

describe("the same recording exports to the same bytes from the API, the CLI and MCP", () => {
  let dir: TempDir;
  let work: string;
  let env: Record<string, string>;
  let dev: DevProcess;
  let client: Client;
  let recording: Recording;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-cli-parity-");
    work = join(dir.path, "project");
    mkdirSync(work);
    env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    recording = twoWindowRecording();
    await importRecordingWithCli(recording, join(dir.path, "two-windows.zip"), env);
    dev = await startDev(["--port", String(await freePort())], { env });
    ({ client } = await connectMcp(work, env));
  });
  afterAll(async () => {
    await client?.close();
    await dev?.stop();
    dir?.cleanup();
  });

  it("for every format x scrub mode, and for rrweb of either window", async () => {
    const [first, second] = recording.windows.map((w) => w.windowId) as [string, string];
    const id = recording.sessionId;
    const scrubbed = new Map<string, Uint8Array>();
    for (const c of cases(second)) {
      const label = `${c.format} ${c.scrub}${c.window ? ` window=${c.window}` : ""}`;
      const query = new URLSearchParams({ format: c.format });
      if (c.scrub === "raw") query.set("scrub", "false");
      if (c.window) query.set("window", c.window);
      const res = await fetch(`${dev.url}/api/recordings/${id}/export?${query}`);
      expect(res.status, label).toBe(200);
      const api = new Uint8Array(await res.arrayBuffer());

      const name = `${c.format}-${c.scrub}${c.window ? "-w2" : ""}.out`;
      const cli = await runCli(
        [
          "export",
          id,
          "-f",
          c.format,
          "-o",
          join(work, `cli-${name}`),
          ...(c.scrub === "raw" ? ["--no-scrub"] : []),
          ...(c.window ? ["--window", c.window] : []),
        ],
        { env },
      );
      expect(cli.code, `${label}: ${cli.stderr}`).toBe(0);

      const fromCli = new Uint8Array(readFileSync(join(work, `cli-${name}`)));
      expect(api.byteLength, label).toBeGreaterThan(2);
      expect(Buffer.from(fromCli).equals(Buffer.from(api)), `${label}: CLI vs API`).toBe(true);

      // MCP has no raw mode: a raw request (the extra argument is ignored) still writes scrubbed bytes.
      const mcp = await client.callTool({
        name: "export_recording",
        arguments: {
          id,
          format: c.format,
          path: `mcp-${name}`,
          ...(c.scrub === "raw" && { scrub: "raw" }),
          ...(c.window && { window: c.window }),
        },
      });
      expect(mcp.isError, `${label}: ${textOf(mcp)}`).toBeFalsy();
      const fromMcp = Buffer.from(readFileSync(join(work, `mcp-${name}`)));
      const key = `${c.format}${c.window ?? ""}`;
      if (c.scrub === "scrubbed") {
        expect(fromMcp.equals(Buffer.from(api)), `${label}: MCP vs API`).toBe(true);
        scrubbed.set(key, api);
      } else {
        const clean = scrubbed.get(key) ?? new Uint8Array();
        // The planted secrets make raw and scrubbed differ in every format.
        expect(Buffer.from(clean).equals(Buffer.from(api)), `${label}: raw vs scrubbed`).toBe(false);
        expect(fromMcp.equals(Buffer.from(clean)), `${label}: MCP stays scrubbed`).toBe(true);
      }
      if (c.format === "rrweb") {
        // One window, the one asked for or the first, never the two merged.
        const events = JSON.parse(new TextDecoder().decode(api)) as unknown[];
        const expected = recording.windows.find((w) => w.windowId === (c.window ?? first));
        expect(events.length, label).toBe(expected?.events.length);
      }
    }
  });

  it("stamps the bundle with the recording's last update and names the real version in the HAR", async () => {
    const id = recording.sessionId;
    const health = (await (await fetch(`${dev.url}/health`)).json()) as { version: string };
    const summary = (await (await fetch(`${dev.url}/api/recordings/${id}`)).json()) as { updatedAt: string };
    const version = (
      JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    ).version;
    expect(health.version).toBe(version);

    const zip = new Uint8Array(
      await (await fetch(`${dev.url}/api/recordings/${id}/export?format=bundle`)).arrayBuffer(),
    );
    const manifest = JSON.parse(strFromU8(unzipSync(zip)["manifest.json"]!)) as BundleManifest;
    expect(manifest.createdAt).toBe(summary.updatedAt);
    expect(manifest.producer).toBe(`replay-devkit ${version}`);
    expect((await readRecordingFile(zip)).recordings[0]?.windows).toHaveLength(2);
    const har = (await (await fetch(`${dev.url}/api/recordings/${id}/export?format=har`)).json()) as {
      log: { creator: { name: string; version: string } };
    };
    expect(har.log.creator).toEqual({ name: "replay-devkit", version });
  });

  it("refuses an unknown window the same way everywhere, naming the valid ids", async () => {
    const id = recording.sessionId;
    const ids = recording.windows.map((w) => w.windowId);
    const res = await fetch(`${dev.url}/api/recordings/${id}/export?format=rrweb&window=nope`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("NOT_FOUND");
    const cli = await runCli(["export", id, "-f", "rrweb", "--window", "nope"], { env });
    expect(cli.code).toBe(3);
    const mcp = await client.callTool({
      name: "export_recording",
      arguments: { id, format: "rrweb", path: "never.json", window: "nope" },
    });
    expect(mcp.isError).toBe(true);
    for (const message of [body.error.message, cli.stderr, textOf(mcp)]) {
      expect(message).toContain('no window "nope"');
      for (const windowId of ids) expect(message).toContain(windowId);
    }
  });
});
