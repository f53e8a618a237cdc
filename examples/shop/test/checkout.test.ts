import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  handlersFromRecording,
  loadRecording,
  rebuildDom,
  redrive,
  type LoadedRecording,
} from "@replay-devkit/testing";
import "@replay-devkit/testing/vitest";
import { launchChromium, newDesktopContext } from "@replay-devkit/test-utils";
import { JSDOM } from "jsdom";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRODUCTS, startShop } from "../server.mjs";

const FIXTURE = fileURLToPath(new URL("../fixtures/checkout.replay.jsonl", import.meta.url));
const SHOP_JS = fileURLToPath(new URL("../app/shop.js", import.meta.url));
const INDEX_HTML = fileURLToPath(new URL("../app/index.html", import.meta.url));

let rec: LoadedRecording;
beforeAll(async () => {
  rec = await loadRecording(FIXTURE);
});

describe("the recorded checkout", () => {
  it("loads with one window, a page load, clicks and the checkout request", () => {
    expect(rec.format).toBe("fixture");
    expect(rec.windowIds).toHaveLength(1);
    expect(rec.findPage("app.replay.test")?.offsetMs).toBe(0);
    expect(rec.markers({ kind: "click" })).toHaveLength(3);
    expect(rec).toHaveRequested("POST", "/api/checkout");
    expect(rec).not.toHaveRequested("DELETE", "/api/checkout");
    expect(rec).toHaveNoConsoleErrors();
    // The analytics events posthog-js sent alongside the recording came with it.
    expect(rec.posthogEvents("$pageview")).toHaveLength(1);
    expect(rec.posthogEvents("$pageview")[0]?.properties.$current_url).toBe(rec.findPage("/")?.href);
    expect(rec.consoleEntries({ level: "log" }).map((e) => e.payload.join(" "))).toContain(
      '"checkout finished"',
    );
  });

  it("has no personal data left after the fixture was scrubbed", () => {
    expect(rec).toHaveNoPII();
    // The typed email was masked by posthog-js and the request body was scrubbed by the recorder script.
    const checkout = rec.networkEntries().find((e) => e.url.endsWith("/api/checkout"));
    expect(checkout?.requestBody ?? "").not.toContain("shopper@example.com");
  });

  it("shows the success banner after the checkout click (DOM rebuilt in Node)", () => {
    const click = rec.findClick("#checkout");
    expect(click).toBeDefined();
    const before = rebuildDom(rec, { at: (click?.offsetMs ?? 0) - 1 });
    try {
      expect(before.isVisible("#banner")).toBe(false);
      expect(before.text("#cart-count")).toBe("2 items in your cart");
    } finally {
      before.dispose();
    }
    using after = rebuildDom(rec, { at: rec.durationMs });
    expect(after.isVisible("#banner")).toBe(true);
    expect(after.text("#banner")).toMatch(/^Order confirmed: #\d+$/);
    expect(after.document.querySelector("#banner")?.className).toContain("success");
  });

  it("exports its network as HAR", () => {
    const har = rec.har();
    const entry = har.log.entries.find((e) => e.request.url.endsWith("/api/checkout"));
    expect(entry?.request.method).toBe("POST");
    expect(entry?.response.status).toBe(200);
  });
});

describe("msw: the shop's own code runs in jsdom against recorded responses", () => {
  it("answers checkout with the recorded body and rejects unrecorded routes", async () => {
    const handlers = handlersFromRecording(rec, { baseUrl: "http://shop.test", log: () => undefined });
    // The product list was fetched before the recorder started, so only its timing was recorded:
    // the test supplies it, and msw uses the first matching handler.
    const server = setupServer(
      http.get("http://shop.test/api/products", () => HttpResponse.json(PRODUCTS)),
      ...handlers,
    );
    server.listen({ onUnhandledRequest: "error" });
    try {
      const html = (await readFile(INDEX_HTML, "utf8")).replace("<!--SHOP_CONFIG-->", "");
      const dom = new JSDOM(html, { url: "http://shop.test/", runScripts: "outside-only" });
      const win = dom.window as unknown as Window & { fetch: typeof fetch; eval: (code: string) => void };
      win.fetch = (input, init) => fetch(new URL(String(input), "http://shop.test/"), init);
      win.eval(await readFile(SHOP_JS, "utf8"));
      const doc = win.document;
      await expect.poll(() => doc.querySelectorAll("button.add").length).toBe(3);
      (doc.querySelector("[data-testid=product-2] button.add") as HTMLButtonElement).click();
      (doc.querySelector("#checkout") as HTMLButtonElement).click();
      await expect.poll(() => doc.querySelector("#banner")?.textContent).toBe("Order confirmed: #1001");
      expect(handlers.routes.served.map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual([
        "POST /api/checkout",
      ]);

      const missing = await fetch("http://shop.test/api/refunds", { method: "POST" });
      expect(missing.status).toBe(500);
      expect(await missing.text()).toContain("No recorded response for POST http://shop.test/api/refunds");
      dom.window.close();
    } finally {
      server.close();
    }
  });
});

describe("re-driving the recorded user against the live app", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function redriveAgainst(
    bug: "banner-text" | null,
    options: { checkoutStatus?: number; serveRecordedNetwork?: boolean } = {},
  ) {
    const shop = await startShop({
      bug,
      ...(options.checkoutStatus ? { checkoutStatus: options.checkoutStatus } : {}),
    });
    const context = await newDesktopContext(browser);
    try {
      const page = await context.newPage();
      return await redrive(rec, {
        page,
        baseURL: shop.url,
        settleMs: 2000,
        serveRecordedNetwork: options.serveRecordedNetwork ?? true,
      });
    } finally {
      await context.close();
      await shop.close();
    }
  }

  it("matches the recorded DOM at every checkpoint", async () => {
    const report = await redriveAgainst(null);
    expect(report).toMatchRecordedDom();
    expect(report.checkpoints.length).toBe(5);
    expect(report.actions.map((a) => a.description)).toContain("click #checkout");
    expect(report.network.served.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      "POST /api/checkout",
    ]);
    expect(report.notes.join("\n")).toContain("Masked inputs");
  });

  it("keeps the front-end test independent of the API: recorded responses hide a failing backend", async () => {
    const served = await redriveAgainst(null, { checkoutStatus: 402 });
    expect(served).toMatchRecordedDom();

    // Against the live API instead, the declined payment shows up as a different banner.
    const live = await redriveAgainst(null, { checkoutStatus: 402, serveRecordedNetwork: false });
    expect(live.ok).toBe(false);
    expect(live.network.served).toEqual([]);
    const last = live.divergences.at(-1);
    expect(last?.action.description).toBe("click #checkout");
    expect(last?.differences).toEqual([
      {
        kind: "element",
        path: "body > main > div#banner.banner.success",
        expected: 'div#banner.banner.success "Order confirmed: #1001"',
        actual: 'div#banner.banner.error "Checkout failed: Card declined"',
      },
    ]);
    expect(live.format()).toContain('actual   div#banner.banner.error "Checkout failed: Card declined"');
  });

  it("fails with a readable report when the app's banner text changes", async () => {
    const report = await redriveAgainst("banner-text");
    expect(report.ok).toBe(false);
    expect(() => expect(report).toMatchRecordedDom()).toThrow(/DIVERGES from the recording/);
    expect(report.divergences).toHaveLength(1);
    const [divergence] = report.divergences;
    expect(divergence?.action.description).toBe("click #checkout");
    expect(divergence?.differences).toEqual([
      {
        kind: "text",
        path: "body > main > div#banner.banner.success",
        expected: "Order confirmed: #1001",
        actual: "Order received: #1001",
      },
    ]);
    const text = report.format();
    expect(text).toMatch(
      /✗ checkpoint #4 after action #4 at \d\d:\d\d\.\d{3} \(event #\d+\): click #checkout/,
    );
    expect(text).toContain('expected "Order confirmed: #1001"');
    expect(text).toContain('actual   "Order received: #1001"');
  });
});
