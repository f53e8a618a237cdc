// DOM rebuild speed in Node (rrweb Replayer in the shared jsdom window) and the example suite's run time.
//   pnpm --filter @replay-devkit/testing bench
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fromRecording, loadRecording, rebuildDom } from "@replay-devkit/testing";
import { median, PUBLIC_FIXTURES, REPO_ROOT, timeRuns, writeBenchReport } from "@replay-devkit/test-utils";
import { JSDOM, VirtualConsole } from "jsdom";
import { generateRecording } from "./generate.mjs";

const rows = [];
// jsdom complains about CSS it cannot parse; the baselines should not flood the output.
const quiet = () => ({ virtualConsole: new VirtualConsole() });
const extra = {};

// 1. The largest public fixture: 1.9 MB, 942 events, two full snapshots.
{
  const file = join(PUBLIC_FIXTURES, "rrweb-player-example__mobile-homepage.json");
  const rec = await loadRecording(readFileSync(file));
  const events = rec.events().length;
  let finalHtml = "";
  const ours = await timeRuns(
    () => {
      const dom = rebuildDom(rec);
      finalHtml = dom.html();
      dom.dispose();
    },
    5,
    1,
  );
  const baseline = await timeRuns(() => new JSDOM(finalHtml, quiet()).window.close(), 5, 1);
  const oursEps = events / (median(ours) / 1000);
  const baseEps = events / (median(baseline) / 1000);
  const unstyled = await timeRuns(() => rebuildDom(rec, { styles: false }).dispose(), 5, 1);
  const unstyledEps = events / (median(unstyled) / 1000);
  rows.push({
    name: "rebuild mobile-homepage, styles: false",
    unit: "events/s",
    median: unstyledEps,
    baseline: { name: "jsdom parse of the final HTML", median: baseEps },
    ratio: unstyledEps / baseEps,
    note: `ours ${median(unstyled).toFixed(0)} ms`,
    samples: unstyled,
  });
  rows.push({
    name: "rebuild mobile-homepage (942 events) to the end",
    unit: "events/s",
    median: oursEps,
    baseline: { name: "jsdom parse of the final HTML", median: baseEps },
    ratio: oursEps / baseEps,
    note: `ours ${median(ours).toFixed(0)} ms vs parse ${median(baseline).toFixed(0)} ms; ratio = ours/baseline events/s`,
    samples: ours,
  });
}

// 2. A generated 10-minute recording (one event per 50 ms), checked against its model.
{
  const { events, expectedListHtml } = generateRecording({ durationMs: 600_000, intervalMs: 50 });
  const rec = fromRecording({
    sessionId: "gen",
    distinctId: null,
    posthogEvents: [],
    windows: [{ windowId: "w", events }],
  });
  const json = JSON.stringify(events);
  const ours = await timeRuns(
    () => {
      const dom = rebuildDom(rec);
      const html = dom.document.querySelector("#list")?.outerHTML;
      dom.dispose();
      if (html !== expectedListHtml) throw new Error("generated recording rebuilt to the wrong DOM");
    },
    5,
    1,
  );
  const baseline = await timeRuns(() => JSON.parse(json), 5, 1);
  const oursEps = events.length / (median(ours) / 1000);
  const baseEps = events.length / (median(baseline) / 1000);
  rows.push({
    name: `rebuild generated 10-min recording (${events.length} events)`,
    unit: "events/s",
    median: oursEps,
    baseline: { name: "JSON.parse of the events", median: baseEps },
    ratio: oursEps / baseEps,
    note: `ours ${median(ours).toFixed(0)} ms (${((median(ours) / events.length) * 1000).toFixed(1)} ms/1000 events)`,
    samples: ours,
  });
}

// 3. Many small fixtures: one rebuild of a 108-event recording in the shared jsdom window,
//    against what a fresh jsdom window per fixture would cost before any replay.
{
  const rec = await loadRecording(
    readFileSync(join(PUBLIC_FIXTURES, "rrweb-player-example__local-docs.json")),
  );
  const ours = await timeRuns(() => rebuildDom(rec).dispose(), 15, 3);
  const baseline = await timeRuns(
    () =>
      new JSDOM("<!doctype html><html><body></body></html>", {
        pretendToBeVisual: true,
        ...quiet(),
      }).window.close(),
    15,
    3,
  );
  const unstyled = await timeRuns(() => rebuildDom(rec, { styles: false }).dispose(), 15, 3);
  rows.push({
    name: "rebuild local-docs, styles: false",
    unit: "ms",
    median: median(unstyled),
    baseline: { name: "creating one fresh jsdom window", median: median(baseline) },
    ratio: median(unstyled) / median(baseline),
    note: `lower is better; ${(1000 / median(unstyled)).toFixed(0)} fixtures/s`,
    samples: unstyled,
  });
  rows.push({
    name: "rebuild local-docs (108 events), shared window",
    unit: "ms",
    median: median(ours),
    baseline: { name: "creating one fresh jsdom window", median: median(baseline) },
    ratio: median(ours) / median(baseline),
    note: `lower is better; ${(1000 / median(ours)).toFixed(0)} fixtures/s`,
    samples: ours,
  });
}

// 4. The example fixture suite (msw, rebuild, re-drive in Chromium) vs vitest starting the same project
//    with every test filtered out.
{
  const vitest = (args) => {
    const start = performance.now();
    const r = spawnSync("pnpm", ["exec", "vitest", "run", "--project", "shop", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    if (r.status !== 0 && !args.length) throw new Error(`example suite failed:\n${r.stdout}\n${r.stderr}`);
    return performance.now() - start;
  };
  const suite = [];
  const empty = [];
  for (let i = 0; i < 3; i++) {
    suite.push(vitest([]));
    empty.push(vitest(["-t", "__no_test_has_this_name__", "--passWithNoTests"]));
  }
  rows.push({
    name: "example shop suite (8 tests, 5 re-drives in Chromium)",
    unit: "ms",
    median: median(suite),
    baseline: { name: "vitest start of the same project, no tests", median: median(empty) },
    ratio: median(suite) / median(empty),
    note: "lower is better; wall time of `vitest run --project shop`",
    samples: suite,
  });
  extra.exampleSuiteMs = suite;
}

writeBenchReport("testing", rows, extra);
