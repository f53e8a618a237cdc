// Throughput of two devkit server processes on one store against one process, on PostgreSQL (the
// team server) and on one SQLite file, measured in the same run with the same bodies: the real
// posthog-js /s/ uploads (fresh uuids each) at 64 connections in total, spread round-robin over the
// processes as a load balancer would. Every acknowledged body is checked to be stored.
//   pnpm --filter @replay-devkit/server build && node packages/server/bench/team.bench.mjs
// Knobs (env): BENCH_SECONDS (3), BENCH_REPS (3), BENCH_POOL (8000).
import { mkdirSync } from "node:fs";
import { createDatabase, median, startPostgres, tempDir, writeBenchReport } from "@replay-devkit/test-utils";
import { createPool, loadTemplates, runLoad, startServer, storedEvents } from "./load.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const POOL = Number(process.env.BENCH_POOL ?? 8000);
const CONCURRENCY = 64;

const pool = createPool(loadTemplates());
pool.grow(POOL);
const postgres = await startPostgres();
const dir = tempDir("replay-devkit-team-bench-");
const results = {};
const notes = [];
try {
  for (const [storage, mode] of [
    ["postgres", "devkit-pg"],
    ["sqlite", "devkit"],
  ]) {
    for (const processes of [1, 2]) {
      const runDir = `${dir.path}/${storage}-${processes}`;
      mkdirSync(runDir);
      const pgUrl = storage === "postgres" ? await createDatabase(postgres) : undefined;
      const servers = [];
      for (let i = 0; i < processes; i++) servers.push(await startServer(mode, runDir, { pgUrl }));
      const ports = servers.map((s) => s.port);
      const cursor = { next: 0 };
      const accepted = new Map();
      try {
        const runs = [];
        for (let rep = -1; rep < REPS; rep++) {
          pool.grow(Math.min(cursor.next + 40_000, 200_000));
          const run = await runLoad({
            port: ports,
            concurrency: CONCURRENCY,
            seconds: rep < 0 ? 1 : SECONDS,
            pool,
            cursor,
            unique: true,
          });
          if (run.failures > 0)
            throw new Error(`${storage} x${processes}: ${run.failures} failed, first ${run.firstFailure}`);
          for (const [session, n] of run.perSession) accepted.set(session, (accepted.get(session) ?? 0) + n);
          if (rep < 0) continue; // warm-up
          runs.push(run);
          console.error(
            `  ${storage} x${processes} rep ${rep + 1}: ${run.reqPerSec.toFixed(0)} req/s, p99 ${run.p99.toFixed(1)} ms`,
          );
        }
        const stored = await storedEvents(ports[0]);
        for (const [session, count] of accepted)
          if (stored.get(session) !== count)
            notes.push(
              `${storage} x${processes}: session ${session} holds ${stored.get(session)} events, ${count} acknowledged`,
            );
        results[`${storage}-${processes}`] = runs;
      } finally {
        for (const server of servers) await server.stop();
      }
    }
  }
} finally {
  dir.cleanup();
  await postgres.stop();
}

const med = (key, field) => median(results[key].map((r) => r[field]));
const rows = [];
for (const storage of ["postgres", "sqlite"]) {
  const one = `${storage}-1`;
  const two = `${storage}-2`;
  rows.push({
    name: `two processes on one ${storage} store, c${CONCURRENCY}, req/s`,
    unit: "req/s",
    median: med(two, "reqPerSec"),
    baseline: { name: `one process, c${CONCURRENCY}`, median: med(one, "reqPerSec") },
    ratio: med(two, "reqPerSec") / med(one, "reqPerSec"),
    note: `two / one, higher is better; p99 ${med(two, "p99").toFixed(1)} ms vs ${med(one, "p99").toFixed(1)} ms`,
    samples: results[two].map((r) => r.reqPerSec),
  });
}
writeBenchReport("team-processes", rows, { concurrency: CONCURRENCY, seconds: SECONDS, reps: REPS, notes });
if (notes.length > 0) {
  console.error(notes.join("\n"));
  process.exitCode = 1;
}
