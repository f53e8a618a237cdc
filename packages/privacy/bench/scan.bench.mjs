// Scan throughput on the largest public fixture, against a baseline measured in the same run:
// JSON.parse of the same events plus a walk that touches every value (the least any scanner must do).
// Run with `pnpm --filter @replay-devkit/privacy bench` after building (it uses dist/).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readRecordingFile } from "@replay-devkit/codec";
import { median, PUBLIC_FIXTURES, timedRow, timeRuns, writeBenchReport } from "@replay-devkit/test-utils";
import { scanRecording, scrubRecording } from "../dist/index.js";

const FIXTURE = "rrweb-player-example__mobile-homepage.json";
const RUNS = Number(process.env.BENCH_RUNS ?? 25);

const bytes = new Uint8Array(readFileSync(join(PUBLIC_FIXTURES, FIXTURE)));
const { recordings } = await readRecordingFile(bytes);
const recording = recordings[0];
if (!recording) throw new Error(`${FIXTURE} holds no recording`);

// The same events, serialized once, so every row processes identical content.
const eventsJson = JSON.stringify(recording.windows.map((w) => w.events));
const mb = Buffer.byteLength(eventsJson) / 1e6;

function walkAll(value) {
  let strings = 0;
  let chars = 0;
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      strings++;
      chars += v.length;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (v !== null && typeof v === "object") {
      for (const key in v) stack.push(v[key]);
    }
  }
  return strings + chars;
}

let sink = 0;
const baselineMs = await timeRuns(() => {
  sink += walkAll(JSON.parse(eventsJson));
}, RUNS);
const scanMs = await timeRuns(() => {
  sink += scanRecording(recording).totals.findings;
}, RUNS);
// End to end from the same JSON text, so the comparison with the baseline includes parsing too.
const parseScanMs = await timeRuns(() => {
  const windows = JSON.parse(eventsJson).map((events, i) => ({
    windowId: recording.windows[i].windowId,
    events,
  }));
  sink += scanRecording({ ...recording, windows }).totals.findings;
}, RUNS);
const scrubMs = await timeRuns(() => {
  sink += scrubRecording(recording).redactions.length;
}, RUNS);

const report = scanRecording(recording);
const per = (ms) => mb / (ms / 1000);
const baseline = { name: "JSON.parse + full walk", ms: baselineMs };
const row = (name, ms, note) => timedRow({ name, unit: "MB/s", ms, baseline, per, note });
const rows = [
  timedRow({ name: "JSON.parse + full walk (baseline)", unit: "MB/s", ms: baselineMs, per }),
  row(
    "scanRecording",
    scanMs,
    "ratio = scan MB/s / baseline MB/s (higher is better); the scan starts from parsed events",
  ),
  row(
    "JSON.parse + scanRecording",
    parseScanMs,
    "same work as the baseline (parse + visit every value) plus the detectors: the scan's real cost",
  ),
  row("scrubRecording", scrubMs, "scrub = scan pass + copy and rewrite of the events that change"),
];
writeBenchReport("privacy", rows, {
  fixture: FIXTURE,
  eventsMB: Number(mb.toFixed(3)),
  events: recording.windows.reduce((n, w) => n + w.events.length, 0),
  stringsScanned: report.scanned.strings,
  findings: report.totals.findings,
  runs: RUNS,
  medianMs: {
    baseline: median(baselineMs),
    scan: median(scanMs),
    parseAndScan: median(parseScanMs),
    scrub: median(scrubMs),
  },
  sink,
});
