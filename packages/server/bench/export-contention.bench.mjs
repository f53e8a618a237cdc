// Does an export stall capture? Ingest latency of real posthog-js /s/ bodies while a client
// exports a long recording in a loop, against the same ingest load without exports (baseline,
// same run, same server), for exports rendered inline on the main thread and in the export worker.
//
// The long recording is built with the store before any timing: posthog-js run A's rrweb events
// (shared/fixtures/posthog-js-capture) repeated with shifted timestamps over BENCH_MINUTES (45) at
// BENCH_DENSITY (4) times the captured event rate, so tens of MB of events. Ingest is open-loop:
// one /s/ body every 1000/BENCH_RATE ms whatever the server does (as browsers do: a blocked server
// does not slow them down), each with fresh $snapshot uuids so every one is stored. The export
// client fetches posthog, rrweb, har, bundle and findings in turn, one at a time, scrubbed (the
// default). Servers run in a child process (export-contention-server.mjs) from the built dist:
//   pnpm --filter @replay-devkit/server build && node bench/export-contention.bench.mjs
// Knobs (env): BENCH_SECONDS (8), BENCH_REPS (2), BENCH_RATE (100 req/s), BENCH_MINUTES, BENCH_DENSITY.
import { join } from "node:path";
import { Agent } from "node:http";
import { fileURLToPath } from "node:url";
import { openStore } from "@replay-devkit/store";
import { ingestLoad, prepareBodies, send, startServer } from "./contention.mjs";
import { capturedRrwebEvents, median, tempDir, writeBenchReport } from "@replay-devkit/test-utils";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const REPS = Number(process.env.BENCH_REPS ?? 2);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 45);
const DENSITY = Number(process.env.BENCH_DENSITY ?? 4);
const WARMUP_SECONDS = 1;
const MODES = ["inline", "worker"];
const EXPORTS = [
  "export?format=posthog",
  "export?format=rrweb",
  "export?format=har",
  "export?format=bundle",
  "findings",
];
const LONG_ID = "bench-long-recording";
const SERVER_SCRIPT = fileURLToPath(new URL("./export-contention-server.mjs", import.meta.url));

// ---- the long recording ----------------------------------------------------------------------------

function buildLongRecording(file) {
  // The fixture keeps the `cv` marker on events whose fields it expanded; stored events have none.
  const template = capturedRrwebEvents("A").map(({ event }) => {
    const copy = { ...event };
    delete copy.cv;
    return copy;
  });
  const first = template[0].timestamp;
  const span = template.at(-1).timestamp - first + 1000;
  const loopMs = span / DENSITY;
  const loops = Math.ceil((MINUTES * 60_000) / loopMs);
  const start = Date.now() - MINUTES * 60_000;
  const store = openStore(file);
  let events = 0;
  let jsonBytes = 0;
  const began = performance.now();
  try {
    for (let loop = 0; loop < loops; loop++) {
      const shift = start + loop * loopMs - first;
      const batch = template.map((event) => ({
        ...event,
        timestamp: Math.round(first + (event.timestamp - first) / DENSITY + shift),
      }));
      jsonBytes += JSON.stringify(batch).length;
      events += batch.length;
      store.ingestRrweb(LONG_ID, "main-window", batch, { batchId: `loop-${loop}`, distinctId: "bench-user" });
    }
  } finally {
    store.close();
  }
  return { loops, events, jsonBytes, buildSeconds: (performance.now() - began) / 1000 };
}

// ---- one phase: open-loop ingest for SECONDS, with or without the export loop ---------------------------

async function phase({ port, seconds, bodies, cursor, exporting }) {
  const exportAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const exportsDone = [];
  const exportFailures = [];
  let stopExports = false;
  const exportLoop = (async () => {
    let i = 0;
    while (exporting && !stopExports) {
      const path = `/api/recordings/${LONG_ID}/${EXPORTS[i++ % EXPORTS.length]}`;
      const began = performance.now();
      const res = await send(exportAgent, port, "GET", path);
      if (res.status !== 200) {
        exportFailures.push(`${path}: ${res.status} ${res.text.slice(0, 200)}`);
        continue;
      }
      exportsDone.push({ path, ms: performance.now() - began, bytes: res.bytes });
    }
  })();
  const ingest = await ingestLoad({ port, seconds, rate: RATE, bodies, cursor });
  // Exports stop with the sending window; what is still in flight then drains on its own.
  stopExports = true;
  await exportLoop;
  exportAgent.destroy();
  return { ...ingest, exportFailures, exports: exportsDone };
}

// ---- main ------------------------------------------------------------------------------------------------

const dir = tempDir("replay-devkit-export-bench-");
const notes = [];
const results = { inline: { baseline: [], exports: [] }, worker: { baseline: [], exports: [] } };
let built;
try {
  const file = join(dir.path, "recordings.db");
  built = buildLongRecording(file);
  const perPhase = Math.floor(SECONDS * RATE);
  const bodies = prepareBodies(MODES.length * REPS * (2 * perPhase + WARMUP_SECONDS * RATE) + 10);
  console.error(
    `export contention bench: ${MINUTES} min recording, ${built.events} events, ` +
      `${(built.jsonBytes / 1e6).toFixed(1)} MB of event JSON (built in ${built.buildSeconds.toFixed(1)} s); ` +
      `${RATE} /s/ per second, ${REPS} x ${SECONDS} s per phase`,
  );
  const cursor = { next: 0 };
  for (let rep = 0; rep < REPS; rep++) {
    for (const mode of MODES) {
      const server = await startServer(SERVER_SCRIPT, [mode, file]);
      try {
        await phase({ port: server.port, seconds: WARMUP_SECONDS, bodies, cursor, exporting: false });
        const baseline = await phase({
          port: server.port,
          seconds: SECONDS,
          bodies,
          cursor,
          exporting: false,
        });
        const loaded = await phase({ port: server.port, seconds: SECONDS, bodies, cursor, exporting: true });
        results[mode].baseline.push(baseline);
        results[mode].exports.push(loaded);
        const exportMs = median(loaded.exports.map((e) => e.ms));
        console.error(
          `  rep ${rep + 1} ${mode.padEnd(6)} without exports: p50 ${baseline.p50.toFixed(1)} ms, p99 ${baseline.p99.toFixed(1)} ms | ` +
            `with exports: p50 ${loaded.p50.toFixed(1)} ms, p99 ${loaded.p99.toFixed(1)} ms, max ${loaded.max.toFixed(0)} ms, ` +
            `${loaded.failures} failed ` +
            `(${loaded.exports.length} exports, median ${exportMs.toFixed(0)} ms)`,
        );
        for (const run of [baseline, loaded]) {
          if (run.failures > 0)
            notes.push(
              `rep ${rep + 1} ${mode}: ${run.failures} /s/ requests failed, first: ${run.firstFailure}`,
            );
        }
        for (const failure of loaded.exportFailures)
          notes.push(`rep ${rep + 1} ${mode}: export failed: ${failure}`);
        if (loaded.exports.length === 0)
          notes.push(`rep ${rep + 1} ${mode}: no export finished within the phase`);
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  dir.cleanup();
}

// ---- report ----------------------------------------------------------------------------------------------

const med = (mode, kind, key) => median(results[mode][kind].map((r) => r[key]));
const rows = [];
for (const mode of MODES) {
  for (const key of ["p50", "p99"]) {
    const ours = med(mode, "exports", key);
    const base = med(mode, "baseline", key);
    rows.push({
      name: `${mode}: /s/ ${key} during exports`,
      unit: "ms",
      median: ours,
      baseline: { name: `${mode}: /s/ ${key} without exports`, median: base },
      ratio: ours / base,
      note: "with exports / without, lower is better (1 = exports do not slow ingest)",
      samples: results[mode].exports.map((r) => r[key]),
    });
  }
  rows.push({
    name: `${mode}: /s/ requests failed during exports`,
    unit: "requests",
    median: median(results[mode].exports.map((r) => r.failures)),
    baseline: {
      name: `${mode}: /s/ requests failed without exports`,
      median: median(results[mode].baseline.map((r) => r.failures)),
    },
    note: "connection resets and non-200 answers (a browser would retry or drop these)",
    samples: results[mode].exports.map((r) => r.failures),
  });
  rows.push({
    name: `${mode}: export or scan duration`,
    unit: "ms",
    median: median(results[mode].exports.flatMap((r) => r.exports.map((e) => e.ms))),
    note: "one GET of the long recording, cycling posthog, rrweb, har, bundle, findings",
    samples: results[mode].exports.flatMap((r) => r.exports.map((e) => e.ms)),
  });
}
for (const key of ["p50", "p99"]) {
  const ours = med("worker", "exports", key);
  const base = med("inline", "exports", key);
  rows.push({
    name: `worker vs inline: /s/ ${key} during exports`,
    unit: "ms",
    median: ours,
    baseline: { name: `inline: /s/ ${key} during exports`, median: base },
    ratio: ours / base,
    note: "worker / inline, lower is better",
  });
}

const exportSizes = {};
for (const mode of MODES)
  for (const run of results[mode].exports) for (const e of run.exports) exportSizes[e.path] = e.bytes;
writeBenchReport("export-contention", rows, {
  recording: {
    minutes: MINUTES,
    density: DENSITY,
    events: built.events,
    eventJsonMB: built.jsonBytes / 1e6,
    source:
      "posthog-js run A rrweb events (shared/fixtures/posthog-js-capture), repeated with shifted timestamps",
  },
  exportBytes: exportSizes,
  ingest: {
    ratePerSecond: RATE,
    seconds: SECONDS,
    reps: REPS,
    bodies: "every captured POST /s/, fresh uuids",
  },
  perRun: Object.fromEntries(
    MODES.map((mode) => [
      mode,
      Object.fromEntries(
        ["baseline", "exports"].map((kind) => [
          kind,
          results[mode][kind].map(({ requests, failures, p50, p99, max, exports }) => ({
            requests,
            failures,
            p50,
            p99,
            max,
            exports: exports.length,
          })),
        ]),
      ),
    ]),
  ),
  notes,
});
if (notes.length > 0) console.error(`\nnotes:\n  ${notes.join("\n  ")}`);
// Worker mode exists so that capture never fails during an export.
if (notes.some((n) => n.includes(" worker: "))) process.exitCode = 1;
