// Ingest throughput and latency of the devkit's /s/ route under concurrency, against two baselines
// measured in the same run: (a) a bare node:http server that reads the body and answers 200, and
// (b) the same plus one better-sqlite3 (WAL) insert of the raw body, (c1) the same plus gunzip and
// JSON.parse of the body first (the least work any server that looks at the events must do). Bodies are the real /s/
// requests posthog-js 1.449.2 sent (shared/fixtures/posthog-js-capture), each copy given fresh
// $snapshot uuids so the devkit's idempotent ingest stores every request instead of skipping it.
//
// Every server runs in a child process; this process is only the load generator (node:http with a
// keep-alive agent, one connection per in-flight request). Run against the built dist:
//   pnpm --filter @replay-devkit/server build && pnpm --filter @replay-devkit/server bench
// Knobs (env): BENCH_MODES (bare,sqlite,parse,devkit,pg,devkit-pg; the pg modes run on a private PostgreSQL cluster), BENCH_SECONDS (3), BENCH_WARMUP_SECONDS (1), BENCH_REPS (3), BENCH_POOL (8000, the
// initial number of unique bodies; more are prepared between runs when the devkit is fast).
import { mkdirSync } from "node:fs";
import { createDatabase, median, startPostgres, tempDir, writeBenchReport } from "@replay-devkit/test-utils";
import { createPool, loadTemplates, runLoad, startServer, storedEvents } from "./load.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const POOL = Number(process.env.BENCH_POOL ?? 8000);
const CONCURRENCY = [16, 64];
const ALL_MODES = [
  { mode: "bare", name: "bare node:http (read body, 200)" },
  { mode: "sqlite", name: "node:http + 1 SQLite insert (WAL)" },
  { mode: "parse", name: "node:http + gunzip + JSON.parse + 1 SQLite insert (PLATFORM.md c1)" },
  { mode: "devkit", name: "replay-devkit server /s/" },
  { mode: "pg", name: "node:http + 1 pg insert (PostgreSQL)" },
  { mode: "devkit-pg", name: "replay-devkit server /s/ on PostgreSQL" },
];
// BENCH_MODES=bare,sqlite runs a subset (to check the baselines alone); the report needs all three.
const MODES = process.env.BENCH_MODES
  ? ALL_MODES.filter((m) => process.env.BENCH_MODES.split(",").includes(m.mode))
  : ALL_MODES;

// ---- request bodies, all prepared before any timing --------------------------------------------

// ---- main ----------------------------------------------------------------------------------------

const templates = loadTemplates();
const pool = createPool(templates);
pool.grow(POOL);
console.error(
  `ingest bench: ${templates.length} captured /s/ bodies -> ${POOL} unique bodies prepared in ` +
    `${(pool.prepMs / 1000).toFixed(1)} s; ${REPS} x ${SECONDS} s per config after ${WARMUP_SECONDS} s warm-up`,
);

const results = {}; // results[mode][concurrency] = [run, …]
const notes = [];
const verified = [];
const dir = tempDir("replay-devkit-ingest-bench-");
// A private PostgreSQL cluster (test-utils), started only when a PostgreSQL mode runs; one fresh
// database per server.
let postgres = null;
try {
  for (const { mode } of MODES) {
    results[mode] = {};
    for (const concurrency of CONCURRENCY) {
      // A fresh server and database per concurrency level, so the devkit's bodies only have to be
      // unique within one server's lifetime.
      const runDir = `${dir.path}/${mode}-c${concurrency}`;
      mkdirSync(runDir);
      let pgUrl;
      if (mode === "pg" || mode === "devkit-pg") {
        postgres ??= await startPostgres();
        pgUrl = await createDatabase(postgres);
      }
      const server = await startServer(mode, runDir, { pgUrl });
      const cursor = { next: 0 };
      const unique = mode === "devkit" || mode === "devkit-pg";
      const accepted = new Map(); // session id -> rrweb events acknowledged with {"status":1}
      const check = (run, label) => {
        if (run.failures > 0) {
          throw new Error(
            `${mode} c${concurrency} ${label}: ${run.failures} requests failed, first: ${run.firstFailure}`,
          );
        }
        for (const [session, n] of run.perSession) accepted.set(session, (accepted.get(session) ?? 0) + n);
      };
      try {
        const warmup = await runLoad({
          port: server.port,
          concurrency,
          seconds: WARMUP_SECONDS,
          pool,
          cursor,
          unique,
        });
        check(warmup, "warm-up");
        let rate = warmup.exhausted ? 2 * pool.bodies.length : warmup.reqPerSec;
        const runs = [];
        for (let rep = 0; rep < REPS; rep++) {
          // Room for twice the last rate, prepared now, outside the timed window.
          if (unique)
            pool.grow(Math.min(cursor.next + Math.ceil(Math.min(rate, 20_000) * SECONDS * 2), 200_000));
          const run = await runLoad({
            port: server.port,
            concurrency,
            seconds: SECONDS,
            pool,
            cursor,
            unique,
          });
          check(run, `rep ${rep + 1}`);
          if (run.exhausted)
            notes.push(`${mode} c${concurrency} rep ${rep + 1} stopped early: body pool exhausted`);
          rate = run.exhausted ? rate * 2 : run.reqPerSec;
          runs.push(run);
          console.error(
            `  ${mode.padEnd(6)} c${String(concurrency).padEnd(3)} rep ${rep + 1}: ${run.reqPerSec.toFixed(0)} req/s, ` +
              `${run.mbPerSec.toFixed(2)} MB/s, p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms`,
          );
        }
        if (unique) {
          // Every acknowledged body must have been stored, or the run measured something cheaper
          // than ingest (idempotent skips, dropped bodies).
          const stored = await storedEvents(server.port);
          for (const [session, count] of accepted) {
            const got = stored.get(session);
            if (got !== count)
              notes.push(
                `${mode} c${concurrency}: session ${session} has ${got} rrweb events, expected ${count}`,
              );
            else
              verified.push(
                `${mode} c${concurrency}: session ${session} holds all ${count} acknowledged rrweb events`,
              );
          }
        }
        results[mode][concurrency] = runs;
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  dir.cleanup();
  await postgres?.stop();
}

if (MODES.length !== ALL_MODES.length) {
  console.error("subset run (BENCH_MODES): no report written");
  process.exit(0);
}

// ---- report --------------------------------------------------------------------------------------

const med = (mode, concurrency, key) => median(results[mode][concurrency].map((r) => r[key]));
const label = Object.fromEntries(ALL_MODES.map(({ mode, name }) => [mode, name]));
const rows = [];
const compare = (concurrency, key, unit, base, better, ourMode = "devkit") => {
  const ours = med(ourMode, concurrency, key);
  const theirs = med(base, concurrency, key);
  rows.push({
    name: `${ourMode} c${concurrency} ${key} vs ${base}`,
    unit,
    median: ours,
    baseline: { name: `${label[base]} c${concurrency}`, median: theirs },
    ratio: ours / theirs,
    note: `ours / baseline, ${better} is better`,
    samples: results[ourMode][concurrency].map((r) => r[key]),
  });
};
for (const concurrency of CONCURRENCY) {
  for (const mode of ["bare", "sqlite", "parse", "pg"]) {
    rows.push({
      name: `${mode} c${concurrency} reqPerSec (baseline)`,
      unit: "req/s",
      median: med(mode, concurrency, "reqPerSec"),
      samples: results[mode][concurrency].map((r) => r.reqPerSec),
      note: `${label[mode]}; p50 ${med(mode, concurrency, "p50").toFixed(2)} ms, p99 ${med(mode, concurrency, "p99").toFixed(2)} ms`,
    });
  }
  for (const base of ["bare", "sqlite", "parse"]) {
    compare(concurrency, "reqPerSec", "req/s", base, "higher");
    compare(concurrency, "mbPerSec", "MB/s", base, "higher");
    compare(concurrency, "p50", "ms", base, "lower");
    compare(concurrency, "p99", "ms", base, "lower");
  }
  // The team server: the devkit on PostgreSQL against one pg insert per body.
  for (const base of ["bare", "pg"]) {
    compare(concurrency, "reqPerSec", "req/s", base, "higher", "devkit-pg");
    compare(concurrency, "p50", "ms", base, "lower", "devkit-pg");
    compare(concurrency, "p99", "ms", base, "lower", "devkit-pg");
  }
}

const poolBytes = pool.bodies.reduce((n, b) => n + b.length, 0);
writeBenchReport("ingest", rows, {
  bodies: {
    source:
      "shared/fixtures/posthog-js-capture, every POST /s/ (posthog-js 1.449.2), $snapshot uuids rewritten per request",
    captured: templates.length,
    prepared: pool.bodies.length,
    meanGzipBytes: poolBytes / pool.bodies.length,
    prepSeconds: pool.prepMs / 1000,
  },
  concurrency: CONCURRENCY,
  seconds: SECONDS,
  warmupSeconds: WARMUP_SECONDS,
  reps: REPS,
  mbPerSec: "MB of gzip request bodies acknowledged per second",
  perRun: Object.fromEntries(
    Object.entries(results).map(([mode, byC]) => [
      mode,
      Object.fromEntries(
        Object.entries(byC).map(([c, runs]) => [
          `c${c}`,
          runs.map(({ requests, elapsed, reqPerSec, mbPerSec, p50, p99 }) => ({
            requests,
            elapsed,
            reqPerSec,
            mbPerSec,
            p50,
            p99,
          })),
        ]),
      ),
    ]),
  ),
  verified,
  notes,
});
if (notes.length > 0) console.error(`\nnotes:\n  ${notes.join("\n  ")}`);
if (notes.some((n) => n.includes("expected"))) process.exitCode = 1;
