import { join } from "node:path";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertBuilt,
  freePort,
  importCapturedSession,
  runCli,
  startDev,
  type DevProcess,
} from "./helpers.js";

// The server's timeline and profile routes against the CLI's `--format json` / `--json`, on the
// session the real posthog-js 1.449.2 recorded (run A of the shared captures): both must print the
// same bytes for the same options, because both call @replay-devkit/analysis. The server renders
// them in its export worker (the CLI bundle's dist/export-worker.js), the CLI in its own process.
assertBuilt();

describe("GET /api/recordings/:id/timeline and /profile equal the CLI's JSON", () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let id: string;
  let dev: DevProcess;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-cli-analysis-api-");
    env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    ({ id } = await importCapturedSession(dir.path, env));
    dev = await startDev(["--port", String(await freePort())], { env });
  });

  afterAll(async () => {
    await dev?.stop();
    dir?.cleanup();
  });

  const api = async (path: string) => {
    const res = await fetch(`${dev.url}/api/recordings/${encodeURIComponent(id)}/${path}`);
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  };
  const cli = async (args: string[]) => {
    const res = await runCli(args, { env });
    expect(res.code, res.stderr).toBe(0);
    return res.stdout;
  };

  it.each([
    ["defaults", "", []],
    ["an error anchor", "?around=error&window=5s", ["--around", "error", "--window", "5s"]],
    [
      "a request anchor with bodies",
      "?around=request%3A%2Fapi%2Fitems&window=500ms&bodies=true&bodyLimit=20",
      ["--around", "request:/api/items", "--window", "500ms", "--bodies", "--body-limit", "20"],
    ],
    [
      "a time anchor, unscrubbed",
      "?around=00%3A05&window=1s&scrub=false",
      ["--around", "00:05", "--window", "1s", "--no-scrub"],
    ],
  ])("timeline with %s", async (_name, query, flags) => {
    const fromApi = await api(`timeline${query}`);
    expect(fromApi.status, fromApi.body).toBe(200);
    expect(fromApi.type).toMatch(/^application\/json/);
    const fromCli = await cli(["timeline", id, ...flags, "--format", "json"]);
    expect(fromApi.body).toBe(fromCli);
    const doc = JSON.parse(fromApi.body) as { format: string; entries: unknown[]; scrubbed: boolean };
    expect(doc.format).toBe("replay-devkit-timeline");
    expect(doc.entries.length).toBeGreaterThan(0);
    expect(doc.scrubbed).toBe(!query.includes("scrub=false"));
  });

  it("profile", async () => {
    const fromApi = await api("profile");
    expect(fromApi.status, fromApi.body).toBe(200);
    const fromCli = await cli(["profile", id, "--json"]);
    expect(fromApi.body).toBe(fromCli);
    expect(JSON.parse(fromApi.body)).toMatchObject({ format: "replay-devkit-profile", sessionId: id });
  });

  it("answers bad queries with errors that name the query parameter, not a CLI flag", async () => {
    const cases: [string, number, string, string][] = [
      ["?around=somewhere", 400, "INVALID_QUERY", "Query parameter around:"],
      [
        "?window=soon",
        400,
        "INVALID_QUERY",
        'window must be a duration such as 5s, 500ms or 2m (up to 24h); got "soon"',
      ],
      ["?bodyLimit=0", 400, "INVALID_QUERY", "Query parameter bodyLimit:"],
      ["?around=click%3A%23nope", 422, "UNPROCESSABLE", "matches nothing"],
      ["?windowId=no-tab", 404, "NOT_FOUND", 'window "no-tab" is not in this recording'],
    ];
    for (const [query, status, code, message] of cases) {
      const res = await api(`timeline${query}`);
      expect(res.status, `${query}: ${res.body}`).toBe(status);
      const { error } = JSON.parse(res.body) as { error: { code: string; message: string } };
      expect(error.code, query).toBe(code);
      expect(error.message, query).toContain(message);
      expect(error.message, query).not.toMatch(/--[a-z]/);
    }
    const missing = await fetch(`${dev.url}/api/recordings/no-such-id/timeline`);
    expect(missing.status).toBe(404);
  });
});
