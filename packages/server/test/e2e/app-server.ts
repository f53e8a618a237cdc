import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The posthog-js packages the e2e tests run: the current one and the old generations pinned as npm
 * aliases (package.json devDependencies), because real sites still ship them.
 */
export type PosthogJsPackage = "posthog-js" | "posthog-js-1.180" | "posthog-js-1.250" | "posthog-js-1.300";

/** One real posthog-js build from npm: the devkit serves its `dist` as /static, the app its array.full.js. */
export interface PosthogSdk {
  packageName: PosthogJsPackage;
  /** The version from the package's own package.json (what the SDK reports as `$lib_version`). */
  version: string;
  dist: string;
}

export function posthogSdk(packageName: PosthogJsPackage): PosthogSdk {
  const root = dirname(createRequire(import.meta.url).resolve(`${packageName}/package.json`));
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  return { packageName, version, dist: join(root, "dist") };
}

export const LATEST_SDK = posthogSdk("posthog-js");
/** The posthog-js `dist` folder from npm: the devkit serves it as /static, the app serves array.full.js. */
export const POSTHOG_JS_DIST = LATEST_SDK.dist;
export const POSTHOG_JS_VERSION = LATEST_SDK.version;

export const E2E_TOKEN = "phc_e2e";

/**
 * How the page gets posthog-js:
 *   bundle:  the SDK's array.full.js from the app's own origin (recorder bundled, as `posthog-js/dist/array.full`);
 *   snippet: a stub loads <api_host>/static/array.js, which lazy-loads the recorder from the devkit;
 *   core:    the SDK's array.js from the app's own origin (no recorder, as a plain `import "posthog-js"`),
 *            which lazy-loads the recorder from the devkit.
 */
export type LoadVariant = "bundle" | "snippet" | "core";

/** The JSON body the app POSTs; it must not contain words posthog-js redacts (password, token…). */
export const POST_BODY = { name: "widget", qty: 3 } as const;
export const CONSOLE_LOG_TEXT = "e2e console log";
export const CONSOLE_WARN_TEXT = "e2e console warn";
export const CONSOLE_ERROR_TEXT = "e2e console error";
export const CUSTOM_EVENT = "e2e_note_saved";

export interface AppServer {
  /** `http://app.replay.test:<port>` (no trailing slash). */
  origin: string;
  /** Requests the app received, for diagnostics when an assertion fails. */
  log: string[];
  close(): Promise<void>;
}

/**
 * A tiny shop served on its own origin so every posthog-js call to the devkit is cross-origin,
 * as with PostHog Cloud. The page host must not be localhost: posthog-js skips network capture
 * there, so the browser resolves `host` to 127.0.0.1 through --host-resolver-rules.
 */
export async function startAppServer(options: {
  variant: LoadVariant;
  apiHost: string;
  host: string;
  /** Whose array.full.js the bundle variant serves (default: the current posthog-js). */
  sdk?: PosthogSdk;
}): Promise<AppServer> {
  const dist = (options.sdk ?? LATEST_SDK).dist;
  const arrayFull = readFileSync(join(dist, "array.full.js"));
  const arrayCore = readFileSync(join(dist, "array.js"));
  const log: string[] = [];
  let nextItemId = 1;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://app.invalid");
    log.push(`${req.method ?? "?"} ${url.pathname}${url.search}`);
    const send = (
      status: number,
      type: string,
      body: string | Buffer,
      extra: Record<string, string> = {},
    ) => {
      res.writeHead(status, {
        "content-type": type,
        "content-length": String(Buffer.byteLength(body)),
        "cache-control": "no-store",
        ...extra,
      });
      res.end(body);
    };

    if (req.method === "GET" && url.pathname === "/") {
      send(200, "text/html; charset=utf-8", pageOne(loader(options.variant, options.apiHost)));
    } else if (req.method === "GET" && url.pathname === "/second.html") {
      send(200, "text/html; charset=utf-8", pageTwo(loader(options.variant, options.apiHost)));
    } else if (req.method === "GET" && url.pathname === "/bye.html") {
      send(200, "text/html; charset=utf-8", BYE_PAGE);
    } else if (req.method === "GET" && url.pathname === "/app.css") {
      send(200, "text/css; charset=utf-8", APP_CSS);
    } else if (req.method === "GET" && url.pathname === "/static/array.full.js") {
      send(200, "application/javascript; charset=utf-8", arrayFull);
    } else if (req.method === "GET" && url.pathname === "/static/array.js") {
      send(200, "application/javascript; charset=utf-8", arrayCore);
    } else if (req.method === "POST" && url.pathname === "/api/items") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        let item: unknown = null;
        try {
          item = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          send(400, "application/json", JSON.stringify({ ok: false }));
          return;
        }
        send(201, "application/json", JSON.stringify({ ok: true, item: { id: nextItemId++, item } }), {
          "x-app-server": "e2e",
        });
      });
    } else if (req.method === "GET" && url.pathname === "/api/items") {
      // A Content-Length (not chunked) response, so posthog-js records the body.
      send(
        200,
        "application/json",
        JSON.stringify({ page: url.searchParams.get("page"), items: ["widget"] }),
      );
    } else {
      send(404, "text/plain", "not found");
    }
  };

  const server: Server = createServer(handler);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${options.host}:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function loader(variant: LoadVariant, apiHost: string): string {
  const init = `{ api_host: ${JSON.stringify(apiHost)}, person_profiles: "always" }`;
  if (variant === "bundle" || variant === "core") {
    return `<script src="/static/${variant === "bundle" ? "array.full.js" : "array.js"}"></script>
<script>posthog.init(${JSON.stringify(E2E_TOKEN)}, ${init});</script>`;
  }
  // Our own snippet-style stub: queue init/capture calls in `_i` and on the array itself, then let
  // <api_host>/static/array.js replay them once it has loaded (posthog-js init_from_snippet).
  return `<script>
(function (w, d, apiHost) {
  var ph = (w.posthog = w.posthog || []);
  if (ph.__SV) return;
  ph._i = [];
  ph.__SV = 1;
  ph.init = function (token, config, name) { ph._i.push([token, config, name || "posthog"]); };
  ["capture", "identify", "register", "reset"].forEach(function (method) {
    ph[method] = function () { ph.push([method].concat(Array.prototype.slice.call(arguments))); };
  });
  var script = d.createElement("script");
  script.type = "text/javascript";
  script.crossOrigin = "anonymous";
  script.async = true;
  script.src = apiHost + "/static/array.js";
  d.head.appendChild(script);
  ph.init(${JSON.stringify(E2E_TOKEN)}, ${init});
})(window, document, ${JSON.stringify(apiHost)});
</script>`;
}

const APP_CSS = `body { font-family: sans-serif; margin: 24px; }
button { margin: 4px; padding: 6px 12px; }
#items li { color: #234; }
.spacer { height: 1200px; }`;

function pageOne(posthogLoader: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>replay-devkit e2e shop</title>
<link rel="stylesheet" href="/app.css">
${posthogLoader}
</head>
<body>
<h1>Welcome to the e2e shop</h1>
<button id="btn-count">Clicked 0 times</button>
<p><label>Name <input id="name" type="text" autocomplete="off"></label></p>
<p><label>Password <input id="password" type="password" autocomplete="off"></label></p>
<button id="btn-console">Write to the console</button>
<button id="btn-fetch">Save an item</button>
<p id="fetch-status">idle</p>
<button id="btn-items">Change the list</button>
<ul id="items"><li>Item 0</li></ul>
<p><a id="to-second" href="/second.html">Go to page two</a></p>
<div class="spacer"></div>
<script>
(function () {
  var clicks = 0;
  document.getElementById("btn-count").addEventListener("click", function (event) {
    clicks += 1;
    event.target.textContent = "Clicked " + clicks + " times";
  });
  document.getElementById("btn-console").addEventListener("click", function () {
    console.log(${JSON.stringify(CONSOLE_LOG_TEXT)}, { step: 1, nested: { ok: true } });
    console.warn(${JSON.stringify(CONSOLE_WARN_TEXT)}, 42);
    console.error(${JSON.stringify(CONSOLE_ERROR_TEXT)}, new Error("e2e boom"));
  });
  document.getElementById("btn-fetch").addEventListener("click", function () {
    var status = document.getElementById("fetch-status");
    fetch("/api/items", {
      method: "POST",
      headers: { "content-type": "application/json", "x-e2e": "yes" },
      body: JSON.stringify(${JSON.stringify(POST_BODY)}),
    })
      .then(function (res) { return res.json(); })
      .then(function () { return fetch("/api/items?page=1"); })
      .then(function (res) { return res.json(); })
      .then(function (body) { status.textContent = "saved, page " + body.page; })
      .catch(function (error) { status.textContent = "failed: " + error; });
  });
  var next = 1;
  document.getElementById("btn-items").addEventListener("click", function () {
    var list = document.getElementById("items");
    for (var i = 0; i < 3; i++) {
      var li = document.createElement("li");
      li.textContent = "Item " + next++;
      list.appendChild(li);
    }
    list.removeChild(list.firstElementChild);
  });
})();
</script>
</body>
</html>`;
}

function pageTwo(posthogLoader: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>replay-devkit e2e page two</title>
<link rel="stylesheet" href="/app.css">
${posthogLoader}
</head>
<body>
<h1>Page two</h1>
<p><textarea id="notes" rows="3" cols="40"></textarea></p>
<button id="btn-save">Save notes</button>
<p id="save-status">not saved</p>
<p><a id="to-bye" href="/bye.html">Leave</a></p>
<script>
document.getElementById("btn-save").addEventListener("click", function () {
  var chars = document.getElementById("notes").value.length;
  window.posthog.capture(${JSON.stringify(CUSTOM_EVENT)}, { chars: chars });
  document.getElementById("save-status").textContent = "saved " + chars + " characters";
});
</script>
</body>
</html>`;
}

// No posthog here: arriving on this page is "leaving the site", which fires the pagehide beacon.
const BYE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bye</title></head><body><p>Goodbye</p></body></html>`;
