// Pull throughput against a raw download of the same bytes (run `pnpm build` first).
// The stand-in PostHog API (test-utils) serves the shared capture's two-tab recording in blocks of 3
// lines. Ours: `pullRecording` (metadata, sources, every block 20 per request as length-prefixed
// Snappy, the session's events, then decoding into unpacked events). Baseline: plain `fetch` of the
// same block ranges, bodies read and thrown away: the transfer floor for these bytes on this machine.
import {
  STAND_IN_KEY,
  standInRecording,
  startPosthogStandIn,
  timeAlternating,
  timedRow,
  writeBenchReport,
} from "@replay-devkit/test-utils";
import { MAX_BLOCKS_PER_REQUEST, PosthogClient, pullRecording } from "../dist/index.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const standIn = await startPosthogStandIn();
const rec = standInRecording(["A", "B"], 3);
standIn.addRecording(rec);
const bytes = standIn.rawBlocks(rec.sessionId).length;
const mb = bytes / 1024 / 1024;
const base = `${standIn.url}/api/environments/${standIn.projectId}/session_recordings/${rec.sessionId}/snapshots`;

async function rawDownload() {
  for (let start = 0; start < rec.blocks.length; start += MAX_BLOCKS_PER_REQUEST) {
    const end = Math.min(rec.blocks.length, start + MAX_BLOCKS_PER_REQUEST) - 1;
    const res = await fetch(
      `${base}?source=blob_v2&start_blob_key=${start}&end_blob_key=${end}&decompress=false`,
      {
        headers: { authorization: `Bearer ${STAND_IN_KEY}` },
      },
    );
    await res.arrayBuffer();
  }
}

async function pull() {
  const client = new PosthogClient({
    host: standIn.url,
    projectId: String(standIn.projectId),
    apiKey: STAND_IN_KEY,
  });
  await pullRecording(client, rec.sessionId);
}

const times = await timeAlternating({ pull, raw: rawDownload }, { runs: RUNS, warmup: 2 });
await standIn.close();
writeBenchReport(
  "posthog-pull",
  [
    timedRow({
      name: `pull ${rec.blocks.length} blocks (${(bytes / 1024).toFixed(0)} KB Snappy) + decode`,
      unit: "MB/s",
      ms: times.pull,
      baseline: { name: "raw fetch of the same block ranges", ms: times.raw },
      per: (ms) => mb / (ms / 1000),
      note: "higher is better; MB of Snappy bodies per second; ours also fetches metadata, sources and events and decodes",
    }),
  ],
  {
    blocks: rec.blocks.length,
    bodyBytes: bytes,
    requestsPerPull: Math.ceil(rec.blocks.length / MAX_BLOCKS_PER_REQUEST) + 3,
  },
);
