import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@replay-devkit/store";
import { createHandler } from "../src/index.js";
import { startServer, type TestServer } from "./helpers.js";

// A 1x1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);
const WOFF2 = Buffer.concat([Buffer.from("wOF2"), Buffer.alloc(60, 1)]);

interface AppServer {
  origin: string;
  port: number;
  requests: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** The app whose assets are pinned: good files and each hostile case, on a loopback host. */
async function startApp(): Promise<AppServer> {
  const requests: AppServer["requests"] = [];
  let port = 0;
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", headers: req.headers });
    const path = req.url ?? "/";
    if (path === "/ok.png") res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    else if (path === "/font.woff2")
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(WOFF2);
    else if (path === "/bg.png")
      res.writeHead(200, { "content-type": "image/png" }).end(Buffer.concat([PNG, Buffer.from("bg")]));
    else if (path === "/app.css")
      res
        .writeHead(200, { "content-type": "text/css" })
        .end('@import "more.css"; @font-face { font-family: F; src: url(font.woff2) format("woff2"); }');
    else if (path === "/more.css")
      res.writeHead(200, { "content-type": "text/css" }).end(".x{background:url('/bg.png')}");
    else if (path === "/big.png")
      res
        .writeHead(200, { "content-type": "image/png", "content-length": "300000" })
        .end(Buffer.alloc(300_000));
    else if (path === "/chunked-big.png") {
      // No content-length: the cap must hold while reading.
      res.writeHead(200, { "content-type": "image/png" });
      for (let i = 0; i < 30; i++) res.write(Buffer.alloc(10_000));
      res.end();
    } else if (path === "/page.png")
      res.writeHead(200, { "content-type": "text/html" }).end("<script>alert(1)</script>");
    else if (path === "/away.png")
      res.writeHead(302, { location: `http://other.localhost:${port}/ok.png` }).end();
    else if (path === "/here.png") res.writeHead(301, { location: "/ok.png" }).end();
    else if (path === "/gone.png") res.writeHead(404).end();
    else if (path === "/slow.png") {
      // Headers, then nothing: the timeout must end it.
      res.writeHead(200, { "content-type": "image/png" });
      res.write(PNG.subarray(0, 8));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  return {
    origin: `http://app.localhost:${port}`,
    port,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function recordingOf(origin: string): unknown[] {
  const el = (
    id: number,
    tagName: string,
    attributes: Record<string, string>,
    childNodes: unknown[] = [],
  ) => ({
    type: 2,
    id,
    tagName,
    attributes,
    childNodes,
  });
  return [
    { type: 4, timestamp: 1_700_000_000_000, data: { href: `${origin}/`, width: 800, height: 600 } },
    {
      type: 2,
      timestamp: 1_700_000_000_010,
      data: {
        initialOffset: { top: 0, left: 0 },
        node: {
          type: 0,
          id: 1,
          childNodes: [
            el(2, "html", {}, [
              el(3, "link", { rel: "stylesheet", href: `${origin}/app.css` }),
              el(4, "img", { src: `${origin}/ok.png` }),
              el(5, "img", { src: `${origin}/here.png` }),
              el(6, "img", { src: `${origin}/big.png` }),
              el(7, "img", { src: `${origin}/chunked-big.png` }),
              el(8, "img", { src: `${origin}/page.png` }),
              el(9, "img", { src: `${origin}/away.png` }),
              el(10, "img", { src: `${origin}/slow.png` }),
              el(11, "img", { src: `${origin}/gone.png` }),
              el(12, "img", { src: "https://cdn.example.test/logo.png" }),
            ]),
          ],
        },
      },
    },
    {
      type: 3,
      timestamp: 1_700_000_001_000,
      data: { source: 2, type: 2, id: 4, x: 1, y: 1 },
    },
  ];
}

interface AssetRow {
  url: string;
  status: string;
  sha256: string | null;
  contentType: string | null;
  bytes: number | null;
  reason: string | null;
}

async function settledAssets(server: TestServer, id: string): Promise<AssetRow[]> {
  for (;;) {
    const res = await fetch(`${server.url}/api/recordings/${id}/assets`);
    const body = (await res.json()) as { assets: AssetRow[] };
    if (body.assets.length > 0 && body.assets.every((a) => a.status !== "pending")) return body.assets;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("asset pinning on ingest", () => {
  let app: AppServer;
  let server: TestServer;
  let assets: AssetRow[];
  const byPath = (path: string) => assets.find((a) => a.url.endsWith(path));

  beforeAll(async () => {
    app = await startApp();
    server = await startServer({ assets: { maxAssetBytes: 100_000, timeoutMs: 500, concurrency: 2 } });
    const res = await fetch(`${server.url}/api/rrweb/pin-1`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: "sid=secret", authorization: "Bearer secret" },
      body: JSON.stringify(recordingOf(app.origin)),
    });
    expect(res.status).toBe(200);
    assets = await settledAssets(server, "pin-1");
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    await app?.close();
  });

  it("pins images, the stylesheet, its @import and its font, from the page's loopback origin", () => {
    expect(byPath("/ok.png")).toMatchObject({
      status: "pinned",
      contentType: "image/png",
      bytes: PNG.length,
    });
    expect(byPath("/here.png")).toMatchObject({ status: "pinned", sha256: byPath("/ok.png")?.sha256 });
    expect(byPath("/app.css")).toMatchObject({ status: "pinned", contentType: "text/css" });
    expect(byPath("/more.css")).toMatchObject({ status: "pinned", contentType: "text/css" });
    expect(byPath("/font.woff2")).toMatchObject({ status: "pinned", contentType: "font/woff2" });
    expect(byPath("/bg.png")).toMatchObject({ status: "pinned" });
  });

  it("records each hostile asset as missing with its reason", () => {
    expect(byPath("/big.png")?.reason).toMatch(/^too-large: 300000 bytes/);
    expect(byPath("/chunked-big.png")?.reason).toMatch(/^too-large: over the 100000-byte cap/);
    expect(byPath("/page.png")?.reason).toMatch(/^wrong-type: text\/html/);
    expect(byPath("/away.png")?.reason).toMatch(/^redirect-other-origin: 302 to http:\/\/other\.localhost/);
    expect(byPath("/slow.png")?.reason).toMatch(/^timeout: /);
    expect(byPath("/gone.png")?.reason).toBe("http-error: HTTP 404");
    expect(byPath("cdn.example.test/logo.png")?.reason).toMatch(
      /^other-origin: https:\/\/cdn\.example\.test/,
    );
    for (const a of assets) if (a.status === "missing") expect(a.sha256).toBeNull();
  });

  it("never sends the user's cookies or auth headers, and never follows the redirect away", () => {
    expect(app.requests.length).toBeGreaterThan(0);
    for (const r of app.requests) {
      expect(Object.keys(r.headers).sort()).toEqual(["accept", "connection", "host", "user-agent"]);
    }
    expect(app.requests.filter((r) => r.headers.host?.startsWith("other.localhost"))).toEqual([]);
  });

  it("serves pinned bytes by sha256 as immutable, and stylesheets pointing at their pinned parts", async () => {
    const asset = (sha: string | null | undefined, id = "pin-1") =>
      fetch(`${server.url}/api/recordings/${id}/assets/${sha}`);
    const png = await asset(byPath("/ok.png")?.sha256);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(png.headers.get("cache-control")).toContain("immutable");
    expect(Buffer.from(await png.arrayBuffer()).equals(PNG)).toBe(true);
    const css = await (await asset(byPath("/app.css")?.sha256)).text();
    expect(css).toContain(`@import "${byPath("/more.css")?.sha256}"`);
    expect(css).toContain(`url("${byPath("/font.woff2")?.sha256}")`);
    const more = await (await asset(byPath("/more.css")?.sha256)).text();
    expect(more).toContain(`url("${byPath("/bg.png")?.sha256}")`);
    expect((await asset("0".repeat(64))).status).toBe(404);
    // A copy is served only under a recording that points at it (a share grant reads one recording).
    await fetch(`${server.url}/api/rrweb/other`, {
      method: "POST",
      body: JSON.stringify(recordingOf("http://x.localhost:1").slice(0, 1)),
    });
    expect((await asset(byPath("/ok.png")?.sha256, "other")).status).toBe(404);
    expect((await asset(byPath("/ok.png")?.sha256, "nope")).status).toBe(404);
  });

  it("rewrites the events the inspector plays (?assets=pinned) and leaves the stored ones as recorded", async () => {
    const pinned = await (await fetch(`${server.url}/api/recordings/pin-1/events?assets=pinned`)).text();
    expect(pinned).toContain(`"src":"/api/recordings/pin-1/assets/${byPath("/ok.png")?.sha256}"`);
    expect(pinned).toContain(`"href":"/api/recordings/pin-1/assets/${byPath("/app.css")?.sha256}"`);
    expect(pinned).toContain(`${app.origin}/big.png`);
    const original = await (await fetch(`${server.url}/api/recordings/pin-1/events`)).text();
    expect(original).toContain(`"src":"${app.origin}/ok.png"`);
    expect(original).not.toContain("/assets/");
    const ndjson = await (
      await fetch(`${server.url}/api/recordings/pin-1/events.ndjson?assets=pinned`)
    ).text();
    expect(ndjson).toContain(`/api/recordings/pin-1/assets/${byPath("/ok.png")?.sha256}`);
    expect((await fetch(`${server.url}/api/recordings/pin-1/events?assets=weird`)).status).toBe(400);
  });
});

describe("asset pinning caps", () => {
  it("stops at the per-recording byte cap and says so", async () => {
    const app = await startApp();
    const server = await startServer({ assets: { maxRecordingBytes: PNG.length + 10, concurrency: 1 } });
    try {
      const events = recordingOf(app.origin).slice(0, 1);
      events.push({
        type: 2,
        timestamp: 1_700_000_000_010,
        data: {
          initialOffset: { top: 0, left: 0 },
          node: {
            type: 0,
            id: 1,
            childNodes: [
              { type: 2, id: 2, tagName: "img", attributes: { src: `${app.origin}/ok.png` }, childNodes: [] },
              { type: 2, id: 3, tagName: "img", attributes: { src: `${app.origin}/bg.png` }, childNodes: [] },
            ],
          },
        },
      });
      await fetch(`${server.url}/api/rrweb/pin-cap`, { method: "POST", body: JSON.stringify(events) });
      const assets = await settledAssets(server, "pin-cap");
      expect(assets.find((a) => a.url.endsWith("/ok.png"))?.status).toBe("pinned");
      expect(assets.find((a) => a.url.endsWith("/bg.png"))?.reason).toMatch(/^recording-cap: /);
    } finally {
      await server.close();
      await app.close();
    }
  });

  it("serve's settings: only the given origins, never the page's own or loopback unless listed", async () => {
    const app = await startApp();
    const strict = { pageOrigins: false, loopback: false } as const;
    const closed = await startServer({ assets: strict });
    const listed = await startServer({ assets: { ...strict, allowOrigins: [app.origin], timeoutMs: 500 } });
    try {
      const events = recordingOf(app.origin).slice(0, 2);
      for (const server of [closed, listed])
        await fetch(`${server.url}/api/rrweb/pin-serve`, { method: "POST", body: JSON.stringify(events) });
      const refused = await settledAssets(closed, "pin-serve");
      expect(refused.find((a) => a.url.endsWith("/ok.png"))?.reason).toMatch(
        /^other-origin: http:\/\/app\.localhost:\d+ is not one of the --pin-origin origins/,
      );
      expect(refused.filter((a) => a.status === "pinned")).toEqual([]);
      const allowed = await settledAssets(listed, "pin-serve");
      expect(allowed.find((a) => a.url.endsWith("/ok.png"))?.status).toBe("pinned");
      expect(allowed.find((a) => a.url.includes("cdn.example.test"))?.reason).toMatch(/^other-origin: /);
    } finally {
      await closed.close();
      await listed.close();
      await app.close();
    }
  });

  it("refuses bad pinning options at start-up", () => {
    expect(() =>
      createHandler({ store: openStore(":memory:"), version: "t", assets: { maxAssetBytes: 0 } }),
    ).toThrow(/assets\.maxAssetBytes must be a positive whole number/);
  });

  it("is off unless asked for", async () => {
    const server = await startServer();
    try {
      await fetch(`${server.url}/api/rrweb/pin-off`, {
        method: "POST",
        body: JSON.stringify(recordingOf("http://app.localhost:1")),
      });
      const body = (await (await fetch(`${server.url}/api/recordings/pin-off/assets`)).json()) as {
        assets: unknown[];
      };
      expect(body.assets).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
