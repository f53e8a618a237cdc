// The real posthog-js 1.449.2 in Chromium records into two `replay-devkit serve` processes that
// share one PostgreSQL database and S3 bucket (a private cluster and s3rver), with a token, behind a round-robin proxy that alternates every request between
// them (a load balancer without stickiness). Every check then reads through process B's API alone,
// and the list and metadata JSON of A and B must be identical field for field.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@replay-devkit/test-utils";
import { DevkitApi } from "../../../packages/server/test/e2e/api.js";
import { LATEST_SDK, POSTHOG_JS_VERSION } from "../../../packages/server/test/e2e/app-server.js";
import {
  checkEvents,
  checkExports,
  checkPosthogEvents,
  checkRecording,
  waitForWholeSession,
} from "../../../packages/server/test/e2e/checks.js";
import {
  launchE2eBrowser,
  recordSession,
  type E2eDevkitFactory,
} from "../../../packages/server/test/e2e/session.js";
import { assertBuilt, freePort, startListening, type DevProcess } from "./helpers.js";
import { teamStorage, type TeamStorage } from "./team-storage.js";

assertBuilt();

const TOKEN = "team-e2e-token-0123456789abcdef";
type Browser = Awaited<ReturnType<typeof launchE2eBrowser>>;

/** Forwards request i to backend i mod n, bodies streamed both ways; counts what each got. */
async function roundRobin(
  backends: readonly string[],
): Promise<{ url: string; hits: number[]; close(): Promise<void> }> {
  const hits = backends.map(() => 0);
  let next = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const index = next++ % backends.length;
    hits[index] = (hits[index] ?? 0) + 1;
    const target = new URL(req.url ?? "/", backends[index]);
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("real posthog-js against two serve processes with a token", () => {
  let browser: Browser | undefined;
  const dir = tempDir("replay-devkit-team-e2e-");
  const processes: DevProcess[] = [];
  let storage: TeamStorage | undefined;

  beforeAll(async () => {
    browser = await launchE2eBrowser();
    storage = await teamStorage("postgres+s3", dir.path);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const p of processes) await p.stop();
    await storage?.close();
    dir.cleanup();
  });

  it("records a two-page session with uploads alternated between them, checked through the other one", async () => {
    if (!browser) throw new Error("Chromium did not launch");
    if (!storage) throw new Error("no storage");
    const env = { ...storage.env, REPLAY_DEVKIT_TOKEN: TOKEN };
    const args = [...storage.args];
    const a = await startListening("serve", ["--port", String(await freePort()), ...args], { env });
    processes.push(a);
    const b = await startListening("serve", ["--port", String(await freePort()), ...args], { env });
    processes.push(b);
    let hits: number[] = [];

    const twoProcesses: E2eDevkitFactory = async () => {
      const proxy = await roundRobin([a.url, b.url]);
      hits = proxy.hits;
      return { apiHost: proxy.url, api: new DevkitApi(b.url, TOKEN), close: () => proxy.close() };
    };
    await recordSession(
      browser,
      { sdk: LATEST_SDK, variant: "bundle" },
      async ({ api, driven, testStart }) => {
        const recording = await waitForWholeSession(api, driven);
        await checkRecording(api, recording, driven, testStart);
        const windowEvents = await checkEvents(api, driven);
        await checkPosthogEvents(api, driven, POSTHOG_JS_VERSION);
        await checkExports(api, driven, recording, windowEvents);

        // Both processes took uploads, and they describe the recordings identically.
        expect(
          hits.every((n) => n > 0),
          `requests per process: ${hits.join(", ")}`,
        ).toBe(true);
        const viaA = new DevkitApi(a.url, TOKEN);
        expect(await viaA.getJson("/api/recordings")).toEqual(await api.getJson("/api/recordings"));
        const path = `/api/recordings/${encodeURIComponent(recording.id)}`;
        expect(await viaA.getJson(path)).toEqual(await api.getJson(path));
        // Without the token neither process lets anyone read.
        expect((await new DevkitApi(a.url).getJson("/api/recordings")).status).toBe(401);
        expect((await new DevkitApi(b.url).getJson(path)).status).toBe(401);
      },
      twoProcesses,
    );
  }, 180_000);
});
