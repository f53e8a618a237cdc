// Store benchmark on a synthetic hour-long recording built from real posthog-js events (run A of the
// shared capture, repeated and shifted in time): ingest throughput against a bare better-sqlite3
// insert of the same gzip batches, full-stream read against parsing one JSON array, and storage size
// before and after compaction. Runs against the built dist.
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import {
  capturedRrwebEvents,
  tempDir,
  timedRow,
  timeRuns,
  writeBenchReport,
} from "@replay-devkit/test-utils";
import { openStore } from "../dist/index.js";

const BATCH = 50;
const TARGET_EVENTS = 60_000;
const SESSION = "bench-session";
const WINDOW = "bench-window";

function strip(packed) {
  const event = { ...packed };
  delete event.cv;
  return event;
}
const source = capturedRrwebEvents("A").map((e) => strip(e.event));
const span = source.at(-1).timestamp - source[0].timestamp + 1000;
const events = [];
for (let round = 0; events.length < TARGET_EVENTS; round++) {
  for (const e of source) events.push({ ...e, timestamp: e.timestamp + round * span });
}
events.length = TARGET_EVENTS;
const batches = [];
for (let i = 0; i < events.length; i += BATCH) {
  batches.push({
    sessionId: SESSION,
    windowId: WINDOW,
    distinctId: "bench",
    uuid: `b-${i}`,
    events: events.slice(i, i + BATCH),
  });
}
const rawBytes = Buffer.byteLength(JSON.stringify(events));
console.error(
  `${events.length} events in ${batches.length} batches, ${(rawBytes / 1e6).toFixed(1)} MB of JSON, ${((events.at(-1).timestamp - events[0].timestamp) / 60000).toFixed(0)} min`,
);

const dir = tempDir("store-bench-");
let run = 0;

function ingestStore() {
  const store = openStore(join(dir.path, `s${run++}.db`));
  for (const b of batches) store.ingestSnapshots([b]);
  return store;
}
function ingestBaseline() {
  const db = new Database(join(dir.path, `b${run++}.db`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE chunks (seq INTEGER PRIMARY KEY, session TEXT, window TEXT, data BLOB)");
  const insert = db.prepare("INSERT INTO chunks (session, window, data) VALUES (?, ?, ?)");
  for (const b of batches)
    insert.run(b.sessionId, b.windowId, gzipSync(JSON.stringify(b.events), { level: 1 }));
  db.close();
}

const ingestMs = await timeRuns(() => ingestStore().close(), 3, 1);
const baselineMs = await timeRuns(ingestBaseline, 3, 1);

const store = ingestStore();
/** Times reading the whole recording back, checking every event came out. */
async function timeStream() {
  let count = 0;
  const ms = await timeRuns(
    () => {
      count = 0;
      for (const item of store.iterateEvents(SESSION)) if (item.event) count++;
    },
    3,
    1,
  );
  if (count !== events.length) throw new Error(`stream returned ${count} events, expected ${events.length}`);
  return ms;
}
const streamMs = await timeStream();
const json = JSON.stringify(events);
const parseMs = await timeRuns(() => JSON.parse(json), 3, 1);

const compact = store.compact(SESSION);
const compactStreamMs = await timeStream();
store.close();
dir.cleanup();

const mbps = (ms) => rawBytes / 1e6 / (ms / 1000);
const parsed = { name: "JSON.parse of the whole event array", ms: parseMs };
writeBenchReport(
  "store",
  [
    timedRow({
      name: "ingestSnapshots (50-event batches, one transaction each)",
      unit: "batches/s",
      ms: ingestMs,
      baseline: { name: "bare better-sqlite3 insert of the gzip batch", ms: baselineMs },
      per: (ms) => batches.length / (ms / 1000),
    }),
    timedRow({
      name: "iterateEvents, whole recording (gzip chunks)",
      unit: "MB/s",
      ms: streamMs,
      baseline: parsed,
      per: mbps,
    }),
    timedRow({
      name: "iterateEvents, whole recording (after compact)",
      unit: "MB/s",
      ms: compactStreamMs,
      baseline: parsed,
      per: mbps,
    }),
    {
      name: "stored bytes after compact (brotli-q4 per window)",
      unit: "bytes",
      median: compact.bytesAfter,
      baseline: { name: "per-batch gzip chunks", median: compact.bytesBefore },
      ratio: compact.bytesBefore / compact.bytesAfter,
      note: "ratio = before / after (higher is smaller storage)",
    },
  ],
  {
    events: events.length,
    batches: batches.length,
    rawJsonBytes: rawBytes,
    chunksBefore: compact.chunksBefore,
    chunksAfter: compact.chunksAfter,
  },
);
