// Video render speed as a multiple of real time: a generated 60-second recording (a list that
// grows by one row a second under a moving pointer, a click every 4 s) rendered to MP4 and to GIF.
// The baseline is the recording played in real time, measured in the same run (wall time of one
// real-time pass of the same clip with the same browser), so ratio = how many times faster than
// watching it. Run with `pnpm --filter @replay-devkit/video bench` after building (it uses dist/).
import { launchChromium, median, timedRow, writeBenchReport } from "@replay-devkit/test-utils";
import { renderVideo } from "../dist/index.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const T0 = 1_700_000_000_000;

function generate() {
  const el = (id, tagName, attributes, childNodes = []) => ({ type: 2, id, tagName, attributes, childNodes });
  const events = [
    { type: 4, timestamp: T0, data: { href: "http://bench.localhost/", width: 1280, height: 800 } },
    {
      type: 2,
      timestamp: T0 + 1,
      data: {
        initialOffset: { top: 0, left: 0 },
        node: {
          type: 0,
          id: 1,
          childNodes: [
            el(2, "html", {}, [
              el(3, "body", { style: "font:16px sans-serif;margin:20px" }, [el(4, "ul", { id: "list" })]),
            ]),
          ],
        },
      },
    },
  ];
  let id = 100;
  for (let ms = 100; ms <= SECONDS * 1000; ms += 100) {
    events.push({
      type: 3,
      timestamp: T0 + ms,
      data: {
        source: 1,
        positions: [
          { x: 200 + 300 * Math.sin(ms / 900), y: 300 + 200 * Math.cos(ms / 700), id: 4, timeOffset: 0 },
        ],
      },
    });
    if (ms % 1000 === 0) {
      const li = id++;
      events.push({
        type: 3,
        timestamp: T0 + ms,
        data: {
          source: 0,
          texts: [],
          attributes: [],
          removes: [],
          adds: [
            {
              parentId: 4,
              nextId: null,
              node: el(li, "li", {}, [{ type: 3, id: id++, textContent: `Row ${li} added at ${ms} ms` }]),
            },
          ],
        },
      });
    }
    if (ms % 4000 === 0)
      events.push({ type: 3, timestamp: T0 + ms, data: { source: 2, type: 2, id: 4, x: 200, y: 300 } });
  }
  return {
    sessionId: "bench",
    distinctId: null,
    windows: [{ windowId: "w", events }],
    posthogEvents: [],
    metadata: {},
  };
}

const recording = generate();
const browser = await launchChromium();
try {
  // Baseline: one real-time pass (what watching the clip costs), timed in this run.
  const realStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const realMs = [performance.now() - realStart];
  const rows = [];
  const extra = {};
  for (const format of ["mp4", "gif"]) {
    const ms = [];
    let last;
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      last = await renderVideo(recording, { format, browser });
      ms.push(performance.now() - start);
    }
    extra[format] = {
      frames: last.frames,
      fps: last.fps,
      width: last.width,
      height: last.height,
      codec: last.codec,
      bytes: last.data.byteLength,
    };
    // In "× real time" a higher number is better: recorded seconds per wall-clock second.
    const per = (t) => (SECONDS * 1000) / t;
    rows.push(
      timedRow({
        name: `${format} render of ${SECONDS} s`,
        unit: "x real time",
        ms,
        baseline: { name: "real-time playback", ms: realMs },
        per,
        note: `median ${Math.round(median(ms))} ms for ${last.frames} frames at ${last.fps} fps, ${last.width}x${last.height}`,
      }),
    );
  }
  writeBenchReport("video", rows, extra);
} finally {
  await browser.close();
}
