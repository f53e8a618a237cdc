import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, newDesktopContext } from "@replay-devkit/test-utils";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedRecording } from "./helpers.js";

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

// setupWorker needs a secure context for its service worker, so this page runs on 127.0.0.1
// (a secure origin), not on app.replay.test.
describe("handlersFromRecording with setupWorker in Chromium", () => {
  let browser: Browser;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const bundle = await build({
      stdin: {
        contents: `
          import { setupWorker } from "msw/browser";
          import { handlersFromRecording } from "./src/msw-entry.ts";
          globalThis.startMocks = async (recording) => {
            const handlers = handlersFromRecording(recording, { baseUrl: location.origin, log: () => {} });
            await setupWorker(...handlers).start({ quiet: true, serviceWorker: { url: "/mockServiceWorker.js" } });
            return handlers.routes.keys;
          };`,
        resolveDir: PACKAGE_ROOT,
        loader: "ts",
      },
      bundle: true,
      format: "iife",
      platform: "browser",
      write: false,
      logLevel: "silent",
    });
    const js = bundle.outputFiles[0]?.text ?? "";
    // The bundle must not drag Node-only code (jsdom, node:fs) into the browser.
    expect(js).not.toMatch(/from "node:|require\("node:|jsdom/);
    const worker = readFileSync(
      join(dirname(require.resolve("msw/package.json")), "lib", "mockServiceWorker.js"),
    );
    server = createServer((req, res) => {
      const send = (type: string, body: string | Buffer) => {
        res.writeHead(200, { "content-type": type });
        res.end(body);
      };
      if (req.url === "/bundle.js") return send("text/javascript", js);
      if (req.url === "/mockServiceWorker.js") return send("text/javascript", worker);
      if (req.url?.startsWith("/api/")) {
        res.writeHead(418, { "content-type": "text/plain" });
        return res.end("the live server answered");
      }
      send("text/html", `<!doctype html><html><body><script src="/bundle.js"></script></body></html>`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("answers the page's fetches with the recorded responses", async () => {
    const context = await newDesktopContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      const keys = await page.evaluate(
        (rec) => (globalThis as unknown as { startMocks: (r: unknown) => Promise<string[]> }).startMocks(rec),
        JSON.parse(JSON.stringify(capturedRecording("A"))) as unknown,
      );
      expect(keys).toContain("POST <app>/api/items");
      const results = await page.evaluate(async () => {
        const post = await fetch("/api/items", { method: "POST", body: "{}" });
        const get = await fetch("/api/items?page=1");
        const unknown = await fetch("/api/nothing-recorded");
        return [
          { status: post.status, body: await post.text() },
          { status: get.status, body: await get.text() },
          { status: unknown.status, body: await unknown.text() },
        ];
      });
      expect(results[0]).toEqual({
        status: 201,
        body: '{"ok":true,"item":{"id":1,"name":"widget","qty":3}}',
      });
      expect(results[1]?.status).toBe(200);
      expect(results[2]?.status).toBe(500);
      expect(results[2]?.body).toContain("No recorded response for GET");
    } finally {
      await context.close();
    }
  });
});
