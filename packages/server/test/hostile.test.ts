import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedBody, capturedRequests, capturedRrwebEvents } from "@replay-devkit/test-utils";
import { POSTHOG_JS_DIST, raw, startServer, type RawResponse, type TestServer } from "./helpers.js";

// Every bad input gets a 4xx JSON reason, the server keeps serving, and the recording stored
// before the attack exports byte for byte the same afterwards.

const SESSION = capturedRrwebEvents("A")[0]!.session_id;
const EXPORTS = ["posthog", "rrweb", "har", "bundle"].flatMap((f) => [
  `format=${f}`,
  `format=${f}&scrub=false`,
]);
const MAX_BODY = 1024 * 1024;
const MAX_DECOMPRESSED = 4 * 1024 * 1024;

let server: TestServer;
const baseline = new Map<string, Buffer>();
const firstSnapshotBody = capturedBody(
  capturedRequests().find((r) => r.run === "A" && r.kind === "recording")!,
)!;

function expectRefused(res: RawResponse, status: number | number[], code?: string): void {
  const statuses = Array.isArray(status) ? status : [status];
  expect(statuses, `status ${res.status}: ${res.text.slice(0, 200)}`).toContain(res.status);
  expect(res.headers["content-type"]).toContain("application/json");
  const body = res.json<{ error: { code: string; message: string } }>();
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(10);
  if (code) expect(body.error.code).toBe(code);
}

beforeAll(async () => {
  server = await startServer({
    staticDirs: { posthogJs: POSTHOG_JS_DIST, inspector: makeInspectorDir() },
    limits: {
      maxBodyBytes: MAX_BODY,
      maxDecompressedBytes: MAX_DECOMPRESSED,
      maxImportBytes: MAX_BODY,
      maxImportDecompressedBytes: MAX_DECOMPRESSED,
    },
  });
  for (const r of capturedRequests().filter((x) => x.run === "A" && x.body_file)) {
    const res = await raw(server, "POST", r.path, {
      headers: { "content-type": "text/plain" },
      body: capturedBody(r)!,
    });
    expect(res.status).toBe(200);
  }
  for (const query of EXPORTS) {
    const res = await raw(server, "GET", `/api/recordings/${SESSION}/export?${query}`);
    expect(res.status).toBe(200);
    baseline.set(query, res.body);
  }
});

afterAll(async () => {
  for (const query of EXPORTS) {
    const res = await raw(server, "GET", `/api/recordings/${SESSION}/export?${query}`);
    expect(res.body.equals(baseline.get(query)!), `export ${query} changed`).toBe(true);
  }
  const health = await raw(server, "GET", "/health");
  expect(health.status).toBe(200);
  await server.close();
});

function makeInspectorDir(): string {
  const dir = join(capturedTemp(), "inspector-out");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), "<h1>inspector</h1>");
  return dir;
}
function capturedTemp(): string {
  const dir = join(process.env.TMPDIR ?? "/tmp", `hostile-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe("broken compression", () => {
  it("refuses a truncated gzip body", async () => {
    const truncated = firstSnapshotBody.subarray(0, Math.floor(firstSnapshotBody.length / 2));
    expectRefused(
      await raw(server, "POST", "/s/", { headers: { "content-type": "text/plain" }, body: truncated }),
      400,
      "INVALID_BODY",
    );
  });

  it("refuses a gzip body cut one byte short of its trailer", async () => {
    const cut = firstSnapshotBody.subarray(0, firstSnapshotBody.length - 1);
    expectRefused(await raw(server, "POST", "/s/", { body: cut }), 400, "INVALID_BODY");
  });

  it("refuses a corrupt gzip body", async () => {
    const corrupt = Buffer.from(firstSnapshotBody);
    for (let i = 20; i < corrupt.length - 10; i += 7) corrupt[i] = corrupt[i]! ^ 0xa5;
    expectRefused(await raw(server, "POST", "/s/", { body: corrupt }), 400, "INVALID_BODY");
  });

  it("refuses a gzip bomb with 413 before inflating it", async () => {
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(MAX_BODY);
    for (const path of ["/s/", "/e/", "/api/import", "/api/rrweb/bomb"]) {
      expectRefused(await raw(server, "POST", path, { body: bomb }), 413, "PAYLOAD_TOO_LARGE");
    }
    expectRefused(
      await raw(server, "POST", "/api/import", { headers: { "content-encoding": "gzip" }, body: bomb }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
  });

  it("refuses encodings it does not speak", async () => {
    expectRefused(
      await raw(server, "POST", "/s/", { headers: { "content-encoding": "br" }, body: "x" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });
});

describe("wrong shapes", () => {
  const cases: [string, string, unknown][] = [
    ["/e/", "a batch that is a string", { api_key: "phc", batch: "nope" }],
    ["/e/", "null", null],
    ["/e/", "a number", 42],
    ["/e/", "an event without a name", [{ properties: {} }]],
    [
      "/s/",
      "a numeric session id",
      [{ event: "$snapshot", properties: { $session_id: 5, $snapshot_data: [] } }],
    ],
    [
      "/s/",
      "snapshot data that is a string",
      [{ event: "$snapshot", properties: { $session_id: "s", $snapshot_data: "x" } }],
    ],
    [
      "/s/",
      "an rrweb event without a timestamp",
      [
        {
          event: "$snapshot",
          properties: {
            $session_id: "s",
            $window_id: "w",
            $snapshot_data: [{ type: 3, data: { source: 2 } }],
          },
        },
      ],
    ],
    [
      "/s/",
      "an unknown packed version",
      [
        {
          event: "$snapshot",
          properties: {
            $session_id: "s",
            $snapshot_data: [{ type: 2, cv: "2099-01", data: "x", timestamp: 1 }],
          },
        },
      ],
    ],
    [
      "/s/",
      "a hostile session id",
      [
        {
          event: "$snapshot",
          properties: {
            $session_id: "../../etc/passwd",
            $snapshot_data: [{ type: 4, data: { href: "x" }, timestamp: 1 }],
          },
        },
      ],
    ],
    ["/api/rrweb/s1", "an object without events", { hello: 1 }],
    ["/api/rrweb/s1", "events of the wrong type", [{ type: "3", timestamp: 1, data: {} }]],
    ["/api/rrweb", "a body without a session id", { events: [{ type: 4, timestamp: 1, data: {} }] }],
    ["/api/import", "a JSON file of no known format", { hello: "world" }],
  ];
  it.each(cases)("POST %s with %s gets a 4xx reason", async (path, _what, value) => {
    const res = await raw(server, "POST", path, {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(value),
    });
    expectRefused(res, [400, 415, 422]);
  });

  it("survives JSON nested 100,000 levels deep", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expectRefused(await raw(server, "POST", "/s/", { body: deep }), [400, 413]);
    expectRefused(await raw(server, "POST", "/api/rrweb/deep", { body: deep }), [400, 413]);
    // Deep nesting inside an otherwise valid event must not reach JSON.stringify in the store.
    const deepEvent = `[{"type":5,"timestamp":1,"data":{"tag":"x","payload":${"[".repeat(50_000)}${"]".repeat(50_000)}}}]`;
    expectRefused(await raw(server, "POST", "/api/rrweb/deep", { body: deepEvent }), [400, 413]);
    const snapshot = (data: string) =>
      `[{"event":"$snapshot","properties":{"$session_id":"deep","$window_id":"w","$snapshot_data":[{"type":5,"timestamp":1,"data":{"tag":"x","payload":${data}}}]}}]`;
    expectRefused(
      await raw(server, "POST", "/s/", { body: snapshot(`${"[".repeat(50_000)}${"]".repeat(50_000)}`) }),
      [400, 413],
    );
  });

  it("refuses empty bodies", async () => {
    for (const path of ["/s/", "/e/", "/api/import", "/api/rrweb/x"])
      expectRefused(await raw(server, "POST", path, { body: "" }), 400);
  });

  it("refuses random bytes on every ingest route", async () => {
    for (let i = 0; i < 10; i++) {
      const noise = randomBytes(1 + Math.floor(Math.random() * 4096));
      for (const path of ["/s/", "/e/", "/i/v0/e/", "/batch/", "/api/import", "/api/rrweb/noise"]) {
        expectRefused(await raw(server, "POST", path, { body: noise }), [400, 413, 415, 422]);
      }
    }
    // Random bytes that happen to start like gzip.
    const fakeGzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), randomBytes(2000)]);
    expectRefused(await raw(server, "POST", "/s/", { body: fakeGzip }), 400);
  });
});

describe("oversized bodies", () => {
  it("refuses a body over the limit with 413 and keeps serving", async () => {
    const big = randomBytes(MAX_BODY + 1);
    expectRefused(await raw(server, "POST", "/s/", { body: big }), 413, "PAYLOAD_TOO_LARGE");
    expectRefused(await raw(server, "POST", "/api/import", { body: big }), 413, "PAYLOAD_TOO_LARGE");
    expect((await raw(server, "GET", "/health")).status).toBe(200);
  });

  it("refuses an announced length over the limit without reading the body", async () => {
    const res = await raw(server, "POST", "/s/", {
      headers: { "content-length": String(MAX_BODY * 100) },
      body: "tiny",
    }).catch((error: unknown) => error);
    // The server answers 413 at once; a client still sending may see the connection close instead.
    if (!(res instanceof Error)) expectRefused(res as RawResponse, 413, "PAYLOAD_TOO_LARGE");
    expect((await raw(server, "GET", "/health")).status).toBe(200);
  });
});

describe("paths", () => {
  const traversals = [
    "/static/../package.json",
    "/static/%2e%2e/package.json",
    "/static/%2e%2e%2fpackage.json",
    "/static/1.449.2/..%2f..%2fpackage.json",
    "/static/..%5c..%5cpackage.json",
    "/static/array.js%00.txt",
    "/static/%00",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "//etc/passwd",
    "/index.html/../../../etc/passwd",
    "/.env",
    "/%2e%65nv",
    "/C:%5cWindows%5cwin.ini",
  ];
  it.each(traversals)("never serves a file outside the static roots for %s", async (path) => {
    const res = await raw(server, "GET", path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toContain("root:");
    expect(res.text).not.toContain('"name": "posthog-js"');
  });

  it("refuses malformed percent-encoding", async () => {
    expectRefused(await raw(server, "GET", "/api/recordings/%E0%A4%A"), 400, "INVALID_PATH");
  });

  it("refuses a request target that is not a path", async () => {
    expectRefused(await raw(server, "GET", "*"), 400, "INVALID_PATH");
  });

  it("refuses a config.js token that could inject script", async () => {
    expectRefused(await raw(server, "GET", "/array/%3C%2Fscript%3E/config.js"), 400, "INVALID_PATH");
  });
});

describe("methods, routes and queries", () => {
  it.each([
    ["GET", "/s/", "POST"],
    ["PUT", "/e/", "POST"],
    ["POST", "/health", "GET"],
    ["PATCH", "/api/recordings/x", "GET"],
    ["POST", "/api/recordings", "GET"],
  ])("%s %s is 405 with an Allow header", async (method, path, allow) => {
    const res = await raw(server, method, path, { body: "{}" });
    expectRefused(res, 405, "METHOD_NOT_ALLOWED");
    expect(res.headers.allow).toContain(allow);
  });

  it("answers unknown routes with a JSON 404", async () => {
    expectRefused(await raw(server, "POST", "/nope"), 404, "NOT_FOUND");
    expectRefused(
      await raw(server, "GET", "/api/nope", { headers: { accept: "text/html" } }),
      404,
      "NOT_FOUND",
    );
    expectRefused(await raw(server, "GET", "/api/recordings/nope"), 404, "NOT_FOUND");
    expectRefused(await raw(server, "DELETE", "/api/recordings/nope"), 404, "NOT_FOUND");
    expectRefused(
      await raw(server, "GET", `/api/recordings/${SESSION}/export?window=nope`),
      404,
      "NOT_FOUND",
    );
  });

  it.each([
    "/api/recordings?limit=abc",
    "/api/recordings?limit=0",
    "/api/recordings?hasErrors=maybe",
    "/api/recordings?from=yesterday",
    "/api/recordings?sort=random",
    "/api/recordings?minDurationMs=-5",
    `/api/recordings/${SESSION}/events?after=zz`,
    `/api/recordings/${SESSION}/events?limit=100000`,
    `/api/recordings/${SESSION}/export?format=pdf`,
    `/api/recordings/${SESSION}/export?scrub=perhaps`,
    `/api/recordings/${SESSION}/logs?limit=0`,
    `/api/recordings/${SESSION}/logs?limit=5001`,
    `/api/recordings/${SESSION}/logs?limit=1e3`,
    `/api/recordings/${SESSION}/logs?margin=-1`,
    `/api/recordings/${SESSION}/logs?margin=600001`,
    `/api/recordings/${SESSION}/logs?margin=${"9".repeat(400)}`,
    `/api/recordings/${SESSION}/logs?after=zz`,
    `/api/recordings/${SESSION}/logs?after=1:`,
    `/api/recordings/${SESSION}/logs?after=${"1".repeat(40)}:1`,
    `/api/recordings/${SESSION}/logs?after=1%3A2%00`,
  ])("refuses the bad query %s", async (path) => {
    expectRefused(await raw(server, "GET", path), 400, "INVALID_QUERY");
  });
});

describe("the capture doctor under hostile traffic", () => {
  it("stays bounded while every request claims a new browser, and keeps answering", async () => {
    // Under node:http's 16 KiB header cap, far over what the doctor keeps.
    const huge = "x".repeat(7_000);
    for (let i = 0; i < 120; i++) {
      const res = await raw(server, "GET", "/array/phc_x/config.js", {
        headers: {
          "user-agent": `${huge} HeadlessChrome/${i}`,
          origin: i % 2 === 0 ? `http://localhost:${1000 + i}` : "javascript:alert(1)",
          referer: "not a url at all",
          "sec-ch-ua": huge,
        },
      });
      expect(res.status).toBe(200);
    }
    const res = await raw(server, "GET", "/api/doctor");
    expect(res.status).toBe(200);
    const report = res.json<{
      clients: { origin: string | null; userAgent: string | null; findings: { code: string }[] }[];
      evictedClients: number;
    }>();
    expect(report.clients.length).toBeLessThanOrEqual(50);
    expect(report.evictedClients).toBeGreaterThan(0);
    // 50 clients with clipped user agents: the report cannot grow with what attackers send.
    expect(res.body.length).toBeLessThan(50 * 5_000);
    for (const client of report.clients) {
      expect(client.userAgent!.length).toBeLessThanOrEqual(301);
      expect(client.origin === null || client.origin.startsWith("http://localhost:")).toBe(true);
      expect(client.findings.map((f) => f.code)).toContain("BOT_USER_AGENT");
    }
  });
});
