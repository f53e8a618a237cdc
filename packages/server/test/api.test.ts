import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { packEvent, type RrwebEvent } from "@replay-devkit/codec";
import { openStore } from "@replay-devkit/store";
import { tempDir } from "@replay-devkit/test-utils";
import { createHandler, listen, ServerStartError } from "../src/index.js";
import { POSTHOG_JS_DIST, getJson, raw, startServer, type TestServer } from "./helpers.js";

const servers: TestServer[] = [];
async function start(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function ev(type: number, timestamp: number, data: Record<string, unknown>): RrwebEvent {
  return { type, timestamp, data } as RrwebEvent;
}
const META = ev(4, 1_700_000_000_000, { href: "https://shop.test/", width: 1280, height: 800 });
const CLICK = ev(3, 1_700_000_001_000, { source: 2, type: 2, id: 5, x: 1, y: 2 });
const ERROR = ev(6, 1_700_000_002_000, {
  plugin: "rrweb/console@1",
  payload: { level: "error", trace: [], payload: ['"x"'] },
});

describe("health and CORS", () => {
  it("identifies itself on /health and on every response", async () => {
    const server = await start();
    const res = await raw(server, "GET", "/health");
    expect(res.json()).toEqual({ ok: true, name: "replay-devkit", version: "0.0.0-test", rejectedEvents: 0 });
    expect(res.headers["x-replay-devkit"]).toBe("0.0.0-test");
    expect((await raw(server, "GET", "/api/recordings/none")).headers["x-replay-devkit"]).toBe("0.0.0-test");
  });

  it("echoes the Origin with credentials, and answers preflights", async () => {
    const server = await start();
    const origin = "http://app.replay.test:3000";
    const res = await raw(server, "POST", "/s/", { headers: { origin }, body: "" });
    expect(res.headers["access-control-allow-origin"]).toBe(origin);
    expect(res.headers["access-control-allow-credentials"]).toBe("true");
    const pre = await raw(server, "OPTIONS", "/i/v0/e/", {
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-custom",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe(origin);
    expect(pre.headers["access-control-allow-headers"]).toBe("content-type,x-custom");
    expect(pre.headers["access-control-allow-methods"]).toContain("POST");
    expect((await raw(server, "GET", "/health")).headers["access-control-allow-origin"]).toBe("*");
  });
});

describe("remote config and flags", () => {
  function runConfigJs(source: string, token: string): Record<string, unknown> {
    const window: { _POSTHOG_REMOTE_CONFIG?: Record<string, { config: Record<string, unknown> }> } = {};
    runInNewContext(source, { window });
    return window._POSTHOG_REMOTE_CONFIG![token]!.config;
  }

  it("serves a config.js that turns recording on with console, network and gzip", async () => {
    const server = await start();
    const res = await raw(server, "GET", "/array/phc_test/config.js", {
      headers: { origin: "http://a.test" },
    });
    expect(res.headers["content-type"]).toContain("application/javascript");
    expect(res.headers["access-control-allow-origin"]).toBe("http://a.test");
    const config = runConfigJs(res.text, "phc_test");
    expect(config).toMatchObject({
      token: "phc_test",
      supportedCompression: ["gzip", "gzip-js"],
      analytics: { endpoint: "/i/v0/e/" },
      capturePerformance: { network_timing: true },
      sessionRecording: {
        endpoint: "/s/",
        consoleLogRecordingEnabled: true,
        networkPayloadCapture: { recordHeaders: true, recordBody: true },
        sampleRate: null,
      },
    });
    expect(await getJson(server, "/array/phc_test/config")).toEqual(config);
  });

  it("applies recordingConfig and validates it at startup", async () => {
    const server = await start({
      recordingConfig: {
        sampleRate: 0.25,
        minimumDurationMs: 2000,
        consoleLogs: false,
        linkedFlag: "record-me",
        masking: { maskAllInputs: false },
      },
    });
    const config = await getJson<{ sessionRecording: Record<string, unknown> }>(server, "/array/t/config");
    expect(config.sessionRecording).toMatchObject({
      sampleRate: "0.25",
      minimumDurationMilliseconds: 2000,
      consoleLogRecordingEnabled: false,
      linkedFlag: "record-me",
      masking: { maskAllInputs: false },
    });
    const flags = (await raw(server, "POST", "/flags/?v=2", { body: "{}" })).json<{
      flags: Record<string, { enabled: boolean }>;
    }>();
    expect(flags.flags["record-me"]!.enabled).toBe(true);

    const off = await start({ recordingConfig: { enabled: false } });
    expect((await getJson<{ sessionRecording: unknown }>(off, "/array/t/config")).sessionRecording).toBe(
      false,
    );
    const store = openStore(":memory:");
    expect(() => createHandler({ store, version: "1", recordingConfig: { sampleRate: 2 } })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTIONS" }),
    );
    store.close();
  });

  it("answers /flags v2 without config and legacy /decide and /flags?config=true with it", async () => {
    const server = await start();
    const v2 = (await raw(server, "POST", "/flags/?v=2", { body: gzipSync("{}") })).json<
      Record<string, unknown>
    >();
    expect(v2).toMatchObject({ flags: {}, errorsWhileComputingFlags: false });
    expect(v2.sessionRecording).toBeUndefined();
    for (const path of [
      "/decide/?v=3&ip=1&ver=1.180.0&compression=base64",
      "/flags/?v=2&config=true&ver=1.300.0",
    ]) {
      const legacy = (await raw(server, "POST", path, { body: "data=e30%3D" })).json<
        Record<string, unknown>
      >();
      expect(legacy).toMatchObject({
        featureFlags: {},
        supportedCompression: ["gzip", "gzip-js"],
        sessionRecording: { endpoint: "/s/" },
      });
    }
  });
});

describe("static files", () => {
  it("serves posthog-js scripts at every path form the SDK uses", async () => {
    const server = await start({ staticDirs: { posthogJs: POSTHOG_JS_DIST } });
    const lazy = readFileSync(join(POSTHOG_JS_DIST, "lazy-recorder.js"));
    for (const path of ["/static/1.449.2/lazy-recorder.js", "/static/lazy-recorder.js?v=1.449.2"]) {
      const res = await raw(server, "GET", path, { headers: { origin: "http://a.test" } });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toContain("application/javascript");
      expect(res.headers["access-control-allow-origin"]).toBe("http://a.test");
      expect(res.body.equals(lazy)).toBe(true);
    }
    expect(
      (await raw(server, "GET", "/static/array.js")).body.equals(
        readFileSync(join(POSTHOG_JS_DIST, "array.js")),
      ),
    ).toBe(true);
    const head = await raw(server, "HEAD", "/static/array.js");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await raw(server, "GET", "/static/not-a-script.js")).status).toBe(404);
    expect((await raw(server, "GET", "/static/package.json")).status).toBe(404);
  });

  it("serves the inspector export with .html and index.html fallbacks", async () => {
    const dir = tempDir("inspector-");
    const out = dir.path;
    mkdirSync(join(out, "settings"), { recursive: true });
    mkdirSync(join(out, "_next", "static"), { recursive: true });
    writeFileSync(join(out, "index.html"), "home");
    writeFileSync(join(out, "recording.html"), "recording page");
    writeFileSync(join(out, "settings", "index.html"), "settings page");
    writeFileSync(join(out, "_next", "static", "app-123.js"), "js");
    writeFileSync(join(out, "404.html"), "not found page");
    const server = await start({ staticDirs: { inspector: out } });
    const get = (path: string, accept = "text/html") => raw(server, "GET", path, { headers: { accept } });
    expect((await get("/")).text).toBe("home");
    expect((await get("/recording/?id=abc")).text).toBe("recording page");
    expect((await get("/recording")).text).toBe("recording page");
    expect((await get("/settings/")).text).toBe("settings page");
    const asset = await get("/_next/static/app-123.js", "*/*");
    expect(asset.headers["content-type"]).toContain("javascript");
    expect(asset.headers["cache-control"]).toContain("immutable");
    const missing = await get("/nope");
    expect([missing.status, missing.text]).toEqual([404, "not found page"]);
    expect((await get("/nope", "application/json")).json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    dir.cleanup();
  });
});

describe("ingest paths", () => {
  it("accepts older posthog-js encodings: gzip-js with offsets, base64 form, plain JSON", async () => {
    const server = await start();
    const session = "legacy-session";
    const snapshot = {
      event: "$snapshot",
      offset: 1200,
      properties: {
        $session_id: session,
        $window_id: "w1",
        distinct_id: "d1",
        $snapshot_data: [packEvent(META), CLICK],
      },
    };
    const gz = await raw(server, "POST", "/s/?ip=1&_=1795341970576&ver=1.180.0&compression=gzip-js", {
      headers: { "content-type": "text/plain" },
      body: gzipSync(JSON.stringify([snapshot])),
    });
    expect([gz.status, gz.text]).toEqual([200, '{"status":1}']);
    const pageview = {
      event: "$pageview",
      properties: { $session_id: session, distinct_id: "d1", $current_url: "https://shop.test/" },
      timestamp: new Date(META.timestamp).toISOString(),
    };
    const form = `data=${encodeURIComponent(Buffer.from(JSON.stringify(pageview)).toString("base64"))}`;
    const b64 = await raw(server, "POST", "/e/?compression=base64&ver=1.180.0", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    expect([b64.status, b64.text]).toEqual([200, '{"status":1}']);
    const more = {
      ...snapshot,
      offset: undefined,
      uuid: "u-2",
      properties: { ...snapshot.properties, $snapshot_data: [ERROR] },
    };
    const json = await raw(server, "POST", "/s/?retry_count=2", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(more),
    });
    expect([json.status, json.text]).toEqual([200, '{"status":1}']);
    const rec = await getJson<Record<string, unknown>>(server, `/api/recordings/${session}`);
    expect(rec).toMatchObject({
      eventCount: 3,
      clickCount: 1,
      consoleErrorCount: 1,
      distinctId: "d1",
      firstUrl: "https://shop.test/",
    });
    const exported = JSON.parse(
      (await raw(server, "GET", `/api/recordings/${session}/export?format=rrweb&scrub=false`)).text,
    ) as RrwebEvent[];
    expect(exported).toEqual([META, CLICK, ERROR]);
    expect(
      (await getJson<{ events: unknown[] }>(server, `/api/recordings/${session}/posthog-events`)).events,
    ).toHaveLength(1);
  });

  it("takes plain rrweb events, gzip or not, path or body form, once", async () => {
    const server = await start();
    const post = (path: string, body: unknown, headers: Record<string, string> = {}, gzip = false) =>
      raw(server, "POST", path, {
        headers: { "content-type": "application/json", ...headers },
        body: gzip ? gzipSync(JSON.stringify(body)) : JSON.stringify(body),
      });
    const first = await post("/api/rrweb/plain-1?window=tab-1&distinctId=dev", [META, CLICK]);
    expect(first.json()).toMatchObject({
      status: 1,
      sessionId: "plain-1",
      windowId: "tab-1",
      stored: 2,
      duplicate: false,
    });
    expect((await post("/api/rrweb/plain-1?window=tab-1", [META, CLICK])).json()).toMatchObject({
      duplicate: true,
    });
    await post(
      "/api/rrweb",
      { sessionId: "plain-1", windowId: "tab-2", events: [ERROR] },
      { "content-encoding": "gzip" },
      true,
    );
    await post(
      "/api/rrweb/plain-1?window=tab-2",
      {
        events: [
          packEvent(
            ev(2, 1_700_000_003_000, {
              node: { type: 0, childNodes: [], id: 1 },
              initialOffset: { top: 0, left: 0 },
            }),
          ),
        ],
      },
      {},
      true,
    );
    const rec = await getJson<{
      windowIds: string[];
      eventCount: number;
      source: string;
      distinctId: string;
    }>(server, "/api/recordings/plain-1");
    expect(rec).toMatchObject({
      windowIds: ["tab-1", "tab-2"],
      eventCount: 4,
      source: "rrweb",
      distinctId: "dev",
    });
    const tab2 = JSON.parse(
      (await raw(server, "GET", "/api/recordings/plain-1/export?format=rrweb&window=tab-2&scrub=false")).text,
    ) as RrwebEvent[];
    expect(tab2.map((e) => e.type)).toEqual([6, 2]);
    expect((tab2[1]!.data as { node: { id: number } }).node.id).toBe(1);
    const tab1 = await raw(server, "GET", "/api/recordings/plain-1/export?format=rrweb&scrub=false");
    expect(JSON.parse(tab1.text)).toEqual([META, CLICK]);
  });

  it("writes raw capture bodies to the capture folder in capture mode", async () => {
    const dir = tempDir("capture-mode-");
    const server = await start({ captureDir: dir.path });
    await raw(server, "POST", "/e/?ver=1", { body: "not json" });
    const files = readdirSync(dir.path).sort();
    expect(files.filter((f) => f.endsWith(".bin"))).toHaveLength(1);
    expect(
      readFileSync(
        join(
          dir.path,
          files.find((f) => f.endsWith(".bin"))!,
        ),
        "utf8",
      ),
    ).toBe("not json");
    const meta = JSON.parse(
      readFileSync(
        join(
          dir.path,
          files.find((f) => f.endsWith(".json"))!,
        ),
        "utf8",
      ),
    ) as { path: string; query: string };
    expect(meta).toMatchObject({ path: "/e/", query: "ver=1" });
    dir.cleanup();
  });
});

describe("recordings API", () => {
  async function seeded(): Promise<TestServer> {
    const server = await start();
    const day = Date.UTC(2026, 0, 10);
    const post = (id: string, events: RrwebEvent[], distinct: string) =>
      raw(server, "POST", `/api/rrweb/${id}?distinctId=${distinct}`, { body: JSON.stringify(events) });
    await post(
      "r-old",
      [ev(4, day, { href: "https://shop.test/cart" }), ev(3, day + 60_000, { source: 2, type: 2, id: 1 })],
      "alice",
    );
    await post(
      "r-err",
      [
        ev(4, day + 86_400_000, { href: "https://shop.test/home" }),
        { ...ERROR, timestamp: day + 86_400_000 + 10 },
      ],
      "bob",
    );
    await post("r-new", [ev(4, day + 2 * 86_400_000, { href: "https://blog.test/" })], "alice");
    return server;
  }
  const ids = async (server: TestServer, query: string) =>
    (await getJson<{ recordings: { id: string }[] }>(server, `/api/recordings${query}`)).recordings.map(
      (r) => r.id,
    );

  it("lists newest first with filters and paging", async () => {
    const server = await seeded();
    expect(await ids(server, "")).toEqual(["r-new", "r-err", "r-old"]);
    expect(await ids(server, "?url=shop.test")).toEqual(["r-err", "r-old"]);
    expect(await ids(server, "?distinctId=alice")).toEqual(["r-new", "r-old"]);
    expect(await ids(server, "?hasErrors=true")).toEqual(["r-err"]);
    expect(await ids(server, "?minDurationMs=30000")).toEqual(["r-old"]);
    expect(
      await ids(server, `?from=${new Date(Date.UTC(2026, 0, 11)).toISOString()}&to=2026-01-11T12:00:00Z`),
    ).toEqual(["r-err"]);
    expect(await ids(server, "?sort=oldest&limit=2&offset=1")).toEqual(["r-err", "r-new"]);
    const page = await getJson<{ total: number; limit: number; offset: number }>(
      server,
      "/api/recordings?limit=1",
    );
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 0 });
    const one = await getJson<Record<string, unknown>>(server, "/api/recordings/r-old");
    for (const key of [
      "id",
      "distinctId",
      "startTime",
      "endTime",
      "durationMs",
      "activeMs",
      "clickCount",
      "keypressCount",
      "consoleLogCount",
      "consoleWarnCount",
      "consoleErrorCount",
      "firstUrl",
      "urls",
      "eventCount",
      "sizeBytes",
      "windowIds",
    ]) {
      expect(one).toHaveProperty(key);
    }
    expect(one.startTime).toBe("2026-01-10T00:00:00.000Z");
  });

  it("sorts the whole list by any list column, across pages", async () => {
    const server = await seeded();
    // r-old has the only click, r-err the only console error; equal values list the newest first.
    expect(await ids(server, "?sort=clickCount:desc")).toEqual(["r-old", "r-new", "r-err"]);
    expect(await ids(server, "?sort=clickCount:desc&limit=2&offset=1")).toEqual(["r-new", "r-err"]);
    expect(await ids(server, "?sort=consoleErrorCount:desc&limit=1")).toEqual(["r-err"]);
    expect(await ids(server, "?sort=firstUrl:asc")).toEqual(["r-new", "r-old", "r-err"]);
    expect(await ids(server, "?sort=firstUrl:desc&limit=1&offset=2")).toEqual(["r-new"]);
    expect(await ids(server, "?sort=distinctId:desc")).toEqual(["r-err", "r-new", "r-old"]);
    expect(await ids(server, "?sort=durationMs:desc&limit=1")).toEqual(["r-old"]);
    expect(await ids(server, "?sort=startTime:asc")).toEqual(["r-old", "r-err", "r-new"]);
    for (const sort of ["activeMs:asc", "keypressCount:desc", "sizeBytes:asc", "updatedAt:asc"]) {
      const page = await getJson<{ recordings: unknown[]; total: number }>(
        server,
        `/api/recordings?sort=${sort}`,
      );
      expect(page.total, sort).toBe(3);
    }

    for (const sort of ["clicks", "clickCount:DESC", "clickCount", "newest:asc", "__proto__"]) {
      const res = await raw(server, "GET", `/api/recordings?sort=${encodeURIComponent(sort)}`);
      expect(res.status, sort).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      const { error } = res.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe("INVALID_QUERY");
      expect(error.message).toContain("Query parameter sort must be one of newest, oldest");
      expect(error.message).toContain("clickCount:desc");
    }
  });

  it("deletes a recording", async () => {
    const server = await seeded();
    expect((await raw(server, "DELETE", "/api/recordings/r-old")).json()).toEqual({ deleted: "r-old" });
    expect((await raw(server, "GET", "/api/recordings/r-old")).status).toBe(404);
    expect(await ids(server, "")).toEqual(["r-new", "r-err"]);
  });

  it("round-trips a PostHog export and an rrweb file through /api/import", async () => {
    const server = await seeded();
    const exported = (await raw(server, "GET", "/api/recordings/r-err/export?format=posthog&scrub=false"))
      .body;
    await raw(server, "DELETE", "/api/recordings/r-err");
    const imported = await raw(server, "POST", "/api/import", { body: gzipSync(exported) });
    expect(imported.json()).toMatchObject({ imported: ["r-err"], format: "posthog-export" });
    expect(
      (await raw(server, "GET", "/api/recordings/r-err/export?format=posthog&scrub=false")).body.equals(
        exported,
      ),
    ).toBe(true);

    const rrweb = await raw(server, "POST", "/api/import?sessionId=from-file", {
      body: JSON.stringify([META, CLICK]),
    });
    expect(rrweb.json()).toMatchObject({ imported: ["from-file"], format: "rrweb-json" });
    expect((await getJson<{ eventCount: number }>(server, "/api/recordings/from-file")).eventCount).toBe(2);
    const bundle = (await raw(server, "GET", "/api/recordings/from-file/export?format=bundle&scrub=false"))
      .body;
    await raw(server, "DELETE", "/api/recordings/from-file");
    expect((await raw(server, "POST", "/api/import", { body: bundle })).json()).toMatchObject({
      imported: ["from-file"],
      format: "bundle",
    });
  });

  it("scrubs exports by default and only leaves data raw with scrub=false", async () => {
    const server = await start();
    const email = "jane.doe@example.com";
    const leak = ev(6, 1_700_000_000_500, {
      plugin: "rrweb/console@1",
      payload: { level: "log", trace: [], payload: [JSON.stringify(`user ${email} logged in`)] },
    });
    await raw(server, "POST", "/api/rrweb/leaky", { body: JSON.stringify([META, leak]) });
    for (const format of ["posthog", "rrweb", "har"]) {
      const scrubbed = await raw(server, "GET", `/api/recordings/leaky/export?format=${format}`);
      expect(scrubbed.text, format).not.toContain(email);
    }
    const scrubbed = await raw(server, "GET", "/api/recordings/leaky/export?format=rrweb");
    expect(Number(scrubbed.headers["x-replay-devkit-redactions"])).toBeGreaterThan(0);
    const rawExport = await raw(server, "GET", "/api/recordings/leaky/export?format=rrweb&scrub=false");
    expect(rawExport.text).toContain(email);
    expect(rawExport.headers["x-replay-devkit-redactions"]).toBe("0");
    const report = await getJson<{ totals: { findings: number } }>(server, "/api/recordings/leaky/findings");
    expect(report.totals.findings).toBeGreaterThan(0);
  });

  it("returns a privacy scan report", async () => {
    const server = await seeded();
    const report = await getJson<{ sessionId: string; findings: unknown[] }>(
      server,
      "/api/recordings/r-err/findings",
    );
    expect(report.sessionId).toBe("r-err");
    expect(Array.isArray(report.findings)).toBe(true);
  });
});

describe("server-sent events", () => {
  it("announces created, updated and deleted recordings with keepalives", async () => {
    const server = await start({ keepaliveMs: 50 });
    const received: string[] = [];
    let text = "";
    const req = request(
      { host: "127.0.0.1", port: server.port, path: "/api/stream", agent: false },
      (res) => {
        expect(res.headers["content-type"]).toContain("text/event-stream");
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          received.push(chunk);
        });
      },
    );
    req.end();
    await expect.poll(() => text).toContain("retry:");
    await raw(server, "POST", "/api/rrweb/live-1", { body: JSON.stringify([META]) });
    await raw(server, "POST", "/api/rrweb/live-1", { body: JSON.stringify([CLICK]) });
    await raw(server, "DELETE", "/api/recordings/live-1");
    await expect.poll(() => text, { timeout: 3000 }).toContain("event: deleted");
    await expect.poll(() => text, { timeout: 3000 }).toContain(": keepalive");
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => [
      m[1],
      JSON.parse(m[2]!) as { id: string; recording: { eventCount: number } | null },
    ]);
    expect(events.map(([type]) => type)).toEqual(["created", "updated", "deleted"]);
    expect((events[1]![1] as { recording: { eventCount: number } }).recording.eventCount).toBe(2);
    req.destroy();
  });

  it("announces recordings written by another process on the same file", async () => {
    const server = await start();
    let text = "";
    const req = request(
      { host: "127.0.0.1", port: server.port, path: "/api/stream", agent: false },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
      },
    );
    req.end();
    await expect.poll(() => text).toContain("retry:");
    const cli = openStore(server.dbFile);
    cli.ingestRrweb("from-cli", "w", [META]);
    cli.close();
    await expect.poll(() => text, { timeout: 3000 }).toContain('"id":"from-cli"');
    req.destroy();
  });
});

describe("listen", () => {
  it("binds 127.0.0.1 by default, drains in-flight requests on close, and reports a busy port", async () => {
    const dir = tempDir("listen-");
    const store = openStore(join(dir.path, "db.sqlite"));
    const handler = createHandler({ store, version: "9.9.9", compactIdleMs: null });
    const logs: string[] = [];
    const listening = await listen(handler, { port: 0, handleSignals: false, log: (l) => logs.push(l) });
    expect(listening.host).toBe("127.0.0.1");
    expect(logs).toEqual([]);

    // A request whose body is still arriving when shutdown starts must still be stored and acked.
    const pending = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: listening.port,
          method: "POST",
          path: "/api/rrweb/draining",
          headers: { "content-type": "application/json" },
        },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      const json = JSON.stringify([META, CLICK]);
      req.write(json.slice(0, 10));
      setTimeout(() => req.end(json.slice(10)), 150);
    });
    await new Promise((r) => setTimeout(r, 50));
    const closing = listening.close();
    const result = await pending;
    await closing;
    expect(result.status).toBe(200);
    expect(store.getRecording("draining")?.eventCount).toBe(2);
    await expect(fetch(`${listening.url}/health`)).rejects.toThrow();

    const other = await listen(handler, { port: 0, handleSignals: false });
    await expect(listen(handler, { port: other.port, handleSignals: false })).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof ServerStartError && e.code === "PORT_IN_USE" && e.message.includes(String(other.port)),
    );
    await other.close();

    // Beyond loopback only with a token (test/auth.test.ts covers the token-protected case).
    await expect(
      listen(handler, { port: 0, host: "0.0.0.0", handleSignals: false, log: (l) => logs.push(l) }),
    ).rejects.toSatisfy((e: unknown) => e instanceof ServerStartError && e.code === "TOKEN_REQUIRED");
    store.close();
    expect(existsSync(join(dir.path, "db.sqlite"))).toBe(true);
    dir.cleanup();
  });
});

describe("signals", () => {
  it("on SIGTERM finishes, closes the database cleanly and ends the process with the signal", async () => {
    const { spawn } = await import("node:child_process");
    const { fileURLToPath, pathToFileURL } = await import("node:url");
    const { execFileSync } = await import("node:child_process");
    const { createRequire } = await import("node:module");
    const pkg = fileURLToPath(new URL("..", import.meta.url));
    // The child runs the built package; build it when a plain `vitest run` comes before any build
    // (without tsc's incremental info, which would skip JS it believes is already in a deleted dist).
    if (!existsSync(join(pkg, "dist", "index.js"))) {
      rmSync(join(pkg, ".cache", "tsbuildinfo.build.json"), { force: true });
      execFileSync(process.execPath, [
        createRequire(import.meta.url).resolve("typescript/bin/tsc"),
        "-p",
        join(pkg, "tsconfig.build.json"),
      ]);
    }
    const dir = tempDir("signal-");
    const db = join(dir.path, "db.sqlite");
    const script = join(dir.path, "serve.mjs");
    writeFileSync(
      script,
      `import { createHandler, listen } from ${JSON.stringify(pathToFileURL(join(pkg, "dist/index.js")).href)};
       import { openStore } from ${JSON.stringify(pathToFileURL(join(pkg, "node_modules/@replay-devkit/store/dist/index.js")).href)};
       const store = openStore(${JSON.stringify(db)});
       const l = await listen(createHandler({ store, version: "sig" }), { port: 0, log: () => {} });
       console.log(JSON.stringify({ port: l.port }));`,
    );
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port));
      child.once("exit", (code) => reject(new Error(`server exited early with ${code}`)));
    });
    const stored = await raw({ port }, "POST", "/api/rrweb/sig-1", { body: JSON.stringify([META, CLICK]) });
    expect(stored.status).toBe(200);
    const exit = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once("exit", (code, signal) => resolve(signal ?? code)),
    );
    child.kill("SIGTERM");
    expect(await exit).toBe("SIGTERM");
    // A clean close checkpoints the WAL into the main file.
    expect(existsSync(`${db}-wal`) ? readFileSync(`${db}-wal`).length : 0).toBe(0);
    const store = openStore(db);
    expect(store.getRecording("sig-1")?.eventCount).toBe(2);
    store.close();
    dir.cleanup();
  });
});
