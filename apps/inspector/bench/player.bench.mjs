// Time to first frame, main-thread blocking while loading, and seek time (start → middle,
// start → end) for the inspector's player on a generated 60-minute, ~50 MB recording, against
// plain rrweb-player loading the same events from one JSON file, in the same Chromium run.
// Both players run with rrweb's warnings off, so the figures are replay work, not console output.
//
// Ours: the built inspector (out/) served by @replay-devkit/server over a real SQLite store: a first
// page from /api/recordings/:id/events, then the rest streamed from events.ndjson, seeks served
// from in-browser checkpoints. Baseline: a minimal page with rrweb-player's own dist that fetches
// all events at once (served from memory, so the baseline pays no server cost).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { launchChromium, median, newDesktopContext, writeBenchReport } from "@replay-devkit/test-utils";
import { generateRecording } from "./generate.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const require = createRequire(import.meta.url);
const playerDist = dirname(require.resolve("rrweb-player/dist/style.css"));

const SESSION = "bench-60min";
const WINDOW = "bench-window";

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

const BASELINE_HTML = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/rrweb-player/style.css"></head><body>
<div id="root"></div>
<script src="/rrweb-player/rrweb-player.umd.cjs"></script>
<script>
  fetch("/events.json").then((r) => r.json()).then((events) => {
    const Player = window.rrwebPlayer.default || window.rrwebPlayer;
    window.player = new Player({ target: document.getElementById("root"), props: { events, autoPlay: false, width: 1024, height: 640, showWarning: false } });
    window.loadedAt = performance.now();
  });
</script></body></html>`;

const LONGTASKS = `
  window.__longtasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push(e.duration); })
    .observe({ type: "longtask", buffered: true });
`;

async function firstFrame(page) {
  const handle = await page.waitForFunction(
    () => {
      const frame = document.querySelector("iframe");
      const body = frame && frame.contentDocument && frame.contentDocument.body;
      return body && body.childElementCount > 0 ? performance.now() : false;
    },
    undefined,
    { polling: "raf", timeout: 180_000 },
  );
  return handle.jsonValue();
}

/** Calls `seekExpr(fraction)` in the page, and times it until two frames later (painted). */
async function timeSeek(page, seekSource, fraction) {
  return page.evaluate(
    async ({ seekSource, fraction }) => {
      const seek = new Function("fraction", seekSource);
      const t = performance.now();
      seek(fraction);
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return performance.now() - t;
    },
    { seekSource, fraction },
  );
}

// Ours: a pointerdown on the timeline is exactly what a user's click does.
const OURS_SEEK = `
  const el = document.querySelector('[data-testid="timeline"]');
  const r = el.getBoundingClientRect();
  el.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, clientX: r.left + r.width * fraction, clientY: r.top + 5 }));
`;
// rrweb leaves the page as it is when asked to seek before the first full snapshot (and resets its
// node map), so "back to the start" means 1 s in for the baseline; ours clamps to the snapshot itself.
const BASELINE_SEEK = `
  const total = window.player.getMetaData().totalTime;
  window.player.goto(Math.max(1000, Math.floor(total * fraction)), false);
`;

/** How many items the generated page's live list has after a seek: 150 once the list is full. */
const LIVE_ITEMS = `return document.querySelector("iframe").contentDocument.querySelectorAll("#live li").length;`;

async function main() {
  const t0 = performance.now();
  const { events, bytes, durationMs } = generateRecording();
  const eventsJson = JSON.stringify(events);
  console.error(
    `generated ${events.length} events, ${(bytes / 1e6).toFixed(1)} MB, ${(durationMs / 60000).toFixed(1)} min in ${Math.round(performance.now() - t0)} ms`,
  );

  // The devkit runs in its own process, as under `replay-devkit dev`: its synchronous work (SQLite
  // reads, the privacy scan) must not stall this process, which drives the browser.
  const child = spawn(process.execPath, [join(here, "serve-devkit.mjs"), SESSION, WINDOW], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const ready = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`serve-devkit.mjs exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
  });
  const devkitPort = ready.port;
  console.error(`devkit child ingested the recording into SQLite in ${ready.ingestMs} ms`);

  const baseline = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/events.json") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(eventsJson);
    }
    if (url.pathname.startsWith("/rrweb-player/")) {
      const name = url.pathname.slice("/rrweb-player/".length);
      if (name === "style.css" || name === "rrweb-player.umd.cjs") {
        res.writeHead(200, { "content-type": name.endsWith(".css") ? "text/css" : "text/javascript" });
        return res.end(readFileSync(join(playerDist, name)));
      }
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end(BASELINE_HTML);
  });
  const baselinePort = await listen(baseline);

  const browser = await launchChromium();
  const seekFrom = [];
  const samples = {
    ours: { ttff: [], loaded: [], block: [], mid: [], end: [] },
    base: { ttff: [], loaded: [], block: [], mid: [], end: [] },
  };
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const variant of ["ours", "base"]) {
        const context = await newDesktopContext(browser);
        await context.addInitScript(LONGTASKS);
        const page = await context.newPage();
        const url =
          variant === "ours"
            ? `http://127.0.0.1:${devkitPort}/recording/?id=${SESSION}`
            : `http://127.0.0.1:${baselinePort}/`;
        await page.goto(url);
        const ttff = await firstFrame(page);
        let loaded;
        if (variant === "ours") {
          const mark = await page.waitForFunction(
            () => performance.getEntriesByName("replay-devkit:events-loaded")[0]?.startTime ?? false,
            undefined,
            { timeout: 180_000 },
          );
          loaded = await mark.jsonValue();
          // Let the privacy scan that follows the load finish, so it does not share the seeks' CPU.
          await page.waitForFunction(
            () => performance.getEntriesByType("resource").some((e) => e.name.includes("/findings")),
            undefined,
            { timeout: 180_000 },
          );
        } else {
          await page.waitForFunction(() => typeof window.loadedAt === "number", undefined, {
            timeout: 180_000,
          });
          loaded = await page.evaluate(() => window.loadedAt);
        }
        const block = await page.evaluate(() => Math.max(0, ...window.__longtasks));
        const seek = variant === "ours" ? OURS_SEEK : BASELINE_SEEK;
        await timeSeek(page, seek, 0);
        const mid = await timeSeek(page, seek, 0.5);
        await timeSeek(page, seek, 0);
        const end = await timeSeek(page, seek, 0.999);
        if (variant === "ours") seekFrom.push(await page.getByTestId("time").getAttribute("data-seek-from"));
        // A seek that skipped work would leave the wrong page behind; check the replayed DOM.
        const items = await page.evaluate((src) => new Function(src)(), LIVE_ITEMS);
        if (items !== 150)
          throw new Error(
            `${variant}: after seeking to the end the live list has ${items} items, expected 150`,
          );
        const s = samples[variant];
        s.ttff.push(ttff);
        s.loaded.push(loaded);
        s.block.push(block);
        s.mid.push(mid);
        s.end.push(end);
        console.error(
          `${variant} run ${run + 1}: first frame ${Math.round(ttff)} ms, all loaded ${Math.round(loaded)} ms, longest task ${Math.round(block)} ms, seek mid ${Math.round(mid)} ms, seek end ${Math.round(end)} ms`,
        );
        await context.close();
      }
    }
  } finally {
    await browser.close();
    child.kill("SIGTERM");
    baseline.closeAllConnections();
    baseline.close();
  }

  const row = (name, key, note) => {
    const ours = median(samples.ours[key]);
    const base = median(samples.base[key]);
    return {
      name,
      unit: "ms",
      median: ours,
      baseline: { name: "rrweb-player 2.1.6, all events from one JSON file", median: base },
      ratio: base / ours,
      note: `${note} Ratio is baseline / ours (above 1 = ours faster).`,
      samples: samples.ours[key],
    };
  };
  writeBenchReport(
    "inspector",
    [
      row(
        "time to first frame (navigation → first snapshot drawn)",
        "ttff",
        "Ours starts after the first events page.",
      ),
      row("longest main-thread task while loading", "block", "PerformanceObserver longtask, whole load."),
      row("all events loaded and playable", "loaded", "Ours pages the rest in after the first frame."),
      row(
        "seek start → middle (until painted)",
        "mid",
        "Timeline pointerdown vs player.goto, then two frames.",
      ),
      row("seek start → end (until painted)", "end", "Timeline pointerdown vs player.goto, then two frames."),
    ],
    {
      recording: { events: events.length, jsonBytes: bytes, durationMs },
      runs: RUNS,
      oursLastSeekServedFrom: seekFrom,
      baselineSamples: samples.base,
    },
  );
}

await main();
