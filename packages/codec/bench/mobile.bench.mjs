// Mobile transform speed: PostHog mobile wireframe events (the posthog-ios stand-in's session,
// repeated with shifted times and changing texts) turned into rrweb DOM events, against a baseline
// measured in the same run: JSON.parse(JSON.stringify(events)) of the same events, the least any
// pass that copies every event costs. Runs against the built dist.
// Usage: node bench/mobile.bench.mjs
import { posthogIosSession, timedRow, timeRuns, writeBenchReport } from "@replay-devkit/test-utils";
import { transformMobileEvents } from "../dist/index.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);

const { posted } = posthogIosSession("bench-session");
const span = posted.at(-1).timestamp - posted[0].timestamp + 1000;
const events = [];
for (let round = 0; events.length < TARGET_EVENTS; round++) {
  for (const e of posted) {
    // A new text per round, so updates change what is drawn rather than repeating it.
    const json = JSON.stringify(e).replaceAll("Signed in", `Signed in ${round}`);
    events.push({ ...JSON.parse(json), timestamp: e.timestamp + round * span });
  }
}
events.length = TARGET_EVENTS;
const bytes = Buffer.byteLength(JSON.stringify(events));

let notes = 0;
let out = 0;
const ours = await timeRuns(
  () => {
    const result = transformMobileEvents(events);
    notes = result.notes.length;
    out = result.events.length;
  },
  RUNS,
  1,
);
const baseline = await timeRuns(() => JSON.parse(JSON.stringify(events)), RUNS, 1);

writeBenchReport(
  "codec-mobile",
  [
    timedRow({
      name: "transformMobileEvents (wireframes -> rrweb DOM)",
      unit: "events/s",
      ms: ours,
      baseline: { name: "JSON.parse(JSON.stringify(events))", ms: baseline },
      per: (ms) => events.length / (ms / 1000),
      note: "ratio = ours / baseline (higher is better)",
    }),
  ],
  { events: events.length, jsonBytes: bytes, outputEvents: out, notes },
);
