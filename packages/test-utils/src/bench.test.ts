import { describe, expect, it } from "vitest";
import { median, percentile, timeAlternating, timedRow, timeRuns } from "./bench.js";

describe("timeRuns", () => {
  it("keeps the positional (fn, runs, warmup) form: warm-ups run but are not returned", async () => {
    let calls = 0;
    const ms = await timeRuns(() => calls++, 4, 3);
    expect(calls).toBe(7);
    expect(ms).toHaveLength(4);
    for (const value of ms) expect(value).toBeGreaterThanOrEqual(0);
  });

  it("gives every run its own setup result and tears each one down", async () => {
    const log: string[] = [];
    let next = 0;
    const ms = await timeRuns(
      async (ctx: { id: number }) => {
        log.push(`run ${ctx.id}`);
      },
      {
        runs: 2,
        warmup: 1,
        setup: async () => {
          log.push(`setup ${next}`);
          return { id: next++ };
        },
        teardown: (ctx) => log.push(`teardown ${ctx.id}`),
      },
    );
    expect(ms).toHaveLength(2);
    expect(log).toEqual([
      "setup 0",
      "run 0",
      "teardown 0",
      "setup 1",
      "run 1",
      "teardown 1",
      "setup 2",
      "run 2",
      "teardown 2",
    ]);
  });

  it("tears down a run that throws, then lets the error through", async () => {
    const torn: number[] = [];
    await expect(
      timeRuns(
        (ctx: number) => {
          throw new Error(`run ${ctx} broke`);
        },
        { runs: 3, warmup: 0, setup: () => 5, teardown: (ctx) => torn.push(ctx) },
      ),
    ).rejects.toThrow("run 5 broke");
    expect(torn).toEqual([5]);
  });
});

describe("timeAlternating", () => {
  it("takes turns between the functions and returns their samples by name", async () => {
    const order: string[] = [];
    const out = await timeAlternating(
      { ours: () => order.push("ours"), base: () => order.push("base") },
      { runs: 2, warmup: 1 },
    );
    expect(order).toEqual(["ours", "base", "ours", "base", "ours", "base"]);
    expect(out.ours).toHaveLength(2);
    expect(out.base).toHaveLength(2);
  });
});

describe("timedRow", () => {
  it("converts medians and samples to the unit and divides ours by the baseline", () => {
    const row = timedRow({
      name: "parse",
      unit: "MB/s",
      ms: [400, 100, 200],
      baseline: { name: "plain", ms: [50, 50, 50] },
      per: (ms) => 10 / (ms / 1000),
      note: "higher is better",
    });
    expect(row).toEqual({
      name: "parse",
      unit: "MB/s",
      median: 50,
      baseline: { name: "plain", median: 200 },
      ratio: 0.25,
      note: "higher is better",
      samples: [25, 100, 50],
    });
  });

  it("stays in ms without a converter and has no ratio without a baseline", () => {
    expect(timedRow({ name: "start", unit: "ms", ms: [3, 1, 2, 10] })).toEqual({
      name: "start",
      unit: "ms",
      median: 2.5,
      samples: [3, 1, 2, 10],
    });
  });
});

describe("median and percentile", () => {
  it("sort before picking", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeNaN();
    expect(percentile([10, 1, 5, 7], 50)).toBe(5);
    expect(percentile([10, 1, 5, 7], 100)).toBe(10);
  });
});
