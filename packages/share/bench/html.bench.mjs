// The offline HTML file on the generated 60-minute recording (apps/inspector/bench/generate.mjs):
// its size against the portable bundle and against gzip of the events, and the time to first
// frame when opened from file:// in Chromium with the network blocked, against a plain
// self-contained page (rrweb's own UMD build with the events inline as JSON) in the same run.
/* global document */ // inside page.waitForFunction, run by Chromium
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { writeBundle } from "@replay-devkit/codec";
import { launchChromium, median, writeBenchReport } from "@replay-devkit/test-utils";
import { generateRecording } from "../../../apps/inspector/bench/generate.mjs";
import { renderHtml } from "../dist/index.js";
import { PLAYER_CSS, PLAYER_SCRIPT } from "../dist/generated/player.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "replay-share-bench-"));

const { events, durationMs } = generateRecording();
const recording = {
  sessionId: "bench-60min",
  distinctId: "bench",
  windows: [{ windowId: "bench-window", events }],
  posthogEvents: [],
};
const mb = (n) => n / 1024 / 1024;

let t = performance.now();
const html = renderHtml(recording, { producer: "bench", redactions: [], scrubbed: true });
const renderMs = performance.now() - t;
t = performance.now();
const bundle = await writeBundle(recording, { producer: "bench", createdAt: new Date(0) });
const bundleMs = performance.now() - t;
const eventsGzip = gzipSync(events.map((e) => JSON.stringify(e)).join("\n")).length;
const playerBytes = PLAYER_SCRIPT.length + PLAYER_CSS.length;

const htmlFile = join(dir, "recording.html");
writeFileSync(htmlFile, html);
// The plain way to make one self-contained file: rrweb's UMD build and the events as inline JSON.
const baselineFile = join(dir, "baseline.html");
const rrwebUmd = readFileSync(
  join(dirname(require.resolve("rrweb/dist/style.css")), "rrweb.umd.min.cjs"),
  "utf8",
);
writeFileSync(
  baselineFile,
  `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="root"></div>
<script type="application/json" id="events">${JSON.stringify(events).replace(/</g, "\\u003c")}</script>
<script>${rrwebUmd.replace(/<\/script/gi, "<\\/script")}</script>
<script>
  const events = JSON.parse(document.getElementById("events").textContent);
  const replayer = new rrweb.Replayer(events, { root: document.getElementById("root"), showWarning: false, mouseTail: false });
  replayer.pause(0);
</script></body></html>`,
);

async function firstFrame(browser, file) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const self = pathToFileURL(file).href;
  let requests = 0;
  await context.route("**", (route) => {
    if (route.request().url() === self) return route.continue();
    requests++;
    return route.abort();
  });
  const page = await context.newPage();
  const start = Date.now();
  await page.goto(self, { timeout: 180_000 });
  await page.waitForFunction(
    () => {
      const frame = document.querySelector("iframe");
      const body = frame && frame.contentDocument && frame.contentDocument.body;
      return body && body.childElementCount > 0;
    },
    undefined,
    { polling: "raf", timeout: 180_000 },
  );
  const ms = Date.now() - start;
  await context.close();
  if (requests !== 0) throw new Error(`${file} made ${requests} requests`);
  return ms;
}

const browser = await launchChromium();
const ours = [];
const baseline = [];
try {
  // Alternate so that machine load hits both alike.
  for (let i = 0; i < RUNS; i++) {
    ours.push(await firstFrame(browser, htmlFile));
    baseline.push(await firstFrame(browser, baselineFile));
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}

writeBenchReport(
  "share-html",
  [
    {
      name: "HTML file size vs bundle v2",
      unit: "MB",
      median: mb(html.length),
      baseline: { name: "bundle v2 zip of the same recording", median: mb(bundle.length) },
      ratio: html.length / bundle.length,
      note: "lower is better; the bundle also holds dom/ pages every 10 s",
    },
    {
      name: "HTML file size vs player + gzip of the events",
      unit: "MB",
      median: mb(html.length),
      baseline: { name: "player code + gzip(events JSONL)", median: mb(playerBytes + eventsGzip) },
      ratio: html.length / (playerBytes + eventsGzip),
      note: "target: at most player + 1.1x gzip",
    },
    {
      name: "time to first frame, HTML file from file://",
      unit: "ms",
      median: median(ours),
      baseline: { name: "rrweb UMD + inline events JSON, from file://", median: median(baseline) },
      ratio: median(ours) / median(baseline),
      samples: ours,
      note: "lower is better; network blocked, zero requests in both",
    },
  ],
  {
    durationMs,
    events: events.length,
    htmlBytes: html.length,
    bundleBytes: bundle.length,
    eventsGzipBytes: eventsGzip,
    playerBytes,
    baselineSamples: baseline,
    renderHtmlMs: Math.round(renderMs),
    writeBundleMs: Math.round(bundleMs),
  },
);
