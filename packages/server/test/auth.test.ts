// A server with a token: every private route needs it (Bearer, or the inspector's sign-in cookie),
// share grants open one recording's read routes until they expire, capture stays open but can be
// limited to listed PostHog project tokens, and nothing secret reaches a log line.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RrwebEvent } from "@replay-devkit/codec";
import { tempDir } from "@replay-devkit/test-utils";
import { Auth, createHandler, listen, ROUTES, ServerStartError } from "../src/index.js";
import { redactUrl } from "../src/auth.js";
import { raw, startServer, type RawResponse, type TestServer } from "./helpers.js";

const TOKEN = "team-token-0123456789abcdef";
const servers: TestServer[] = [];
async function start(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const META = {
  type: 4,
  timestamp: 1_700_000_000_000,
  data: { href: "https://shop.test/", width: 1, height: 1 },
};
const CLICK = { type: 3, timestamp: 1_700_000_001_000, data: { source: 2, type: 2, id: 5, x: 1, y: 2 } };

function snapshotBody(sessionId: string, uuid: string, token: string): string {
  return JSON.stringify({
    api_key: token,
    batch: [
      {
        event: "$snapshot",
        uuid,
        distinct_id: "dev",
        properties: {
          token,
          $session_id: sessionId,
          $window_id: "w1",
          $snapshot_data: [META, CLICK] as RrwebEvent[],
        },
      },
    ],
  });
}

const bearer = { authorization: `Bearer ${TOKEN}` };

function expect401(res: RawResponse): void {
  expect(res.status).toBe(401);
  expect(res.json<{ error: { code: string; message: string } }>().error.code).toBe("UNAUTHORIZED");
  expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
  expect(res.text).not.toContain(TOKEN);
}

async function seed(server: TestServer, id: string): Promise<void> {
  const res = await raw(server, "POST", `/api/rrweb/${id}`, {
    headers: bearer,
    body: JSON.stringify([META, CLICK]),
  });
  expect(res.status).toBe(200);
}

/** A concrete path for a route pattern. */
function pathOf(pattern: string): string {
  return pattern
    .replace(":id", "rec-1")
    .replace(":sessionId", "rec-1")
    .replace(":token", "phc_x")
    .replace("*rest", "x.js");
}

describe("with a server token", () => {
  it("refuses tokens that are too short, without echoing them", () => {
    const dir = tempDir("auth-short-");
    try {
      expect(() => new Auth({ token: "short-secret" })).toThrow(ServerStartError);
      expect(() => new Auth({ token: "short-secret" })).toThrow(/at least 16 characters/);
      try {
        new Auth({ token: "short-secret" });
      } catch (error) {
        expect((error as Error).message).not.toContain("short-secret");
      }
    } finally {
      dir.cleanup();
    }
  });

  it("answers 401 on every private route without the token, with Basic, and with a wrong token", async () => {
    const server = await start({ auth: { token: TOKEN } });
    await seed(server, "rec-1");
    const privateRoutes = ROUTES.filter((r) => r.tokenFree !== true);
    // /api/rrweb is open to every origin (CORS) but still needs the token.
    expect(privateRoutes.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/api/rrweb/:sessionId", "/api/import"]),
    );
    const wrong: Record<string, string>[] = [
      {},
      { authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString("base64")}` },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: "Bearer " },
      { cookie: "replay_devkit_session=v1.zzzzzzzz.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    ];
    for (const route of privateRoutes) {
      for (const headers of wrong) {
        const res = await raw(server, route.method, pathOf(route.path), {
          headers,
          ...(route.method === "POST" ? { body: "[]" } : {}),
        });
        expect401(res);
      }
    }
    // Nothing was deleted or written by the refused requests.
    expect(server.store.getRecording("rec-1")).not.toBeNull();
    expect(server.store.listRecordings().total).toBe(1);
    const ok = await raw(server, "GET", "/api/recordings", { headers: bearer });
    expect(ok.status).toBe(200);
    expect(ok.json<{ total: number }>().total).toBe(1);
  });

  it("keeps /health and the capture routes open for posthog-js", async () => {
    const server = await start({ auth: { token: TOKEN } });
    expect((await raw(server, "GET", "/health")).status).toBe(200);
    const res = await raw(server, "POST", "/s/", {
      headers: { "content-type": "text/plain" },
      body: snapshotBody("cap-open", "0190a000-0000-7000-8000-000000000001", "phc_any"),
    });
    expect(res.status).toBe(200);
    expect(server.store.getRecording("cap-open")).not.toBeNull();
    expect((await raw(server, "GET", "/array/phc_any/config")).status).toBe(200);
  });

  it("serves the sign-in page to a signed-out browser, and a cookie after the right token", async () => {
    const inspector = tempDir("auth-inspector-");
    writeFileSync(join(inspector.path, "index.html"), "<!doctype html><title>inspector</title>");
    mkdirSync(join(inspector.path, "_next", "static"), { recursive: true });
    writeFileSync(join(inspector.path, "_next", "static", "app.js"), "console.log(1)");
    const server = await start({ auth: { token: TOKEN }, staticDirs: { inspector: inspector.path } });
    try {
      const page = await raw(server, "GET", "/", { headers: { accept: "text/html" } });
      expect(page.status).toBe(401);
      expect(page.headers["content-type"]).toMatch(/text\/html/);
      expect(page.text).toContain('action="/api/session"');
      expect(page.text).not.toContain("inspector</title>");
      // The inspector's code holds no recordings; a share link needs it.
      expect((await raw(server, "GET", "/_next/static/app.js")).status).toBe(200);

      const form = { "content-type": "application/x-www-form-urlencoded" };
      const bad = await raw(server, "POST", "/api/session", {
        headers: form,
        body: "token=nope&next=%2Frecording",
      });
      expect(bad.status).toBe(303);
      expect(bad.headers.location).toMatch(/^\/sign-in\?failed=1/);
      expect(bad.headers["set-cookie"]).toBeUndefined();

      const good = await raw(server, "POST", "/api/session", {
        headers: form,
        body: `token=${encodeURIComponent(TOKEN)}&next=%2F%2Fevil.example`,
      });
      expect(good.status).toBe(303);
      // Only paths on this server: a protocol-relative `next` goes home instead.
      expect(good.headers.location).toBe("/");
      const setCookie = String(good.headers["set-cookie"]);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).not.toContain(TOKEN);
      const cookie = setCookie.split(";")[0] as string;
      const signedIn = await raw(server, "GET", "/", { headers: { accept: "text/html", cookie } });
      expect(signedIn.status).toBe(200);
      expect(signedIn.text).toContain("inspector</title>");
      expect((await raw(server, "GET", "/api/recordings", { headers: { cookie } })).status).toBe(200);

      // A JSON sign-in for scripts; a wrong one is the usual 401.
      expect401(await raw(server, "POST", "/api/session", { body: JSON.stringify({ token: "x" }) }));
      const json = await raw(server, "POST", "/api/session", { body: JSON.stringify({ token: TOKEN }) });
      expect(json.status).toBe(200);
      expect(String(json.headers["set-cookie"])).toMatch(/^replay_devkit_session=v1\./);
    } finally {
      inspector.cleanup();
    }
  });

  it("accepts a cookie issued by another process with the same token, and none after a token change", async () => {
    const first = await start({ auth: { token: TOKEN } });
    const res = await raw(first, "POST", "/api/session", { body: JSON.stringify({ token: TOKEN }) });
    const cookie = String(res.headers["set-cookie"]).split(";")[0] as string;
    const second = await start({ auth: { token: TOKEN } });
    expect((await raw(second, "GET", "/api/recordings", { headers: { cookie } })).status).toBe(200);
    const rotated = await start({ auth: { token: `${TOKEN}-rotated` } });
    expect401(await raw(rotated, "GET", "/api/recordings", { headers: { cookie } }));
  });

  it("lets a share grant read one recording until it expires", async () => {
    let now = Date.now();
    const server = await start({ auth: { token: TOKEN, now: () => now } });
    await seed(server, "rec-1");
    await seed(server, "rec-2");
    expect401(await raw(server, "POST", "/api/recordings/rec-1/share"));
    const shared = await raw(server, "POST", "/api/recordings/rec-1/share?ttl=60", { headers: bearer });
    expect(shared.status).toBe(200);
    const { grant, path, expiresAt } = shared.json<{ grant: string; path: string; expiresAt: string }>();
    expect(path).toBe(`/embed?id=rec-1&grant=${grant}`);
    expect(Date.parse(expiresAt) - now).toBe(60_000);
    for (const sub of ["", "/events", "/posthog-events"]) {
      expect((await raw(server, "GET", `/api/recordings/rec-1${sub}?grant=${grant}`)).status).toBe(200);
    }
    expect(
      (await raw(server, "GET", `/api/recordings/rec-1/export?format=rrweb&grant=${grant}`)).status,
    ).toBe(200);
    // Only that recording, only reading.
    expect401(await raw(server, "GET", `/api/recordings/rec-2?grant=${grant}`));
    expect401(await raw(server, "GET", `/api/recordings?grant=${grant}`));
    expect401(await raw(server, "DELETE", `/api/recordings/rec-1?grant=${grant}`));
    expect(server.store.getRecording("rec-1")).not.toBeNull();
    // A grant whose signature was edited, or one signed for another recording, is refused.
    const tampered = grant.slice(0, -2) + (grant.endsWith("AA") ? "BB" : "AA");
    expect401(await raw(server, "GET", `/api/recordings/rec-1?grant=${tampered}`));
    now += 61_000;
    expect401(await raw(server, "GET", `/api/recordings/rec-1?grant=${grant}`));
    expect((await raw(server, "POST", "/api/recordings/rec-1/share?ttl=0", { headers: bearer })).status).toBe(
      400,
    );
  });

  it("stores capture only for the listed project tokens", async () => {
    const server = await start({ auth: { token: TOKEN, projectTokens: ["phc_staging"] } });
    const refused = await raw(server, "POST", "/s/", {
      headers: { "content-type": "text/plain" },
      body: snapshotBody("cap-other", "0190a000-0000-7000-8000-000000000002", "phc_other"),
    });
    expect(refused.status).toBe(401);
    expect(server.store.getRecording("cap-other")).toBeNull();
    expect((await raw(server, "GET", "/array/phc_other/config")).status).toBe(401);
    expect((await raw(server, "GET", "/array/phc_other/config.js")).status).toBe(401);
    const stored = await raw(server, "POST", "/s/", {
      headers: { "content-type": "text/plain" },
      body: snapshotBody("cap-staging", "0190a000-0000-7000-8000-000000000003", "phc_staging"),
    });
    expect(stored.status).toBe(200);
    expect(server.store.getRecording("cap-staging")).not.toBeNull();
    expect((await raw(server, "GET", "/array/phc_staging/config")).status).toBe(200);
  });

  it("never writes a grant or token from the URL into a log line", async () => {
    expect(redactUrl("/api/recordings/x?grant=v1.abc.def&format=rrweb")).toBe(
      "/api/recordings/x?grant=[redacted]&format=rrweb",
    );
    expect(redactUrl("/flags/?v=2&token=phc_secret")).toBe("/flags/?v=2&token=[redacted]");
    const logs: string[] = [];
    const server = await start({
      auth: { token: TOKEN },
      log: (line) => logs.push(line),
      exportWorkers: { threads: 0, queue: 0 },
    });
    await raw(server, "GET", `/api/recordings/missing/export?format=nope&grant=v1.zz.${"A".repeat(43)}`, {
      headers: bearer,
    });
    expect(logs.join("\n")).not.toContain("AAAAAAAA");
    expect(logs.join("\n")).not.toContain(TOKEN);
  });
});

describe("listen beyond loopback", () => {
  it("refuses a non-loopback address without a token, and says how to fix it", async () => {
    const dir = tempDir("auth-listen-");
    const { openStore } = await import("@replay-devkit/store");
    const store = openStore(join(dir.path, "db.sqlite"));
    try {
      const open = createHandler({ store, version: "0.0.0-test", captureDir: null, compactIdleMs: null });
      await expect(listen(open, { port: 0, host: "0.0.0.0", handleSignals: false })).rejects.toSatisfy(
        (e: unknown) =>
          e instanceof ServerStartError &&
          e.code === "TOKEN_REQUIRED" &&
          /--token|REPLAY_DEVKIT_TOKEN/.test(e.message),
      );
      open.close();
      const logs: string[] = [];
      const guarded = createHandler({
        store,
        version: "0.0.0-test",
        captureDir: null,
        compactIdleMs: null,
        auth: { token: TOKEN },
      });
      const listening = await listen(guarded, {
        port: 0,
        host: "0.0.0.0",
        handleSignals: false,
        log: (l) => logs.push(l),
      });
      expect(logs.join("\n")).toContain("not loopback");
      expect(logs.join("\n")).not.toContain(TOKEN);
      const res = await fetch(`http://127.0.0.1:${listening.port}/api/recordings`);
      expect(res.status).toBe(401);
      await listening.close();
    } finally {
      store.close();
      dir.cleanup();
    }
  });
});
