import type { Output } from "./command.js";

export interface ProgressOptions {
  /** Least time between two throttled steps (default 200 ms): redraws cost more than the work they show. */
  intervalMs?: number;
  /** Clock in ms; tests pass their own. */
  now?: () => number;
}

/**
 * A progress line on stderr. On a terminal it redraws in place; elsewhere (CI logs, tests) it prints
 * one line per step so logs stay readable.
 */
export class Progress {
  private drawn = false;
  private lastStep = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly out: Output,
    private readonly enabled: boolean,
    options: ProgressOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 200;
    this.now = options.now ?? (() => performance.now());
  }

  update(text: string): void {
    if (!this.enabled) return;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      this.out.write(`${text}\n`);
    }
  }

  /**
   * A step inside a long task: drawn at most once per interval, unless `force` (the first and last
   * step of a phase, so the totals always show). The text is only built when it is drawn.
   */
  step(text: () => string, force = false): void {
    if (!this.enabled) return;
    const now = this.now();
    if (!force && now - this.lastStep < this.intervalMs) return;
    this.lastStep = now;
    this.update(text());
  }

  done(): void {
    if (this.drawn) this.out.write("\n");
    this.drawn = false;
  }
}

export function bar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}
