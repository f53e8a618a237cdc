// A screenshot-mode mobile recording (what React Native and Flutter send: a full-screen image per
// frame) in storage against its upload bytes. Frames are incompressible bytes, as JPEG data is;
// the upload is gzip'd JSON arrays of $snapshot events as the mobile SDKs post them. Storage is the
// store's own chunk bytes (per-batch gzip), then after compaction. Runs against the built dist.
// Usage: node bench/mobile.bench.mjs
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { decodeCaptureBody, splitCaptureEvents } from "@replay-devkit/codec";
import { tempDir, writeBenchReport } from "@replay-devkit/test-utils";
import { openStore } from "../dist/index.js";

const FRAMES = Number(process.env.BENCH_FRAMES ?? 120);
const FRAME_BYTES = Number(process.env.BENCH_FRAME_KB ?? 40) * 1024;
const PER_REQUEST = 5;
const SESSION = "bench-rn-screenshots";

// Deterministic noise (xorshift), so every run stores the same bytes.
let seed = 0x9e3779b9;
function noise(n) {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    out[i] = seed & 0xff;
  }
  return out;
}

const t0 = Date.UTC(2026, 11, 1, 9);
const frames = [];
for (let i = 0; i < FRAMES; i++) {
  const wireframe = {
    id: 1,
    x: 0,
    y: 0,
    width: 390,
    height: 844,
    type: "screenshot",
    base64: noise(FRAME_BYTES).toString("base64"),
  };
  frames.push(
    i === 0
      ? { type: 2, timestamp: t0, data: { wireframes: [wireframe], initialOffset: { top: 0, left: 0 } } }
      : { type: 3, timestamp: t0 + i * 500, data: { source: 0, updates: [{ parentId: 0, wireframe }] } },
  );
}
const bodies = [];
for (let i = 0; i < frames.length; i += PER_REQUEST) {
  const events = frames.slice(i, i + PER_REQUEST).map((frame, k) => ({
    event: "$snapshot",
    distinct_id: "bench",
    uuid: `frame-${i + k}`,
    timestamp: new Date(frame.timestamp).toISOString(),
    properties: {
      $snapshot_source: "mobile",
      $snapshot_data: [frame],
      $session_id: SESSION,
      $lib: "posthog-react-native",
    },
  }));
  bodies.push(gzipSync(JSON.stringify(events)));
}
const uploadBytes = bodies.reduce((n, b) => n + b.length, 0);

const dir = tempDir("bench-mobile-");
try {
  const store = openStore(join(dir.path, "bench.db"));
  for (const body of bodies)
    store.ingestSnapshots(splitCaptureEvents(decodeCaptureBody(body).events).snapshots);
  const summary = store.getRecording(SESSION);
  const compact = store.compact(SESSION);
  store.close();
  writeBenchReport(
    "store-mobile-screenshots",
    [
      ["per-batch gzip chunks", compact.bytesBefore],
      ["after compact", compact.bytesAfter],
    ].map(([when, stored]) => ({
      name: `stored bytes, screenshot mode (${when})`,
      unit: "bytes",
      median: stored,
      baseline: { name: "upload bytes (gzip capture bodies)", median: uploadBytes },
      ratio: stored / uploadBytes,
      note: "ratio = stored / uploaded (1 means storage costs what the upload did)",
    })),
    {
      frames: FRAMES,
      frameBytes: FRAME_BYTES,
      requests: bodies.length,
      jsonBytes: summary?.sizeBytes ?? null,
    },
  );
} finally {
  dir.cleanup();
}
