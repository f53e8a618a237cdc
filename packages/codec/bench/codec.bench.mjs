// Codec throughput against a baseline measured in the same run: plain gunzip + JSON.parse (decode)
// and JSON.stringify + gzip (encode) of the same data. Runs against the built dist.
// Usage: pnpm --filter @replay-devkit/codec bench
import { gunzipSync as zlibGunzipSync } from "node:zlib";
import { gunzipSync, gzipSync, strFromU8, strToU8 } from "fflate";
import * as snappyjs from "snappyjs";
import {
  capturedBody,
  capturedRequests,
  median,
  timedRow,
  timeRuns,
  writeBenchReport,
} from "@replay-devkit/test-utils";
import {
  computeMetadata,
  decodeCaptureBody,
  groupRecordings,
  packEvent,
  readRecordingFile,
  snappyUncompressCapped,
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
  rows.push(
    timedRow({
      name,
      unit: "MB/s",
      ms: ours,
      baseline: { name: baseline.name, ms: base },
      per: (ms) => mbps(bytes, ms),
      note: `${(bytes / MB).toFixed(1)} MB of JSON; ratio = ours / baseline (higher is better)`,
    }),
  );
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
// PostHog's decompress=false download: ~1 MB session blocks, each 4-byte length + raw Snappy.
const blobLines = blobText.split("\n");
const snappyBlocks = [];
for (let i = 0, start = 0; i <= blobLines.length; i++) {
  const size = blobLines.slice(start, i).reduce((n, l) => n + l.length + 1, 0);
  if (i === blobLines.length || size > MB) {
    if (i > start) snappyBlocks.push(snappyjs.compress(strToU8(`${blobLines.slice(start, i).join("\n")}\n`)));
    start = i;
  }
}
const snappyFile = new Uint8Array(snappyBlocks.reduce((n, b) => n + 4 + b.length, 0));
for (let i = 0, at = 0; i < snappyBlocks.length; at += 4 + snappyBlocks[i].length, i++) {
  new DataView(snappyFile.buffer).setUint32(at, snappyBlocks[i].length);
  snappyFile.set(snappyBlocks[i], at + 4);
}
const snappyPlainBytes = blobText.length + snappyBlocks.length;
await measure(
  "readRecordingFile(blob_v2 length-prefixed Snappy)",
  blobText.length,
  () => readRecordingFile(snappyFile),
  {
    name: "snappyjs uncompress + split lines + JSON.parse",
    fn: () =>
      snappyBlocks.flatMap((b) =>
        new TextDecoder()
          .decode(snappyjs.uncompress(b))
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l)),
      ),
  },
);
await measure(
  "snappyUncompressCapped, all blocks (bounds-checked raw Snappy)",
  snappyPlainBytes,
  () => snappyBlocks.map((b) => snappyUncompressCapped(b, 64 * MB)),
  { name: "snappyjs uncompress", fn: () => snappyBlocks.map((b) => snappyjs.uncompress(b)) },
);
// 2021 server storage: the events as one gzip of UTF-16 JSON, base64, cut into 512 KiB pieces.
const eventsJson = JSON.stringify(events);
const utf16 = new Uint8Array(2 + eventsJson.length * 2);
utf16.set([0xff, 0xfe]);
for (let i = 0; i < eventsJson.length; i++) {
  const unit = eventsJson.charCodeAt(i);
  utf16[2 + i * 2] = unit & 0xff;
  utf16[3 + i * 2] = unit >> 8;
}
const chunkText = Buffer.from(gzipSync(utf16, { level: 6 })).toString("base64");
const pieces = [];
for (let i = 0; i * 512 * 1024 < chunkText.length; i++) {
  pieces.push({
    chunk_id: "bench",
    chunk_index: i,
    chunk_count: Math.ceil(chunkText.length / (512 * 1024)),
    data: chunkText.slice(i * 512 * 1024, (i + 1) * 512 * 1024),
    compression: "gzip-base64",
    has_full_snapshot: true,
  });
}
const chunkedFile = strToU8(JSON.stringify({ result: { snapshots: pieces.reverse() } }));
await measure(
  "readRecordingFile(2021 chunked {result:{snapshots}})",
  eventsJson.length,
  () => readRecordingFile(chunkedFile),
  {
    name: "JSON.parse + join + base64 + gunzipSync + UTF-16 decode + JSON.parse",
    fn: () => {
      const doc = JSON.parse(new TextDecoder().decode(chunkedFile));
      const sorted = [...doc.result.snapshots].sort((a, b) => a.chunk_index - b.chunk_index);
      const gz = Buffer.from(sorted.map((p) => p.data).join(""), "base64");
      return JSON.parse(new TextDecoder("utf-16le").decode(gunzipSync(gz)));
    },
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
  snappyFileBytes: snappyFile.length,
  snappyBlocks: snappyBlocks.length,
  chunkedFileBytes: chunkedFile.length,
  chunkPieces: pieces.length,
  nodeZlibGunzipJsonParseMBps: mbps(exportJson.length, zlibMs),
  runs: RUNS,
});
