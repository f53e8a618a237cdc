// Who may read and change recordings: capture routes are open to every origin and Host, the JSON
// API and the inspector only to the server's own origin, allowed origins and allowed Host names.
import { afterEach, describe, expect, it } from "vitest";
import type { RrwebEvent } from "@replay-devkit/codec";
import { createHandler, ServerStartError } from "../src/index.js";
import { raw, startServer, type RawResponse, type TestServer } from "./helpers.js";

const servers: TestServer[] = [];
async function start(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const EVIL = "http://evil.example";
const META = {
  type: 4,
  timestamp: 1_700_000_000_000,
  data: { href: "https://shop.test/", width: 1, height: 1 },
};
const CLICK = { type: 3, timestamp: 1_700_000_001_000, data: { source: 2, type: 2, id: 5, x: 1, y: 2 } };

function snapshotBody(sessionId: string, uuid: string): string {
  return JSON.stringify([
    {
      event: "$snapshot",
      uuid,
      distinct_id: "dev",
      properties: {
        $session_id: sessionId,
        $window_id: "w1",
        $snapshot_data: [META, CLICK] as RrwebEvent[],
      },
    },
  ]);
}

async function seed(server: TestServer, id: string): Promise<void> {
  const res = await raw(server, "POST", `/api/rrweb/${id}`, { body: JSON.stringify([META, CLICK]) });
  expect(res.status).toBe(200);
}

function expectRefused(res: RawResponse, code: "FORBIDDEN_ORIGIN" | "FORBIDDEN_HOST"): void {
  expect(res.status).toBe(403);
  expect(res.json<{ error: { code: string } }>().error.code).toBe(code);
  expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
}

describe("capture routes stay open", () => {
  it("accepts posthog-js bodies from any origin and any Host, with CORS", async () => {
    const server = await start();
    const res = await raw(server, "POST", "/s/", {
      headers: { origin: EVIL, host: "host.docker.internal:8010", "content-type": "text/plain" },
      body: snapshotBody("cap-1", "0190a000-0000-7000-8000-000000000001"),
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 1 });
    expect(res.headers["access-control-allow-origin"]).toBe(EVIL);
    expect(server.store.getRecording("cap-1")?.eventCount).toBe(2);

    const pre = await raw(server, "OPTIONS", "/i/v0/e/", {
      headers: { origin: EVIL, host: "anything.test", "access-control-request-method": "POST" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe(EVIL);
    expect(pre.headers["access-control-allow-private-network"]).toBe("true");

    for (const path of ["/flags/?v=2", "/decide/"]) {
      const flags = await raw(server, "POST", path, {
        headers: { origin: EVIL, host: "x.test" },
        body: "{}",
      });
      expect(flags.status).toBe(200);
      expect(flags.headers["access-control-allow-origin"]).toBe(EVIL);
    }
    const config = await raw(server, "GET", "/array/phc_x/config.js", {
      headers: { origin: EVIL, host: "x.test" },
    });
    expect(config.status).toBe(200);
    const health = await raw(server, "GET", "/health", { headers: { origin: EVIL, host: "x.test" } });
    expect(health.status).toBe(200);
  });

  it("keeps plain rrweb ingest open too", async () => {
    const server = await start();
    const res = await raw(server, "POST", "/api/rrweb/open-1", {
      headers: { origin: EVIL, host: "rebound.example:8010" },
      body: JSON.stringify([META, CLICK]),
    });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe(EVIL);
    expect(server.store.getRecording("open-1")).not.toBeNull();
  });
});

describe("the JSON API refuses other origins", () => {
  it("refuses reads from a foreign origin with 403 and no CORS header", async () => {
    const server = await start();
    await seed(server, "r1");
    for (const path of [
      "/api/recordings",
      "/api/recordings/r1",
      "/api/recordings/r1/events",
      "/api/recordings/r1/events.ndjson",
      "/api/recordings/r1/export?format=rrweb",
      "/api/recordings/r1/findings",
      "/api/recordings/r1/posthog-events",
      "/api/recordings/r1/logs",
      "/api/stream",
      "/api/doctor",
    ]) {
      expectRefused(await raw(server, "GET", path, { headers: { origin: EVIL } }), "FORBIDDEN_ORIGIN");
    }
    // A sandboxed iframe or a file:// page sends "null".
    expectRefused(
      await raw(server, "GET", "/api/recordings", { headers: { origin: "null" } }),
      "FORBIDDEN_ORIGIN",
    );
    const body = (await raw(server, "GET", "/api/recordings", { headers: { origin: EVIL } })).json<{
      error: { message: string };
    }>();
    expect(body.error.message).toContain("REPLAY_DEVKIT_ALLOWED_ORIGINS");
  });

  it("refuses a simple cross-origin DELETE and import, and changes nothing", async () => {
    const server = await start();
    await seed(server, "keep-me");
    expectRefused(
      await raw(server, "DELETE", "/api/recordings/keep-me", { headers: { origin: EVIL } }),
      "FORBIDDEN_ORIGIN",
    );
    expect(server.store.getRecording("keep-me")).not.toBeNull();
    // A form or fetch with text/plain skips the preflight: the server itself must refuse it.
    expectRefused(
      await raw(server, "POST", "/api/import?sessionId=planted", {
        headers: { origin: EVIL, "content-type": "text/plain" },
        body: JSON.stringify([META, CLICK]),
      }),
      "FORBIDDEN_ORIGIN",
    );
    expect(server.store.getRecording("planted")).toBeNull();
  });

  it("fails a foreign preflight and answers an allowed one", async () => {
    const server = await start();
    const pre = (origin: string) =>
      raw(server, "OPTIONS", "/api/recordings/x", {
        headers: { origin, "access-control-request-method": "DELETE" },
      });
    expectRefused(await pre(EVIL), "FORBIDDEN_ORIGIN");
    const ok = await pre("http://localhost:3010");
    expect(ok.status).toBe(204);
    expect(ok.headers["access-control-allow-origin"]).toBe("http://localhost:3010");
    expect(ok.headers["access-control-allow-methods"]).toContain("DELETE");
  });

  it("serves the server's own origin, the inspector's dev server and configured origins", async () => {
    const server = await start({ allowedOrigins: ["https://tools.internal.test:8443"] });
    await seed(server, "r1");
    for (const origin of [
      `http://127.0.0.1:${server.port}`,
      `http://localhost:${server.port}`,
      "http://localhost:3010",
      "http://127.0.0.1:3010",
      "https://tools.internal.test:8443",
    ]) {
      const res = await raw(server, "GET", "/api/recordings", { headers: { origin } });
      expect(res.status, origin).toBe(200);
      expect(res.headers["access-control-allow-origin"]).toBe(origin);
      expect(res.headers["access-control-allow-credentials"]).toBe("true");
    }
    // Same name, another port: a different (untrusted) local app.
    expectRefused(
      await raw(server, "GET", "/api/recordings", { headers: { origin: "http://localhost:3000" } }),
      "FORBIDDEN_ORIGIN",
    );
    const own = `http://127.0.0.1:${server.port}`;
    const del = await raw(server, "DELETE", "/api/recordings/r1", { headers: { origin: own } });
    expect(del.status).toBe(200);
    expect(server.store.getRecording("r1")).toBeNull();
  });

  it("answers requests without an Origin (CLI, curl, same-origin GET) without a wildcard", async () => {
    const server = await start();
    const res = await raw(server, "GET", "/api/recordings");
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses another site's script or image tags but not navigations", async () => {
    const server = await start();
    await seed(server, "r1");
    const get = (site: string, mode: string) =>
      raw(server, "GET", "/api/recordings/r1/export?format=rrweb", {
        headers: { "sec-fetch-site": site, "sec-fetch-mode": mode, "sec-fetch-dest": "script" },
      });
    expectRefused(await get("cross-site", "no-cors"), "FORBIDDEN_ORIGIN");
    expectRefused(await get("same-site", "no-cors"), "FORBIDDEN_ORIGIN");
    expect((await get("same-origin", "no-cors")).status).toBe(200);
    expect((await get("cross-site", "navigate")).status).toBe(200);
    expect((await get("none", "navigate")).status).toBe(200);
  });

  it("reads extra origins from REPLAY_DEVKIT_ALLOWED_ORIGINS", async () => {
    const before = process.env.REPLAY_DEVKIT_ALLOWED_ORIGINS;
    process.env.REPLAY_DEVKIT_ALLOWED_ORIGINS = " http://a.test:1234 , http://b.test ";
    try {
      const server = await start();
      for (const origin of ["http://a.test:1234", "http://b.test"]) {
        expect((await raw(server, "GET", "/api/recordings", { headers: { origin } })).status).toBe(200);
      }
      expect(
        (await raw(server, "GET", "/api/recordings", { headers: { origin: "http://a.test" } })).status,
      ).toBe(403);
    } finally {
      if (before === undefined) delete process.env.REPLAY_DEVKIT_ALLOWED_ORIGINS;
      else process.env.REPLAY_DEVKIT_ALLOWED_ORIGINS = before;
    }
  });

  it("rejects malformed allowedOrigins and allowedHosts with INVALID_OPTIONS", async () => {
    const server = await start();
    for (const options of [
      { allowedOrigins: ["localhost:3000"] },
      { allowedOrigins: ["http://a.test/path"] },
      { allowedHosts: ["http://a.test"] },
      { allowedHosts: [""] },
    ]) {
      let thrown: unknown;
      try {
        createHandler({ store: server.store, version: "t", compactIdleMs: null, ...options });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ServerStartError);
      expect((thrown as ServerStartError).code).toBe("INVALID_OPTIONS");
    }
  });
});

describe("DNS rebinding", () => {
  it("refuses the API and the inspector under a foreign Host name", async () => {
    const server = await start();
    await seed(server, "r1");
    for (const [method, path] of [
      ["GET", "/api/recordings"],
      ["GET", "/api/recordings/r1/export?format=posthog"],
      ["GET", "/api/doctor"],
      ["DELETE", "/api/recordings/r1"],
      ["GET", "/"],
      ["GET", "/recording"],
      ["OPTIONS", "/api/recordings"],
    ] as const) {
      const res = await raw(server, method, path, { headers: { host: `attacker.example:${server.port}` } });
      expectRefused(res, "FORBIDDEN_HOST");
      expect(res.json<{ error: { message: string } }>().error.message).toContain(
        "REPLAY_DEVKIT_ALLOWED_HOSTS=attacker.example",
      );
    }
    expect(server.store.getRecording("r1")).not.toBeNull();
  });

  it("accepts loopback names, *.localhost and configured hosts", async () => {
    const server = await start({ allowedHosts: ["devbox.lan", "*.corp.test"] });
    const status = async (host: string) =>
      (await raw(server, "GET", "/api/recordings", { headers: { host } })).status;
    for (const host of [
      `localhost:${server.port}`,
      `127.0.0.1:${server.port}`,
      `[::1]:${server.port}`,
      `LOCALHOST.:${server.port}`,
      `shop.localhost:${server.port}`,
      "devbox.lan",
      `a.corp.test:${server.port}`,
    ]) {
      expect(await status(host), host).toBe(200);
    }
    for (const host of ["corp.test", "localhost.evil.example", "evil.localhost.example", "devbox.lan.evil"]) {
      expect(await status(host), host).toBe(403);
    }
  });

  it("accepts the address listen() bound, REPLAY_DEVKIT_ALLOWED_HOSTS and `*`", async () => {
    const server = await start();
    expect(
      (await raw(server, "GET", "/api/recordings", { headers: { host: "192.168.1.20:8010" } })).status,
    ).toBe(403);
    server.handler.allowHost("192.168.1.20");
    expect(
      (await raw(server, "GET", "/api/recordings", { headers: { host: "192.168.1.20:8010" } })).status,
    ).toBe(200);

    const before = process.env.REPLAY_DEVKIT_ALLOWED_HOSTS;
    process.env.REPLAY_DEVKIT_ALLOWED_HOSTS = "box.test";
    try {
      const fromEnv = await start();
      const ok = await raw(fromEnv, "GET", "/api/recordings", { headers: { host: "box.test:8010" } });
      expect(ok.status).toBe(200);
    } finally {
      if (before === undefined) delete process.env.REPLAY_DEVKIT_ALLOWED_HOSTS;
      else process.env.REPLAY_DEVKIT_ALLOWED_HOSTS = before;
    }
    const any = await start({ allowedHosts: ["*"] });
    expect((await raw(any, "GET", "/api/recordings", { headers: { host: "whatever.test" } })).status).toBe(
      200,
    );
    // Opening the Host check does not open the origin check.
    expect(
      (await raw(any, "GET", "/api/recordings", { headers: { host: "whatever.test", origin: EVIL } })).status,
    ).toBe(403);
  });
});
