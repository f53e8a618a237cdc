import { setupServer } from "msw/node";
import { afterEach, describe, expect, it } from "vitest";
import {
  fromRecording,
  handlersFromRecording,
  loadRecording,
  RecordedRoutes,
  TestingError,
} from "../src/index.js";
import { capturedRecording, publicFixture } from "./helpers.js";

const captured = fromRecording(capturedRecording("A"));
const recordedOrigin = new URL(captured.markers({ kind: "page" })[0]?.href ?? "").origin;

let server: ReturnType<typeof setupServer> | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe("handlersFromRecording", () => {
  it("answers recorded requests with their recorded status, headers and body", async () => {
    const handlers = handlersFromRecording(captured, { log: () => undefined });
    server = setupServer(...handlers);
    server.listen();
    const post = await fetch(`${recordedOrigin}/api/items`, { method: "POST", body: "{}" });
    expect(post.status).toBe(201);
    expect(post.headers.get("x-app-server")).toBe("harness");
    expect(post.headers.get("content-type")).toBe("application/json");
    // Transfer headers of the original response (date, keep-alive) are not replayed.
    expect(post.headers.get("date")).toBeNull();
    expect(post.headers.get("keep-alive")).toBeNull();
    expect(await post.json()).toEqual({ ok: true, item: { id: 1, name: "widget", qty: 3 } });
    expect(handlers.message).toBeNull();
    expect(handlers.routes.served).toHaveLength(1);
  });

  it("serves a rebased origin and ignores volatile query parameters", async () => {
    const logged: string[] = [];
    const handlers = handlersFromRecording(captured, {
      baseUrl: "http://localhost:9999",
      log: (m) => logged.push(m),
    });
    server = setupServer(...handlers);
    server.listen();
    const res = await fetch("http://localhost:9999/api/items?page=1&_=12345");
    expect(res.status).toBe(200);
    // posthog-js recorded a notice instead of this chunked body: it is not served as if it were the body.
    expect(await res.text()).toBe("");
    expect(logged).toEqual([
      expect.stringMatching(
        /has no body for GET http:\/\/localhost:9999\/api\/items\?page=1&_=12345 \(posthog-js does not read chunked responses\); serving status 200 with an empty body/,
      ),
    ]);
    await fetch("http://localhost:9999/api/items?page=1");
    expect(logged).toHaveLength(1);
    // The recorded origin is no longer the app's; its requests are unmatched now.
    const old = await fetch(`${recordedOrigin}/api/items?page=1`);
    expect(old.status).toBe(500);
  });

  it("plays responses in recorded order per route and repeats the last, or stops when asked", async () => {
    const rec = fromRecording({
      sessionId: "ordered",
      distinctId: null,
      posthogEvents: [],
      windows: [
        {
          windowId: "w",
          events: [
            { type: 4, timestamp: 1000, data: { href: "http://shop.test/", width: 800, height: 600 } },
            ...[1, 2].map((n) => ({
              type: 6,
              timestamp: 1000 + n,
              data: {
                plugin: "rrweb/network@1",
                payload: {
                  requests: [
                    {
                      name: "http://shop.test/api/counter",
                      method: "GET",
                      initiatorType: "fetch",
                      status: 200,
                      timestamp: 1000 + n,
                      responseHeaders: { "content-type": "application/json" },
                      responseBody: JSON.stringify({ n }),
                    },
                  ],
                },
              },
            })),
          ] as never,
        },
      ],
    });
    server = setupServer(...handlersFromRecording(rec));
    server.listen();
    const read = async () =>
      ((await (await fetch("http://shop.test/api/counter")).json()) as { n: number }).n;
    expect([await read(), await read(), await read()]).toEqual([1, 2, 2]);
    server.close();

    const strict = handlersFromRecording(rec, { whenExhausted: "unmatched", log: () => undefined });
    server = setupServer(...strict);
    server.listen();
    expect([await read(), await read()]).toEqual([1, 2]);
    const third = await fetch("http://shop.test/api/counter");
    expect(third.status).toBe(500);
    expect(strict.routes.unmatched.map((u) => u.key)).toEqual(["GET <app>/api/counter"]);
  });

  it("applies the unmatched strategy: error names the request, warn logs, bypass is silent", async () => {
    const logs: string[] = [];
    server = setupServer(
      ...handlersFromRecording(captured, { onUnhandledRequest: "error", log: (m) => logs.push(m) }),
    );
    server.listen();
    const res = await fetch(`${recordedOrigin}/api/unknown`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("UNHANDLED_REQUEST");
    expect(body.error.message).toContain(`GET ${recordedOrigin}/api/unknown`);
    expect(body.error.message).toContain("POST <app>/api/items");
    expect(logs).toHaveLength(1);
    server.close();

    // "warn" and "bypass" let the request through to the network: use a port nothing listens on.
    for (const strategy of ["warn", "bypass"] as const) {
      const seen: string[] = [];
      server = setupServer(
        ...handlersFromRecording(captured, { onUnhandledRequest: strategy, log: (m) => seen.push(m) }),
      );
      server.listen();
      await expect(fetch("http://127.0.0.1:9/nothing")).rejects.toThrow();
      expect(seen.length).toBe(strategy === "warn" ? 1 : 0);
      server.close();
    }
    server = undefined;
    expect(() => handlersFromRecording(captured, { onUnhandledRequest: "ignore" as never })).toThrow(
      TestingError,
    );
  });

  it("gives only the catch-all and a message for a recording without network data", async () => {
    const rec = await loadRecording(publicFixture("rrweb-player-example__homepage.json"));
    const handlers = handlersFromRecording(rec, { log: () => undefined });
    expect(handlers).toHaveLength(1);
    expect(handlers.routes.size).toBe(0);
    expect(handlers.message).toMatch(/has no recorded network responses/);
  });

  it("skips timing-only entries and matches by a custom key", () => {
    const routes = new RecordedRoutes(captured, { match: (url) => url.pathname });
    expect(routes.keys).toContain("POST /api/items");
    expect(routes.keys).toContain("GET /api/items");
    // Scripts and documents were recorded with timing only: the live app serves them.
    expect(routes.keys.some((k) => k.includes("array.full.js") || k.endsWith(" /"))).toBe(false);
    expect(routes.has("http://anything/api/items", "post")).toBe(true);
  });
});
