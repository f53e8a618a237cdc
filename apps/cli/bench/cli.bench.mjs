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
import { PUBLIC_FIXTURES, timedRow, timeRuns, writeBenchReport } from "@replay-devkit/test-utils";

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

// One unmeasured run first warms the file system cache and the lazy chunks.
const TIMING = { runs: RUNS, warmup: 1 };

/**
 * Times spawn → first HTTP answer on /health of a server process. Finding a free port before and
 * stopping the server after are outside the timed span.
 */
function coldStart(args) {
  return timeRuns(
    async (run) => {
      run.child = spawn(process.execPath, args(run.port), { stdio: "ignore" });
      await untilHealthy(run.port, performance.now() + 15_000);
    },
    {
      ...TIMING,
      setup: async () => ({ port: await freePort(), child: null }),
      teardown: async ({ child }) => {
        if (!child || child.exitCode !== null) return;
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGINT");
        await exited;
      },
    },
  );
}

function runProcess(args) {
  const res = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`${args.join(" ")} failed: ${res.stderr}`);
  return res.stdout;
}

const rows = [];
const mb = statSync(FIXTURE).size / 1024 / 1024;

// 1. Cold start.
const bareServer = (port) => [
  "-e",
  `require("node:http").createServer((q, s) => s.end("{}")).listen(${port}, "127.0.0.1"); process.on("SIGINT", () => process.exit(0));`,
];
const devServer = (port) => [BIN, "dev", "--port", String(port), "--data", mkdtempSync(join(work, "dev-"))];
const bare = await coldStart(bareServer);
const dev = await coldStart(devServer);
rows.push(
  timedRow({
    name: "dev cold start to /health",
    unit: "ms",
    ms: dev,
    baseline: { name: "node -e bare http server", ms: bare },
    note: "lower is better; ratio = ours / baseline",
  }),
);

// 2. Import and export throughput.
const baselineScript = `const fs = require("node:fs"); const t = fs.readFileSync(${JSON.stringify(FIXTURE)}, "utf8"); fs.writeFileSync(${JSON.stringify(join(work, "baseline.json"))}, JSON.stringify(JSON.parse(t)));`;
const baseline = {
  name: "read + JSON.parse + JSON.stringify",
  ms: await timeRuns(() => runProcess(["-e", baselineScript]), TIMING),
};
const perMb = (ms) => mb / (ms / 1000);

// Each import gets an empty data directory, made outside the timed span.
const imports = await timeRuns((data) => runProcess([BIN, "import", FIXTURE, "--data", data]), {
  ...TIMING,
  setup: () => mkdtempSync(join(work, "import-")),
});
rows.push(
  timedRow({
    name: `import ${mb.toFixed(1)} MB rrweb fixture (whole process)`,
    unit: "MB/s",
    ms: imports,
    baseline,
    per: perMb,
    note: "higher is better; ratio = ours / baseline throughput",
  }),
);
const data = mkdtempSync(join(work, "export-"));
const id = runProcess([BIN, "import", FIXTURE, "--data", data]).trim().split("\n")[0];
for (const format of ["posthog", "rrweb", "bundle", "har"]) {
  const out = join(work, `out.${format}`);
  const values = await timeRuns(
    () => runProcess([BIN, "export", id, "--format", format, "-o", out, "--data", data]),
    TIMING,
  );
  rows.push(
    timedRow({
      name: `export --format ${format}, scrubbed (whole process)`,
      unit: "MB/s",
      ms: values,
      baseline,
      per: perMb,
      note: "higher is better; MB of the source fixture per second",
    }),
  );
}

writeBenchReport("cli", rows, {
  fixture: "rrweb-player-example__mobile-homepage.json",
  fixtureMB: mb,
  runs: RUNS,
});
rmSync(work, { recursive: true, force: true });
