// A tiny node:http server for the example shop. Tests start it on a free port; options switch on the
// posthog-js snippet (for recording) or a deliberate behaviour change (for the failing re-drive test).
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const POSTHOG_DIST = dirname(require.resolve("posthog-js/dist/array.full.js"));

export const PRODUCTS = [
  { id: 1, name: "Espresso beans", price: 14.5 },
  { id: 2, name: "Pour-over kettle", price: 39 },
  { id: 3, name: "Ceramic mug", price: 9.25 },
];

/**
 * @param {{ port?: number, posthogHost?: string | null, bug?: "banner-text" | "add-label" | null,
 *           checkoutStatus?: number }} [options]
 */
export async function startShop(options = {}) {
  const { posthogHost = null, bug = null, checkoutStatus = 200 } = options;
  let orders = 0;
  const config = {
    ...(bug === "banner-text" ? { successPrefix: "Order received" } : {}),
    ...(bug === "add-label" ? { addLabel: "Buy now" } : {}),
  };
  const snippet = [
    `<script>window.SHOP_CONFIG = ${JSON.stringify(config)};</script>`,
    posthogHost
      ? `<script src="/posthog/array.full.js"></script><script>posthog.init("phc_shop", { api_host: ${JSON.stringify(posthogHost)}, person_profiles: "always" });</script>`
      : "",
  ].join("");
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://shop.local");
    const send = (status, type, body) => {
      const bytes = typeof body === "string" ? Buffer.from(body) : body;
      // An explicit length: posthog-js records no body for chunked responses.
      res.writeHead(status, {
        "content-type": type,
        "cache-control": "no-store",
        "content-length": String(bytes.length),
      });
      res.end(bytes);
    };
    try {
      if (req.method === "GET" && (url.pathname === "/" || url.pathname === "/index.html")) {
        const html = await readFile(join(here, "app", "index.html"), "utf8");
        return send(200, "text/html; charset=utf-8", html.replace("<!--SHOP_CONFIG-->", snippet));
      }
      if (req.method === "GET" && url.pathname === "/shop.js")
        return send(200, "text/javascript", await readFile(join(here, "app", "shop.js")));
      if (req.method === "GET" && url.pathname === "/posthog/array.full.js")
        return send(200, "text/javascript", await readFile(join(POSTHOG_DIST, "array.full.js")));
      if (req.method === "GET" && url.pathname === "/api/products")
        return send(200, "application/json", JSON.stringify(PRODUCTS));
      if (req.method === "POST" && url.pathname === "/api/checkout") {
        for await (const chunk of req) void chunk;
        orders++;
        if (checkoutStatus !== 200)
          return send(checkoutStatus, "application/json", JSON.stringify({ error: "Card declined" }));
        return send(200, "application/json", JSON.stringify({ ok: true, orderId: 1000 + orders }));
      }
      if (req.method === "GET" && url.pathname === "/favicon.ico") return send(204, "text/plain", "");
      send(404, "application/json", JSON.stringify({ error: "not found" }));
    } catch (error) {
      send(500, "text/plain", String(error));
    }
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = /** @type {import("node:net").AddressInfo} */ (server.address()).port;
  return {
    port,
    /** The app URL for the browser (app.replay.test maps to 127.0.0.1 in launchChromium). */
    url: `http://app.replay.test:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}
