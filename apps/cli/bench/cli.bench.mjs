// CLI benchmarks against the built bundle (run `pnpm build` first):
//  1. `dev` cold start to the first /health answer, vs a bare node:http server started with `node -e`.
//  2. `import` and `export` of the largest public fixture, each as a whole CLI process, vs a process
//     that only reads, JSON.parses and JSON.stringifies the same file (the floor for any JSON tool).
// Both sides of each ratio include Node's own start-up, so the ratio is what a user feels.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PUBLIC_FIXTURES, median, writeBenchReport } from "@replay-devkit/test-utils";

const BIN = fileURLToPath(new URL("../bin/replay-devkit.js", import.meta.url));
const FIXTURE = join(PUBLIC_FIXTURES, "rrweb-player-example__mobile-homepage.json");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const work = mkdtempSync(join(tmpdir(), "replay-devkit-bench-"));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function untilHealthy(port, deadline) {
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(500) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  throw new Error(`no answer on port ${port}`);
}

/** Spawns a server process and measures spawn → first HTTP answer on /health. */
async function coldStart(args) {
  const port = await freePort();
  const start = performance.now();
  const child = spawn(process.execPath, args(port), { stdio: "ignore" });
  try {
    await untilHealthy(port, start + 15_000);
    return performance.now() - start;
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT");
    await exited;
  }
}

async function samples(fn, runs = RUNS) {
  await fn(); // warm the file system cache and the lazy chunks
  const out = [];
  for (let i = 0; i < runs; i++) out.push(await fn());
  return out;
}

function timedProcess(args) {
  const start = performance.now();
  const res = spawnSync(process.execPath, args, { encoding: "utf8" });
  const ms = performance.now() - start;
  if (res.status !== 0) throw new Error(`${args.join(" ")} failed: ${res.stderr}`);
  return { ms, stdout: res.stdout };
}

const rows = [];
const mb = statSync(FIXTURE).size / 1024 / 1024;

// 1. Cold start.
const bareServer = (port) => [
  "-e",
  `require("node:http").createServer((q, s) => s.end("{}")).listen(${port}, "127.0.0.1"); process.on("SIGINT", () => process.exit(0));`,
];
const devServer = (port) => [BIN, "dev", "--port", String(port), "--data", mkdtempSync(join(work, "dev-"))];
const bare = await samples(() => coldStart(bareServer));
const dev = await samples(() => coldStart(devServer));
rows.push({
  name: "dev cold start to /health",
  unit: "ms",
  median: median(dev),
  baseline: { name: "node -e bare http server", median: median(bare) },
  ratio: median(dev) / median(bare),
  note: "lower is better; ratio = ours / baseline",
  samples: dev,
});

// 2. Import and export throughput.
const baselineScript = `const fs = require("node:fs"); const t = fs.readFileSync(${JSON.stringify(FIXTURE)}, "utf8"); fs.writeFileSync(${JSON.stringify(join(work, "baseline.json"))}, JSON.stringify(JSON.parse(t)));`;
const baseline = await samples(() => timedProcess(["-e", baselineScript]).ms);

let id = "";
const imports = await samples(() => {
  const data = mkdtempSync(join(work, "import-"));
  const { ms, stdout } = timedProcess([BIN, "import", FIXTURE, "--data", data]);
  id = stdout.trim().split("\n")[0];
  return ms;
});
const data = mkdtempSync(join(work, "export-"));
timedProcess([BIN, "import", FIXTURE, "--data", data]);
for (const row of [["import", imports]]) {
  const [name, values] = row;
  rows.push({
    name: `${name} ${mb.toFixed(1)} MB rrweb fixture (whole process)`,
    unit: "MB/s",
    median: mb / (median(values) / 1000),
    baseline: { name: "read + JSON.parse + JSON.stringify", median: mb / (median(baseline) / 1000) },
    ratio: median(baseline) / median(values),
    note: "higher is better; ratio = ours / baseline throughput",
    samples: values.map((ms) => mb / (ms / 1000)),
  });
}
for (const format of ["posthog", "rrweb", "bundle", "har"]) {
  const out = join(work, `out.${format}`);
  const values = await samples(
    () => timedProcess([BIN, "export", id, "--format", format, "-o", out, "--data", data]).ms,
  );
  rows.push({
    name: `export --format ${format}, scrubbed (whole process)`,
    unit: "MB/s",
    median: mb / (median(values) / 1000),
    baseline: { name: "read + JSON.parse + JSON.stringify", median: mb / (median(baseline) / 1000) },
    ratio: median(baseline) / median(values),
    note: "higher is better; MB of the source fixture per second",
    samples: values.map((ms) => mb / (ms / 1000)),
  });
}

writeBenchReport("cli", rows, {
  fixture: "rrweb-player-example__mobile-homepage.json",
  fixtureMB: mb,
  runs: RUNS,
});
rmSync(work, { recursive: true, force: true });
