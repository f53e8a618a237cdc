import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "./paths.js";

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface TimeRunsOptions<C> {
  /** Measured runs (default 7). */
  runs?: number;
  /** Unmeasured runs first, to warm caches and the JIT (default 2). */
  warmup?: number;
  /**
   * Called before every run, warm-ups included, outside the timed span: fresh temp dirs, free ports,
   * anything a run must not share with the previous one. Its result is handed to `fn` and `teardown`.
   */
  setup?: () => C | Promise<C>;
  /** Called after every run, also when it threw, outside the timed span (stop servers, delete files). */
  teardown?: (context: C) => unknown;
}

/** Runs `fn` `runs` times (after `warmup` unmeasured runs) and returns each duration in ms. */
export async function timeRuns(fn: () => unknown, runs?: number, warmup?: number): Promise<number[]>;
/** The same with per-run setup and teardown that are not timed. */
export async function timeRuns<C>(
  fn: (context: C) => unknown,
  options: TimeRunsOptions<C>,
): Promise<number[]>;
export async function timeRuns<C>(
  fn: (context: C) => unknown,
  runsOrOptions: number | TimeRunsOptions<C> = {},
  warmupArg?: number,
): Promise<number[]> {
  const options: TimeRunsOptions<C> =
    typeof runsOrOptions === "number" ? { runs: runsOrOptions, warmup: warmupArg } : runsOrOptions;
  const { runs = 7, warmup = 2 } = options;
  const out: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const ms = await timeOnce(fn, options);
    if (i >= warmup) out.push(ms);
  }
  return out;
}

/**
 * Times several functions in turns (a, b, a, b, …) rather than one after the other, so a slow spell
 * on a shared machine lands on both sides of a comparison instead of skewing one of them.
 * Returns each function's durations in ms under its own key.
 */
export async function timeAlternating<K extends string>(
  fns: Readonly<Record<K, () => unknown>>,
  options: { runs?: number; warmup?: number } = {},
): Promise<Record<K, number[]>> {
  const { runs = 7, warmup = 2 } = options;
  const keys = Object.keys(fns) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < warmup + runs; i++) {
    for (const key of keys) {
      const ms = await timeOnce(fns[key], {});
      if (i >= warmup) out[key].push(ms);
    }
  }
  return out;
}

async function timeOnce<C>(fn: (context: C) => unknown, options: TimeRunsOptions<C>): Promise<number> {
  const context = (options.setup ? await options.setup() : undefined) as C;
  try {
    const start = performance.now();
    await fn(context);
    return performance.now() - start;
  } finally {
    if (options.teardown) await options.teardown(context);
  }
}

export interface BenchRow {
  name: string;
  /** What was measured, e.g. "MB/s", "ms", "req/s". */
  unit: string;
  median: number;
  /** The baseline measured in the same run, in the same unit. */
  baseline?: { name: string; median: number };
  /** ours / baseline (or baseline / ours for lower-is-better units, as stated in `note`). */
  ratio?: number;
  note?: string;
  samples?: number[];
}

export interface TimedRowInput {
  name: string;
  unit: string;
  /** Durations in ms of what is measured, e.g. from `timeRuns`. */
  ms: readonly number[];
  /** The same work done the plain way, measured in the same run. */
  baseline?: { name: string; ms: readonly number[] };
  /**
   * Turns a duration in ms into the row's unit, e.g. `(ms) => mb / (ms / 1000)` for MB/s.
   * Without it the row stays in ms.
   */
  per?: (ms: number) => number;
  note?: string;
}

/**
 * A report row from raw durations: the medians converted to the row's unit, `ratio` = ours / baseline
 * in that unit (so above 1 is better for rates and worse for "ms"), and the samples in the unit too.
 */
export function timedRow(input: TimedRowInput): BenchRow {
  const per = input.per ?? ((ms: number) => ms);
  const row: BenchRow = { name: input.name, unit: input.unit, median: per(median(input.ms)) };
  if (input.baseline) {
    row.baseline = { name: input.baseline.name, median: per(median(input.baseline.ms)) };
    row.ratio = row.median / row.baseline.median;
  }
  if (input.note !== undefined) row.note = input.note;
  row.samples = input.ms.map(per);
  return row;
}

export interface BenchReport {
  bench: string;
  date: string;
  node: string;
  platform: string;
  cpus: number;
  rows: BenchRow[];
  extra?: Record<string, unknown>;
}

/** Prints a table to stderr and writes bench/results/<name>.json at the repo root. */
export function writeBenchReport(name: string, rows: BenchRow[], extra?: Record<string, unknown>): string {
  const report: BenchReport = {
    bench: name,
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus:
      (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 0,
    rows,
    ...(extra ? { extra } : {}),
  };
  const dir = join(REPO_ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));
  console.error(`\n${name}`);
  for (const row of rows) {
    const base = row.baseline ? `  vs ${row.baseline.name} ${fmt(row.baseline.median)} ${row.unit}` : "";
    const ratio = row.ratio !== undefined ? `  ratio ${row.ratio.toFixed(2)}` : "";
    console.error(`  ${row.name.padEnd(48)} ${fmt(row.median).padStart(10)} ${row.unit}${base}${ratio}`);
  }
  console.error(`  -> ${file}`);
  return file;
}
