// DOM rebuild speed in Node (rrweb Replayer in the shared jsdom window) and the example suite's run time.
//   pnpm --filter @replay-devkit/testing bench
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromRecording, loadRecording, rebuildDom } from "@replay-devkit/testing";
import {
  median,
  PUBLIC_FIXTURES,
  REPO_ROOT,
  timeAlternating,
  timedRow,
  timeRuns,
  writeBenchReport,
} from "@replay-devkit/test-utils";
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
  const baselineMs = await timeRuns(() => new JSDOM(finalHtml, quiet()).window.close(), 5, 1);
  const unstyled = await timeRuns(() => rebuildDom(rec, { styles: false }).dispose(), 5, 1);
  const baseline = { name: "jsdom parse of the final HTML", ms: baselineMs };
  const per = (ms) => events / (ms / 1000);
  rows.push(
    timedRow({
      name: "rebuild mobile-homepage, styles: false",
      unit: "events/s",
      ms: unstyled,
      baseline,
      per,
      note: `ours ${median(unstyled).toFixed(0)} ms`,
    }),
    timedRow({
      name: "rebuild mobile-homepage (942 events) to the end",
      unit: "events/s",
      ms: ours,
      baseline,
      per,
      note: `ours ${median(ours).toFixed(0)} ms vs parse ${median(baselineMs).toFixed(0)} ms; ratio = ours/baseline events/s`,
    }),
  );
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
  rows.push(
    timedRow({
      name: `rebuild generated 10-min recording (${events.length} events)`,
      unit: "events/s",
      ms: ours,
      baseline: { name: "JSON.parse of the events", ms: baseline },
      per: (ms) => events.length / (ms / 1000),
      note: `ours ${median(ours).toFixed(0)} ms (${((median(ours) / events.length) * 1000).toFixed(1)} ms/1000 events)`,
    }),
  );
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
  const fresh = { name: "creating one fresh jsdom window", ms: baseline };
  const row = (name, ms) =>
    timedRow({
      name,
      unit: "ms",
      ms,
      baseline: fresh,
      note: `lower is better; ${(1000 / median(ms)).toFixed(0)} fixtures/s`,
    });
  rows.push(
    row("rebuild local-docs, styles: false", unstyled),
    row("rebuild local-docs (108 events), shared window", ours),
  );
}

// 4. The example fixture suite (msw, rebuild, re-drive in Chromium) vs vitest starting the same project
//    with every test filtered out.
{
  const vitest = (args) => {
    const r = spawnSync("pnpm", ["exec", "vitest", "run", "--project", "shop", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    if (r.status !== 0 && !args.length) throw new Error(`example suite failed:\n${r.stdout}\n${r.stderr}`);
  };
  // In turns, so a busy spell on the shared machine slows both sides alike.
  const { suite, empty } = await timeAlternating(
    {
      suite: () => vitest([]),
      empty: () => vitest(["-t", "__no_test_has_this_name__", "--passWithNoTests"]),
    },
    { runs: 3, warmup: 0 },
  );
  rows.push(
    timedRow({
      name: "example shop suite (8 tests, 5 re-drives in Chromium)",
      unit: "ms",
      ms: suite,
      baseline: { name: "vitest start of the same project, no tests", ms: empty },
      note: "lower is better; wall time of `vitest run --project shop`",
    }),
  );
  extra.exampleSuiteMs = suite;
}

writeBenchReport("testing", rows, extra);
