// App-log cost to recording ingest: `dev -- <command>` writes the app's output into the same SQLite
// file the capture routes write to, on the same thread. A chatty dev server (800 lines a second)
// flushed every 250 ms (one appendAppLogs call per flush, as the CLI does) against the same
// ingest with no app logs, and against writing each line in its own transaction.
import { join } from "node:path";
import { tempDir, timedRow, timeRuns, writeBenchReport } from "@replay-devkit/test-utils";
import { openStore } from "../dist/index.js";

const TICKS = 120; // 30 s of 250 ms ticks
const EVENTS_PER_TICK = 40; // one posthog-js snapshot flush per tick
const LINES_PER_TICK = 200; // 800 lines/s
const RUNS = 5;

const dir = tempDir("store-app-logs-bench-");
let run = 0;

function events(tick) {
  const t0 = Date.now() + tick * 250;
  return Array.from({ length: EVENTS_PER_TICK }, (_, i) => ({
    type: 3,
    timestamp: t0 + i,
    data: { source: 1, positions: [{ x: i, y: tick, id: 4, timeOffset: 0 }] },
  }));
}
function lines(tick) {
  const t0 = Date.now();
  return Array.from({ length: LINES_PER_TICK }, (_, i) => ({
    timestamp: t0 + i,
    stream: i % 10 === 0 ? "stderr" : "stdout",
    text: `GET /api/items/${tick * LINES_PER_TICK + i} 200 in ${i % 50}ms`,
  }));
}

function workload(mode) {
  return (store) => {
    const session = `s-${run++}`;
    for (let tick = 0; tick < TICKS; tick++) {
      store.ingestRrweb(session, "w", events(tick), { batchId: `b-${tick}` });
      if (mode === "batched") store.appendAppLogs(lines(tick));
      else if (mode === "per-line") for (const line of lines(tick)) store.appendAppLogs([line]);
    }
  };
}

const options = (name) => ({
  runs: RUNS,
  warmup: 1,
  // A new file per run, so no run pays for the rows of the previous ones.
  setup: () => openStore(join(dir.path, `${name}-${run}.db`)),
  teardown: (store) => store.close(),
});

const baseline = { name: "ingest only, no app logs", ms: await timeRuns(workload("none"), options("none")) };
const rows = [
  timedRow({
    name: `ingest + app logs, one appendAppLogs per 250 ms flush (${LINES_PER_TICK} lines)`,
    unit: "ms per 30 s of traffic",
    ms: await timeRuns(workload("batched"), options("batched")),
    baseline,
    note: "ratio = ours / baseline (lower is faster)",
  }),
  timedRow({
    name: "ingest + app logs, one transaction per line (what batching avoids)",
    unit: "ms per 30 s of traffic",
    ms: await timeRuns(workload("per-line"), options("per-line")),
    baseline,
    note: "ratio = ours / baseline (lower is faster)",
  }),
];
dir.cleanup();
writeBenchReport("store-app-logs", rows, {
  ticks: TICKS,
  eventsPerTick: EVENTS_PER_TICK,
  linesPerTick: LINES_PER_TICK,
});
