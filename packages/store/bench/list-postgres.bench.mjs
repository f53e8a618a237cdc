// Recording-list latency on PostgreSQL with 100,000 recordings: the first page in the default order
// (start time, read off its index) and in orders that read the metadata text, plus a page deep in the
// list, against the same query on 1,000 recordings measured in the same run. 1,000 recordings are
// stored through the store itself (so metadata and indexed columns are what ingest writes); the
// other 99,000 are SQL copies of them with their own ids and start times shifted, which is the same
// table a long-lived team server holds, made in seconds instead of minutes.
import { startPostgres, timedRow, timeRuns, writeBenchReport } from "@replay-devkit/test-utils";
import pg from "pg";
import { openRecordingStore } from "../dist/index.js";

const SEED = 1_000;
const COPIES = 99; // SEED * (1 + COPIES) recordings
const PAGE = 25;

const cluster = await startPostgres();
try {
  const small = await seed(await cluster.createDatabase(), SEED, 0);
  const large = await seed(await cluster.createDatabase(), SEED, COPIES);
  const rows = [];
  for (const sort of ["newest", "durationMs:desc", "clickCount:desc", "firstUrl:asc"]) {
    const baseline = {
      name: `${SEED} recordings, sort=${sort}`,
      ms: await timeRuns(page(small, sort), 15, 3),
    };
    rows.push(
      timedRow({
        name: `listRecordings first page of ${SEED * (COPIES + 1)} recordings, sort=${sort}`,
        unit: "ms",
        ms: await timeRuns(page(large, sort), 15, 3),
        baseline,
        note: "ratio = 100k / 1k recordings (1.0: independent of the table size)",
      }),
    );
  }
  rows.push(
    timedRow({
      name: `listRecordings page at offset 50000 of ${SEED * (COPIES + 1)}, sort=newest`,
      unit: "ms",
      ms: await timeRuns(page(large, "newest", 50_000), 15, 3),
      baseline: { name: "first page, sort=newest", ms: await timeRuns(page(large, "newest"), 15, 3) },
      note: "ratio = deep page / first page",
    }),
  );
  await small.store.close();
  await large.store.close();
  writeBenchReport("store-list-postgres", rows, {
    recordings: SEED * (COPIES + 1),
    seededThroughStore: SEED,
    pageSize: PAGE,
    postgres: "private cluster from Debian's postgresql (test-utils startPostgres)",
  });
} finally {
  await cluster.stop();
}

function page({ store, total }, sort, offset = 0) {
  return async () => {
    const result = await store.listRecordings({ sort, limit: PAGE, offset });
    if (result.recordings.length !== PAGE || result.total !== total) throw new Error(`${sort}: bad page`);
  };
}

async function seed(url, count, copies) {
  const store = await openRecordingStore({ driver: "postgres", url });
  const base = Date.UTC(2026, 0, 1);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const start = base + i * 60_000;
    const events = [];
    for (let p = 0; p < 5; p++)
      events.push({
        type: 4,
        timestamp: start + p * 1000,
        data: { href: `https://shop.example/${(i * 7 + p) % 997}/item?ref=${i}`, width: 1280, height: 800 },
      });
    for (let c = 0; c < (i * 13) % 9; c++)
      events.push({ type: 3, timestamp: start + 5000 + c, data: { source: 2, type: 2, id: 1, x: 1, y: 1 } });
    await store.ingestRrweb(`r-${i}`, "w", events, { distinctId: `user-${(i * 31) % 500}` });
  }
  if (copies > 0) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // Copy n: its own id (also inside the metadata), start and end shifted by n * count minutes.
    await client.query(
      `INSERT INTO recordings (id, distinct_id, source, created_at, updated_at, start_ms, end_ms, duration_ms,
         console_error_count, metadata, acc_state, person)
       SELECT r.id || '-c' || g, r.distinct_id, r.source, r.created_at, r.updated_at,
         r.start_ms + g * $1::bigint, r.end_ms + g * $1::bigint, r.duration_ms, r.console_error_count,
         replace(r.metadata, '"id":"' || r.id || '"', '"id":"' || r.id || '-c' || g || '"'), r.acc_state, r.person
       FROM recordings r CROSS JOIN generate_series(1, $2::int) AS g`,
      [count * 60_000, copies],
    );
    await client.query("ANALYZE recordings");
    await client.end();
  }
  console.error(
    `${count * (copies + 1)} recordings ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { store, total: count * (copies + 1) };
}
