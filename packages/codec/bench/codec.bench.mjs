// Codec throughput against a baseline measured in the same run: plain gunzip + JSON.parse (decode)
// and JSON.stringify + gzip (encode) of the same data. Runs against the built dist.
// Usage: pnpm --filter @replay-devkit/codec bench
import { gunzipSync as zlibGunzipSync } from "node:zlib";
import { gunzipSync, gzipSync, strFromU8, strToU8 } from "fflate";
import {
  capturedBody,
  capturedRequests,
  median,
  timeRuns,
  writeBenchReport,
} from "@replay-devkit/test-utils";
import {
  computeMetadata,
  decodeCaptureBody,
  groupRecordings,
  packEvent,
  readRecordingFile,
  splitCaptureEvents,
  writeBlobV2,
  writeBundle,
  writePosthogExport,
} from "../dist/index.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_BYTES = Number(process.env.BENCH_MB ?? 8) * 1024 * 1024;
const MB = 1024 * 1024;

// A real recording (posthog-js 1.449.2, run A), decoded from its raw capture bodies.
const snapshots = [];
const others = [];
for (const request of capturedRequests()) {
  if (request.run !== "A" || request.method !== "POST" || request.kind === "flags" || !request.body_file)
    continue;
  const split = splitCaptureEvents(decodeCaptureBody(capturedBody(request)).events);
  snapshots.push(...split.snapshots);
  others.push(...split.others);
}
const [base] = groupRecordings(snapshots, others);
const baseEvents = base.windows[0].events;
const span = baseEvents.at(-1).timestamp - baseEvents[0].timestamp + 1000;
const baseSize = JSON.stringify(baseEvents).length;
const copies = Math.max(1, Math.round(TARGET_BYTES / baseSize));
const events = [];
for (let c = 0; c < copies; c++)
  for (const e of baseEvents) events.push({ ...e, timestamp: e.timestamp + c * span });
const recording = { ...base, windows: [{ windowId: base.windows[0].windowId, events }] };

// Capture body as posthog-js sends it: one gzip array of $snapshot events with packed (cv) rrweb events,
// about 200 rrweb events per $snapshot.
const packed = events.map(packEvent);
const captureEvents = [];
for (let i = 0; i < packed.length; i += 200) {
  captureEvents.push({
    event: "$snapshot",
    properties: {
      $session_id: recording.sessionId,
      $window_id: recording.windows[0].windowId,
      $snapshot_data: packed.slice(i, i + 200),
      distinct_id: "bench",
    },
    timestamp: new Date(events[i].timestamp).toISOString(),
  });
}
const captureJson = strToU8(JSON.stringify(captureEvents));
const captureGz = gzipSync(captureJson, { level: 6 });
const exportText = writePosthogExport(recording);
const exportJson = strToU8(exportText);
const exportGz = gzipSync(exportJson, { level: 6 });
const blobText = writeBlobV2(recording);

const mbps = (bytes, ms) => bytes / MB / (ms / 1000);
const rows = [];
async function measure(name, bytes, fn, baseline) {
  const ours = await timeRuns(fn, RUNS, 1);
  const base = await timeRuns(baseline.fn, RUNS, 1);
  const row = {
    name,
    unit: "MB/s",
    median: mbps(bytes, median(ours)),
    baseline: { name: baseline.name, median: mbps(bytes, median(base)) },
    note: `${(bytes / MB).toFixed(1)} MB of JSON; ratio = ours / baseline (higher is better)`,
    samples: ours.map((ms) => mbps(bytes, ms)),
  };
  row.ratio = row.median / row.baseline.median;
  rows.push(row);
}

const plainDecode = (gz) => ({
  name: "fflate gunzipSync + JSON.parse",
  fn: () => JSON.parse(new TextDecoder().decode(gunzipSync(gz))),
});

await measure(
  "decode capture body (+ unpack cv events)",
  captureJson.length,
  () => splitCaptureEvents(decodeCaptureBody(captureGz).events),
  plainDecode(captureGz),
);
await measure(
  "decode capture body, envelope only",
  captureJson.length,
  () => decodeCaptureBody(captureGz),
  plainDecode(captureGz),
);
await measure(
  "readRecordingFile(posthog export .json.gz)",
  exportJson.length,
  () => readRecordingFile(exportGz),
  plainDecode(exportGz),
);
await measure(
  "readRecordingFile(blob_v2 JSONL)",
  blobText.length,
  () => readRecordingFile(strToU8(blobText)),
  {
    name: "split lines + JSON.parse",
    fn: () => blobText.split("\n").map((l) => JSON.parse(l)),
  },
);
// The naive way to pack: the same fields, stringified, gzipped and turned into latin-1 strings.
const packFields = (e) =>
  e.type === 2
    ? [e.data]
    : e.type === 3 && e.data.source === 0
      ? [e.data.texts, e.data.attributes, e.data.removes, e.data.adds]
      : e.type === 3 && e.data.source === 8
        ? [e.data.adds, e.data.removes].filter(Boolean)
        : [];
await measure("packEvent (cv 2024-10) all events", exportJson.length, () => events.map(packEvent), {
  name: "stringify + gzipSync + latin-1 of the same fields",
  fn: () =>
    events.map((e) => packFields(e).map((f) => strFromU8(gzipSync(strToU8(JSON.stringify(f))), true))),
});
await measure(
  "writePosthogExport + gzip",
  exportJson.length,
  () => gzipSync(strToU8(writePosthogExport(recording))),
  {
    name: "JSON.stringify + gzipSync",
    fn: () => gzipSync(strToU8(JSON.stringify({ version: "2023-04-28", data: { snapshots: events } }))),
  },
);
await measure(
  "writeBundle (sha256, per-window gzip, zip)",
  exportJson.length,
  () => writeBundle(recording, { producer: "bench" }),
  {
    name: "JSON.stringify + gzipSync",
    fn: () => gzipSync(strToU8(JSON.stringify(events))),
  },
);
await measure("computeMetadata", exportJson.length, () => computeMetadata(recording), {
  name: "JSON.stringify (size pass alone)",
  fn: () => events.map((e) => JSON.stringify(e)),
});

// Context: node's native zlib as a second, faster baseline for decode.
const zlibMs = median(await timeRuns(() => JSON.parse(zlibGunzipSync(exportGz).toString("utf8")), RUNS, 1));

writeBenchReport("codec", rows, {
  events: events.length,
  captureJsonBytes: captureJson.length,
  captureGzipBytes: captureGz.length,
  exportJsonBytes: exportJson.length,
  exportGzipBytes: exportGz.length,
  nodeZlibGunzipJsonParseMBps: mbps(exportJson.length, zlibMs),
  runs: RUNS,
});
