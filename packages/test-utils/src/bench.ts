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

/** Runs `fn` `runs` times (after `warmup` unmeasured runs) and returns each duration in ms. */
export async function timeRuns(fn: () => unknown, runs = 7, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
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
