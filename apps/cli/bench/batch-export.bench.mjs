// Batch export MB/s against the bundle writer alone (run `pnpm build` first).
// A store of 200 recordings (the shared capture's run A under different ids). Ours: the whole
// `replay-devkit export --all --to DIR --idle 0` process into a fresh folder (scrub, bundle, sha256,
// atomic writes, index.jsonl), Node start-up included. Baseline, same run: loading each recording
// from the same store and `writeBundle` on it in this process, nothing written to disk.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readRecordingFile, writeBundle } from "@replay-devkit/codec";
import { openStore } from "@replay-devkit/store";
import { standInRecording, timeRuns, timedRow, writeBenchReport } from "@replay-devkit/test-utils";

const BIN = fileURLToPath(new URL("../bin/replay-devkit.js", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COUNT = 200;
const work = mkdtempSync(join(tmpdir(), "replay-devkit-bench-batch-"));
const data = join(work, "data");
const jsonl = Buffer.from(standInRecording(["A"], 10_000).blocks.flat().join("\n"));
{
  const { mkdirSync } = await import("node:fs");
  mkdirSync(data, { recursive: true });
  const store = openStore(join(data, "recordings.db"));
  for (let i = 0; i < COUNT; i++) {
    const [rec] = (await readRecordingFile(jsonl, { sessionId: `bench-${i}` })).recordings;
    store.importRecording(rec, { source: "bench" });
  }
  store.close();
}

let outBytes = 0;
const ours = await timeRuns(
  ({ out }) => {
    const r = spawnSync(
      process.execPath,
      [BIN, "export", "--all", "--to", out, "--idle", "0", "--data", data],
      { encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(r.stderr);
  },
  {
    runs: RUNS,
    warmup: 1,
    setup: () => ({ out: mkdtempSync(join(work, "out-")) }),
    teardown: ({ out }) => {
      outBytes = readdirSync(out, { recursive: true })
        .map((p) => statSync(join(out, p)))
        .filter((s) => s.isFile())
        .reduce((n, s) => n + s.size, 0);
      rmSync(out, { recursive: true, force: true });
    },
  },
);
const store = openStore(join(data, "recordings.db"), { readonly: true });
const ids = store.listRecordings({ limit: 1000 }).recordings.map((r) => r.id);
const bundleOnly = await timeRuns(
  async () => {
    for (const id of ids) await writeBundle(store.loadRecording(id), { producer: "bench" });
  },
  { runs: RUNS, warmup: 1 },
);
store.close();
rmSync(work, { recursive: true, force: true });
const mb = outBytes / 1024 / 1024;
writeBenchReport(
  "batch-export",
  [
    timedRow({
      name: `export --all of ${COUNT} recordings to a folder (whole process)`,
      unit: "MB/s",
      ms: ours,
      baseline: { name: "load + writeBundle alone, in process", ms: bundleOnly },
      per: (ms) => mb / (ms / 1000),
      note: "higher is better; MB of written bundles per second; ours adds scrubbing, sha256, atomic writes, the index and Node start-up",
    }),
  ],
  { recordings: COUNT, outputBytes: outBytes },
);
