// Recording-list benchmark: the first page of 10,000 recordings in every order the list offers,
// against the default order (start time, read off its index) measured in the same run. Orders by
// fields that live only in the metadata JSON have no index; this shows what that costs.
import { join } from "node:path";
import { tempDir, timedRow, timeRuns, writeBenchReport } from "@replay-devkit/test-utils";
import { openStore, RECORDING_SORT_FIELDS } from "../dist/index.js";

const RECORDINGS = 10_000;
const PAGE = 25;

const dir = tempDir("store-list-bench-");
const store = openStore(join(dir.path, "list.db"));
const base = Date.UTC(2026, 0, 1);
const started = performance.now();
for (let i = 0; i < RECORDINGS; i++) {
  const start = base + i * 60_000;
  const events = [];
  // Five pages per recording, so the metadata carries a realistic list of URLs.
  for (let p = 0; p < 5; p++)
    events.push({
      type: 4,
      timestamp: start + p * 1000,
      data: { href: `https://shop.example/${(i * 7 + p) % 997}/item?ref=${i}`, width: 1280, height: 800 },
    });
  for (let c = 0; c < (i * 13) % 9; c++)
    events.push({ type: 3, timestamp: start + 5000 + c, data: { source: 2, type: 2, id: 1, x: 1, y: 1 } });
  store.ingestRrweb(`r-${i}`, "w", events, { distinctId: `user-${(i * 31) % 500}` });
}
console.error(`${RECORDINGS} recordings stored in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const firstPage =
  (sort, offset = 0) =>
  () => {
    const { recordings, total } = store.listRecordings({ sort, limit: PAGE, offset });
    if (recordings.length !== PAGE || total !== RECORDINGS) throw new Error(`${sort}: bad page`);
  };
const baseline = { name: "newest (start_ms index)", ms: await timeRuns(firstPage("newest"), 15, 3) };
const rows = [];
for (const field of RECORDING_SORT_FIELDS) {
  for (const dir of ["desc", "asc"]) {
    const sort = `${field}:${dir}`;
    rows.push(
      timedRow({
        name: `listRecordings first page, sort=${sort}`,
        unit: "ms",
        ms: await timeRuns(firstPage(sort), 15, 3),
        baseline,
        note: "ratio = ours / baseline (lower is faster)",
      }),
    );
  }
}
// A page deep in the list: every row before it passes through the sorter.
const deepBaseline = { name: "newest, offset 5000", ms: await timeRuns(firstPage("newest", 5000), 15, 3) };
rows.push(
  timedRow({
    name: "listRecordings page at offset 5000, sort=clickCount:desc",
    unit: "ms",
    ms: await timeRuns(firstPage("clickCount:desc", 5000), 15, 3),
    baseline: deepBaseline,
    note: "ratio = ours / baseline (lower is faster)",
  }),
);
store.close();
dir.cleanup();
writeBenchReport("store-list", rows, { recordings: RECORDINGS, pageSize: PAGE });
