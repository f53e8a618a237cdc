// GET /api/doctor and the onDiagnostic hook, fed by the bodies the real posthog-js 1.449.2 sent.
import { afterEach, describe, expect, it } from "vitest";
import { capturedBody, capturedRequests, type CapturedRequest } from "@replay-devkit/test-utils";
import type { DoctorReport } from "@replay-devkit/api";
import type { Diagnostic } from "../src/index.js";
import { getJson, raw, startServer, type TestServer } from "./helpers.js";

const HEADLESS_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const server = await startServer(options);
  servers.push(server);
  return server;
}

/** Replays run A as the browser sent it (config, flags and every upload), optionally as another page/browser. */
async function replayRunA(server: TestServer, override: Record<string, string> = {}): Promise<void> {
  const requests = capturedRequests().filter((r: CapturedRequest) => r.run === "A");
  expect(requests.length).toBeGreaterThan(10);
  for (const r of requests) {
    const headers: Record<string, string> = {};
    for (const name of ["origin", "referer", "user-agent", "content-type"]) {
      const value = r.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    Object.assign(headers, override);
    const query = new URLSearchParams(r.query).toString();
    const body = capturedBody(r);
    const res = await raw(server, r.method, `${r.path}${query ? `?${query}` : ""}`, {
      headers,
      ...(body ? { body } : {}),
    });
    expect(res.status, `${r.method} ${r.path}: ${res.text.slice(0, 200)}`).toBe(200);
  }
}

const findingCodes = (report: DoctorReport) => report.clients.flatMap((c) => c.findings.map((f) => f.code));

describe("GET /api/doctor", () => {
  it("is empty before any SDK talked to the server, and ignores the JSON API's own callers", async () => {
    const server = await start();
    await getJson(server, "/api/recordings");
    const report = await getJson<DoctorReport>(server, "/api/doctor");
    expect(report.clients).toEqual([]);
    expect(report.summary).toEqual({ clients: 0, errors: 0, warnings: 0 });
    expect(Date.parse(report.generatedAt)).toBeGreaterThan(0);
  });

  it("gives the real posthog-js session a clean bill: recording, SDK version, no errors", async () => {
    const server = await start();
    await replayRunA(server);
    const report = await getJson<DoctorReport>(server, "/api/doctor");
    expect(report.clients).toHaveLength(1);
    const client = report.clients[0]!;
    expect(client.origin).toMatch(/^http:\/\/app\.harness\.test:\d+$/);
    expect(client.browser).toBe("Chrome 156");
    expect(client.sdkVersion).toBe("1.449.2");
    expect(client.label).toBe(`${client.origin} (Chrome 156, posthog-js 1.449.2)`);
    expect(client.requests.config).toBe(2);
    expect(client.requests.flags).toBe(2);
    expect(client.recordedSessions).toBe(1);
    expect(client.pageHosts).toContain("app.harness.test");
    const ok = client.findings.find((f) => f.code === "RECORDING_OK");
    expect(ok?.severity).toBe("ok");
    expect(ok?.message).toMatch(/^recording: 1 session, last upload \d+s ago$/);
    expect(client.findings.filter((f) => f.severity === "error" || f.severity === "warning")).toEqual([]);
    expect(report.summary.errors).toBe(0);
  });

  it("names a localhost page and a headless browser, and hands each finding to onDiagnostic once", async () => {
    const seen: Diagnostic[] = [];
    const server = await start({ onDiagnostic: (d) => seen.push(d) });
    const page = { origin: "http://localhost:3000", referer: "http://localhost:3000/" };
    await replayRunA(server, { ...page, "user-agent": HEADLESS_UA });
    await replayRunA(server, { ...page, "user-agent": HEADLESS_UA });
    const report = await getJson<DoctorReport>(server, "/api/doctor");
    expect(report.clients).toHaveLength(1);
    expect(findingCodes(report)).toEqual(expect.arrayContaining(["BOT_USER_AGENT", "LOCALHOST_NO_NETWORK"]));
    expect(report.summary.errors).toBeGreaterThanOrEqual(1);
    const codes = seen.map((d) => d.finding.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(expect.arrayContaining(["BOT_USER_AGENT", "LOCALHOST_NO_NETWORK", "SDK_VERSION"]));
    const local = seen.find((d) => d.finding.code === "LOCALHOST_NO_NETWORK")!;
    expect(local.client.origin).toBe("http://localhost:3000");
    expect(local.finding.fix).toContain("http://app.localhost:3000");
  });

  it("reports a recorder script the devkit cannot serve, retries and refused uploads", async () => {
    const server = await start(); // no posthog-js dist configured: /static/* is 404
    const headers = { origin: "http://app.test:5173", "user-agent": "Mozilla/5.0 Chrome/142.0.0.0" };
    expect((await raw(server, "GET", "/static/1.449.2/lazy-recorder.js", { headers })).status).toBe(404);
    const good = JSON.stringify({
      api_key: "phc_x",
      batch: [{ event: "$pageview", properties: { $session_id: "s" } }],
    });
    expect(
      (
        await raw(server, "POST", "/i/v0/e/?retry_count=2", {
          headers: { ...headers, "content-type": "text/plain" },
          body: good,
        })
      ).status,
    ).toBe(200);
    expect((await raw(server, "POST", "/s/", { headers, body: "{not json" })).status).toBe(400);
    const report = await getJson<DoctorReport>(server, "/api/doctor");
    const findings = new Map(report.clients[0]!.findings.map((f) => [f.code, f]));
    expect(findings.get("RECORDER_SCRIPT_MISSING")?.severity).toBe("error");
    expect(findings.get("RECORDER_SCRIPT_MISSING")?.message).toContain(
      "/static/lazy-recorder.js (posthog-js 1.449.2)",
    );
    expect(findings.get("UPLOAD_RETRIES")?.message).toMatch(/up to 2/);
    expect(findings.get("UPLOADS_REJECTED")?.message).toMatch(/^1 upload\(s\) were refused.*400/);
  });

  it("tells an old SDK generation from its /decide/ call", async () => {
    const server = await start();
    const res = await raw(server, "POST", "/decide/?v=3&ip=1&ver=1.180.0&compression=base64", {
      headers: { origin: "http://shop.test", "content-type": "application/x-www-form-urlencoded" },
      body: `data=${encodeURIComponent(Buffer.from('{"token":"phc_x"}').toString("base64"))}`,
    });
    expect(res.status).toBe(200);
    const client = (await getJson<DoctorReport>(server, "/api/doctor")).clients[0]!;
    expect(client.sdkVersion).toBe("1.180.0");
    expect(client.findings.find((f) => f.code === "LEGACY_SDK")?.message).toContain("/decide/");
  });

  it("is private: foreign origins and Host names are refused like the rest of /api", async () => {
    const server = await start();
    const foreign = await raw(server, "GET", "/api/doctor", { headers: { origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    expect(foreign.json<{ error: { code: string } }>().error.code).toBe("FORBIDDEN_ORIGIN");
    const rebound = await raw(server, "GET", "/api/doctor", {
      headers: { host: `attacker.example:${server.port}` },
    });
    expect(rebound.json<{ error: { code: string } }>().error.code).toBe("FORBIDDEN_HOST");
  });

  it("refuses bad doctor options with a typed error", async () => {
    await expect(start({ doctor: { maxClients: 0 } })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
  });
});
