import type { Output } from "./command.js";

/**
 * A progress line on stderr. On a terminal it redraws in place; elsewhere (CI logs, tests) it prints
 * one line per step so logs stay readable.
 */
export class Progress {
  private drawn = false;

  constructor(
    private readonly out: Output,
    private readonly enabled: boolean,
  ) {}

  update(text: string): void {
    if (!this.enabled) return;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      this.out.write(`${text}\n`);
    }
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
