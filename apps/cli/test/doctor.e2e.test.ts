import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedBody, capturedRequests, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { freePort, runCli, startDev, type DevProcess, assertBuilt } from "./helpers.js";

// `dev` prints the capture doctor's findings as they appear; `doctor` asks the running devkit for
// the checklist. Fed with the bodies the real posthog-js 1.449.2 sent, as a headless browser on a
// localhost page would send them.
assertBuilt();

const HEADLESS_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";

/** node:http, because fetch will not let a caller set Origin the way a browser does. */
function send(url: string, method: string, path: string, headers: Record<string, string>, body?: Buffer) {
  return new Promise<number>((resolve, reject) => {
    const target = new URL(path, url);
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function replayRunA(url: string, headers: Record<string, string>): Promise<void> {
  for (const r of capturedRequests().filter((x) => x.run === "A")) {
    const query = new URLSearchParams(r.query).toString();
    const body = capturedBody(r) ?? undefined;
    const status = await send(
      url,
      r.method,
      `${r.path}${query ? `?${query}` : ""}`,
      {
        ...(r.content_type ? { "content-type": r.content_type } : {}),
        ...headers,
      },
      body,
    );
    expect(status, `${r.method} ${r.path}`).toBe(200);
  }
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("capture doctor (built CLI)", () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let dev: DevProcess;
  let port: string;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-cli-doctor-");
    env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    dev = await startDev(["--port", String(await freePort())], { env });
    port = new URL(dev.url).port;
  });

  afterAll(async () => {
    await dev?.stop();
    dir?.cleanup();
  });

  it("says nothing talked to the devkit yet, and exits 0", async () => {
    const res = await runCli(["doctor", "--port", port], { env });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`No app has talked to the devkit at ${dev.url} yet`);
  });

  it("prints each finding once from dev, and doctor lists them and exits 6 on errors", async () => {
    const page = {
      origin: "http://localhost:3000",
      referer: "http://localhost:3000/",
      "user-agent": HEADLESS_UA,
    };
    await replayRunA(dev.url, page);
    await replayRunA(dev.url, page);
    await waitFor("the doctor lines on dev's stderr", () =>
      /doctor: .*network capture is skipped/.test(dev.stderr()),
    );
    const lines = dev
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("doctor: "));
    const bot = lines.filter((l) => l.includes("looks like a bot"));
    expect(bot).toHaveLength(1);
    expect(bot[0]).toMatch(
      /^doctor: http:\/\/localhost:3000 \(HeadlessChrome 156(, posthog-js 1\.449\.2)?\): the user agent looks like a bot .* — .*opt_out_useragent_filter/,
    );
    const local = lines.filter((l) => l.includes("network capture is skipped on localhost"));
    expect(local).toHaveLength(1);
    expect(local[0]).toContain("open the app as http://app.localhost:3000");

    const text = await runCli(["doctor", "--port", port], { env });
    expect(text.code).toBe(6);
    expect(text.stdout).toContain("http://localhost:3000 (HeadlessChrome 156, posthog-js 1.449.2)");
    expect(text.stdout).toMatch(/✗ error +the user agent looks like a bot .*\[BOT_USER_AGENT\]/);
    expect(text.stdout).toMatch(
      /! warning +network capture is skipped on localhost.*\[LOCALHOST_NO_NETWORK\]/,
    );
    expect(text.stdout).toMatch(/fix: .*app\.localhost:3000/);
    expect(text.stdout).toMatch(/1 client, [1-9]\d* errors?, /);

    const json = await runCli(["doctor", "--port", port, "--json"], { env });
    expect(json.code).toBe(6);
    const report = JSON.parse(json.stdout) as {
      clients: { origin: string; findings: { code: string; severity: string }[] }[];
      summary: { errors: number };
    };
    expect(report.clients).toHaveLength(1);
    expect(report.clients[0]!.origin).toBe("http://localhost:3000");
    expect(report.clients[0]!.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(["BOT_USER_AGENT", "LOCALHOST_NO_NETWORK"]),
    );
    expect(report.summary.errors).toBeGreaterThan(0);
  });

  it("fails with a typed error when no devkit runs on the port", async () => {
    const res = await runCli(["doctor", "--port", String(await freePort())], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^replay-devkit: no replay-devkit is running at http:\/\/127\.0\.0\.1:\d+ .*\[REPLAY_DEVKIT_IO\]\n$/,
    );
    const bad = await runCli(["doctor", "--port", "nope"], { env });
    expect(bad.code).toBe(2);
  });
});
