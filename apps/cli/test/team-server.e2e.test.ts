import { readFileSync } from "node:fs";
// `serve` on PostgreSQL + S3 with a token, and recordings moving between a laptop's SQLite store and
// it with push and pull:
// ids kept, raw exports equal byte for byte both ways, a second copy stores nothing, and every
// failure (no token, wrong token, unknown recording) is one line with its own exit code.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedBody, capturedRequests, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { teamStorage, type TeamStorage } from "./team-storage.js";
import {
  assertBuilt,
  freePort,
  importCapturedSession,
  runCli,
  startListening,
  type CliResult,
  type DevProcess,
} from "./helpers.js";

assertBuilt();

const TOKEN = "e2e-team-token-0123456789";

function expectOneLine(res: CliResult, code: string, exit: number): void {
  expect(res.code, res.stderr).toBe(exit);
  const lines = res.stderr.trimEnd().split("\n");
  expect(lines, res.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^replay-devkit: .+\\[${code}\\]$`));
  expect(res.stderr).not.toContain(TOKEN);
  expect(res.stderr).not.toMatch(/\n\s+at /);
}

/** The raw exports a copy must keep identical, read with the CLI from a local store: PostHog's file and rrweb's. */
async function rawExports(env: Record<string, string>, id: string): Promise<string[]> {
  const out: string[] = [];
  for (const format of ["posthog", "rrweb"]) {
    const res = await runCli(["export", id, "--format", format, "--no-scrub"], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.length).toBeGreaterThan(100);
    out.push(res.stdout);
  }
  return out;
}

/** The server's raw PostHog export, through its API. */
async function serverPosthogExport(server: DevProcess, id: string): Promise<string> {
  const res = await fetch(
    `${server.url}/api/recordings/${encodeURIComponent(id)}/export?format=posthog&scrub=false`,
    {
      headers: { authorization: `Bearer ${TOKEN}` },
    },
  );
  expect(res.status).toBe(200);
  return res.text();
}

async function api<T>(
  server: DevProcess,
  path: string,
  token: string | null = TOKEN,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe("serve + push/pull", () => {
  let dir: TempDir;
  let laptop: Record<string, string>;
  let storage: TeamStorage;
  let server: DevProcess;
  let capturedId: string;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-team-");
    laptop = { REPLAY_DEVKIT_DATA: join(dir.path, "laptop") };
    storage = await teamStorage("postgres+s3", dir.path);
    server = await startListening("serve", ["--port", String(await freePort()), ...storage.args], {
      env: { ...storage.env, REPLAY_DEVKIT_TOKEN: TOKEN },
    });
    ({ id: capturedId } = await importCapturedSession(dir.path, laptop));
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      // SIGTERM (systemd's stop) drains and exits 0, closing the store.
      const exited = new Promise<number | null>((done) => server.child.once("close", (code) => done(code)));
      server.child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(server.stderr()).toMatch(/SIGTERM received, finishing in-flight requests/);
    }
    await storage?.close();
    dir?.cleanup();
  });

  it("serves without the dev banner, and answers posthog-js and /health without the token", async () => {
    expect(server.stderr()).toMatch(/serving on http:\/\/127\.0\.0\.1:\d+/);
    expect(server.stderr()).toContain("token required");
    expect(server.stderr()).not.toContain("api_host");
    expect(server.stderr()).not.toContain(TOKEN);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/array/phc_x/config`)).status).toBe(200);
    expect((await api(server, "/api/recordings", null)).status).toBe(401);
  });

  it("refuses to serve beyond loopback without a token, in one line", async () => {
    const res = await runCli(["serve", "--host", "0.0.0.0", "--port", String(await freePort())], {
      env: { REPLAY_DEVKIT_DATA: join(dir.path, "refused"), REPLAY_DEVKIT_TOKEN: "" },
    });
    expectOneLine(res, "REPLAY_DEVKIT_TOKEN_REQUIRED", 2);
  });

  it("push needs the token: none, or a wrong one, is one line and exit 7", async () => {
    expectOneLine(
      await runCli(["push", capturedId, "--to", server.url], { env: { ...laptop, REPLAY_DEVKIT_TOKEN: "" } }),
      "REPLAY_DEVKIT_UNAUTHORIZED",
      7,
    );
    expectOneLine(
      await runCli(["push", capturedId, "--to", server.url], {
        env: { ...laptop, REPLAY_DEVKIT_TOKEN: `${TOKEN}-no` },
      }),
      "REPLAY_DEVKIT_UNAUTHORIZED",
      7,
    );
    expect((await api<{ total: number }>(server, "/api/recordings")).body.total).toBe(0);
  });

  it("pushes a recording with its id, raw exports equal; pushing again stores and changes nothing", async () => {
    const env = { ...laptop, REPLAY_DEVKIT_TOKEN: TOKEN };
    const first = await runCli(["push", capturedId, "--to", server.url, "--json"], { env });
    expect(first.code, first.stderr).toBe(0);
    const [result] = (
      JSON.parse(first.stdout) as { results: { id: string; outcome: string; events: number }[] }
    ).results;
    expect(result).toMatchObject({ id: capturedId, outcome: "copied" });
    expect(result?.events).toBeGreaterThan(10);

    const remote = await api<{ id: string }>(server, `/api/recordings/${capturedId}`);
    expect(remote.status).toBe(200);
    const laptopExports = await rawExports(laptop, capturedId);
    expect(await serverPosthogExport(server, capturedId)).toBe(laptopExports[0]);
    // And back: pulled into a new store, every raw export equals the laptop's.
    const roundTrip = { REPLAY_DEVKIT_DATA: join(dir.path, "round-trip"), REPLAY_DEVKIT_TOKEN: TOKEN };
    expect((await runCli(["pull", capturedId, "--from", server.url], { env: roundTrip })).code).toBe(0);
    expect(await rawExports(roundTrip, capturedId)).toEqual(laptopExports);

    const before = await api<unknown>(server, "/api/recordings");
    const again = await runCli(["push", capturedId, "--to", server.url], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${capturedId}: up to date`);
    expect((await api<unknown>(server, "/api/recordings")).body).toEqual(before.body);
  });

  it("pulls a recording the server ingested itself; raw exports equal; pull again and push back store nothing", async () => {
    // Upload the real posthog-js bodies of capture run B straight to the server, as the SDK would.
    let sessionId: string | null = null;
    for (const request of capturedRequests()) {
      if (
        request.run !== "B" ||
        request.method !== "POST" ||
        !["/s/", "/e/", "/i/v0/e/"].includes(request.path)
      )
        continue;
      const body = capturedBody(request);
      if (!body) continue;
      const query = new URLSearchParams(request.query as Record<string, string>).toString();
      const res = await fetch(`${server.url}${request.path}?${query}`, {
        method: "POST",
        headers: { "content-type": request.content_type ?? "text/plain" },
        body: new Uint8Array(body),
      });
      expect(res.status).toBe(200);
    }
    const list = await api<{ recordings: { id: string; source: string }[] }>(server, "/api/recordings");
    sessionId = list.body.recordings.find((r) => r.id !== capturedId)?.id ?? null;
    expect(sessionId).not.toBeNull();
    const id = sessionId as string;

    const fresh = { REPLAY_DEVKIT_DATA: join(dir.path, "fresh"), REPLAY_DEVKIT_TOKEN: TOKEN };
    const pulled = await runCli(["pull", id, "--from", server.url], { env: fresh });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toContain(`pulled ${id}: `);
    const serverExport = await serverPosthogExport(server, id);
    const freshExports = await rawExports(fresh, id);
    expect(freshExports[0]).toBe(serverExport);

    const again = await runCli(["pull", id, "--from", server.url], { env: fresh });
    expect(again.stderr).toContain(`pulled ${id}: already stored (0 new events`);
    const back = await runCli(["push", id, "--to", server.url], { env: fresh });
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toContain(`${id}: up to date`);
    expect(await serverPosthogExport(server, id)).toBe(serverExport);
    expect(await rawExports(fresh, id)).toEqual(freshExports);
  });

  it("serve --batch-export writes each complete recording as a scrubbed bundle with an index line", async () => {
    const out = join(dir.path, "scheduled");
    const env = { ...storage.env, REPLAY_DEVKIT_TOKEN: TOKEN };
    const exporter = await startListening(
      "serve",
      [
        "--port",
        String(await freePort()),
        ...storage.args,
        "--batch-export",
        out,
        "--every",
        "1h",
        "--idle",
        "0",
      ],
      { env },
    );
    try {
      const deadline = Date.now() + 60_000;
      while (!/batch export to .*: \d+ written/.test(exporter.stderr()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(exporter.stderr()).toMatch(/batch export to .*: [1-9]\d* written/);
      const index = readFileSync(join(out, "index.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { id: string; format: string });
      expect(index.map((l) => l.id)).toContain(capturedId);
      expect(index.every((l) => l.format === "bundle")).toBe(true);
    } finally {
      await exporter.stop();
    }
  });

  it("push --all copies what is missing; an unknown id is exit 3 from pull", async () => {
    const env = { ...laptop, REPLAY_DEVKIT_TOKEN: TOKEN };
    const all = await runCli(["push", "--all", "--to", server.url], { env });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toContain(`${capturedId}: up to date`);
    expectOneLine(
      await runCli(["pull", "no-such-recording", "--from", server.url], { env }),
      "REPLAY_DEVKIT_NOT_FOUND",
      3,
    );
    expectOneLine(
      await runCli(["push", capturedId, "--to", "http://127.0.0.1:9"], { env }),
      "REPLAY_DEVKIT_REMOTE",
      8,
    );
  });
});
