import { describe, expect, it } from "vitest";
import type { Output } from "./command.js";
import { Progress } from "./progress.js";

function sink(isTTY: boolean): Output & { text: () => string } {
  const chunks: string[] = [];
  return {
    isTTY,
    write: (chunk) => void chunks.push(String(chunk)),
    text: () => chunks.join(""),
  };
}

describe("Progress.step", () => {
  it("draws at most once per interval, but always when forced", () => {
    let clock = 0;
    const out = sink(false);
    const progress = new Progress(out, true, { intervalMs: 200, now: () => clock });
    const built: number[] = [];
    for (let i = 0; i <= 20; i++) {
      clock = i * 50;
      progress.step(() => {
        built.push(i);
        return `step ${i}`;
      }, i === 20);
    }
    // Steps at 0, 200, 400, … ms are drawn; the rest are not even formatted.
    expect(built).toEqual([0, 4, 8, 12, 16, 20]);
    expect(out.text()).toBe([0, 4, 8, 12, 16, 20].map((i) => `step ${i}\n`).join(""));
  });

  it("a forced step restarts the interval", () => {
    let clock = 1000;
    const out = sink(false);
    const progress = new Progress(out, true, { intervalMs: 200, now: () => clock });
    progress.step(() => "a", true);
    clock += 150;
    progress.step(() => "b");
    clock += 100;
    progress.step(() => "c");
    expect(out.text()).toBe("a\nc\n");
  });

  it("redraws one line in place on a terminal and ends it once", () => {
    let clock = 0;
    const out = sink(true);
    const progress = new Progress(out, true, { now: () => clock });
    progress.step(() => "read 1 MB");
    clock = 500;
    progress.step(() => "read 2 MB");
    progress.done();
    expect(out.text()).toBe("\r\x1b[2Kread 1 MB\r\x1b[2Kread 2 MB\n");
  });

  it("writes nothing when disabled", () => {
    const out = sink(true);
    const progress = new Progress(out, false);
    progress.step(() => "x", true);
    progress.update("y");
    progress.done();
    expect(out.text()).toBe("");
  });
});
