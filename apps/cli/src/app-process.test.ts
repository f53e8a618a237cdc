import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppLogLine } from "@replay-devkit/store";
import { APP_ENV_NAMES, appEnv, LineSplitter, LogBatcher, plainText } from "./app-process.js";

afterEach(() => {
  vi.useRealTimers();
});

const bytes = (text: string) => new TextEncoder().encode(text);

describe("appEnv", () => {
  it("sets every name the user did not set, keeps the ones they did, and reports both", () => {
    const { env, set, kept } = appEnv(
      { PATH: "/bin", NEXT_PUBLIC_POSTHOG_HOST: "" },
      "http://127.0.0.1:8010",
      false,
    );
    expect(kept).toEqual(["NEXT_PUBLIC_POSTHOG_HOST"]);
    expect(set).toEqual(APP_ENV_NAMES.filter((n) => n !== "NEXT_PUBLIC_POSTHOG_HOST"));
    expect(env.NEXT_PUBLIC_POSTHOG_HOST).toBe("");
    expect(env.VITE_POSTHOG_HOST).toBe("http://127.0.0.1:8010");
    expect(env.PATH).toBe("/bin");
    expect(env.FORCE_COLOR).toBeUndefined();
  });

  it("asks for colour only on a terminal and never against NO_COLOR", () => {
    expect(appEnv({}, "u", true).env.FORCE_COLOR).toBe("1");
    expect(appEnv({ NO_COLOR: "1" }, "u", true).env.FORCE_COLOR).toBeUndefined();
    expect(appEnv({ FORCE_COLOR: "0" }, "u", true).env.FORCE_COLOR).toBe("0");
  });
});

describe("plainText", () => {
  it("drops colour, OSC hyperlinks and carriage-return redraws", () => {
    expect(plainText("\u001b[31mred\u001b[0m \u001b[1;4mbold\u001b[22m")).toBe("red bold");
    expect(plainText("\u001b]8;;https://x.test\u0007link\u001b]8;;\u0007")).toBe("link");
    expect(plainText("10%\r50%\rdone")).toBe("done");
  });
});

describe("LineSplitter", () => {
  it("splits across chunks, strips \\r\\n and keeps multi-byte characters whole", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    const euro = bytes("€");
    splitter.push(bytes("one\r\ntw"));
    splitter.push(bytes("o\nprice "));
    splitter.push(euro.slice(0, 1));
    splitter.push(euro.slice(1));
    splitter.push(bytes("5\n"));
    splitter.end();
    expect(lines).toEqual(["one", "two", "price €5"]);
  });

  it("flushes a partial line after a quiet period and at the end", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l), { idleMs: 100, maxLineChars: 1000 });
    splitter.push(bytes("Port 3000 is in use, try another? "));
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(150);
    expect(lines).toEqual(["Port 3000 is in use, try another? "]);
    splitter.push(bytes("tail"));
    splitter.end();
    expect(lines.at(-1)).toBe("tail");
  });

  it("bounds a line that never ends", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l), { idleMs: 10_000, maxLineChars: 100 });
    for (let i = 0; i < 50; i++) splitter.push(bytes("x".repeat(99)));
    expect(lines.length).toBeGreaterThanOrEqual(49);
    expect(lines.every((l) => l.length === 100)).toBe(true);
    splitter.end();
  });
});

describe("LogBatcher", () => {
  function sink() {
    const calls: AppLogLine[][] = [];
    return {
      calls,
      appendAppLogs(lines: readonly AppLogLine[]) {
        calls.push([...lines]);
        return { stored: lines.length, dropped: 0, truncated: 0 };
      },
    };
  }
  const line = (i: number): AppLogLine => ({
    timestamp: 1_700_000_000_000 + i,
    stream: "stdout",
    text: `l${i}`,
  });

  it("writes many lines in few calls: one per interval, or per maxBatch", () => {
    vi.useFakeTimers();
    const s = sink();
    const batcher = new LogBatcher(s, () => {}, { intervalMs: 250, maxBatch: 1000, maxQueue: 5000 });
    for (let i = 0; i < 2500; i++) batcher.add(line(i));
    expect(s.calls.map((c) => c.length)).toEqual([1000, 1000]);
    vi.advanceTimersByTime(300);
    expect(s.calls.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(s.calls.flat().map((l) => l.text)).toEqual(Array.from({ length: 2500 }, (_, i) => `l${i}`));
  });

  it("keeps lines through a failing store, bounded, and warns once", () => {
    vi.useFakeTimers();
    let fail = true;
    const stored: AppLogLine[] = [];
    const warnings: string[] = [];
    const batcher = new LogBatcher(
      {
        appendAppLogs(lines) {
          if (fail) throw new Error("database is locked");
          stored.push(...lines);
          return { stored: lines.length, dropped: 0, truncated: 0 };
        },
      },
      (m) => warnings.push(m),
      { intervalMs: 100, maxBatch: 10_000, maxQueue: 50 },
    );
    for (let i = 0; i < 80; i++) batcher.add(line(i));
    vi.advanceTimersByTime(500);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("database is locked");
    fail = false;
    batcher.close();
    expect(stored).toHaveLength(50);
    expect(stored[0]?.text).toBe("l30");
    expect(batcher.lost).toBe(30);
  });
});
