import { once } from "node:events";
import { createWriteStream, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@replay-devkit/test-utils";
import { runCli } from "./helpers.js";

// A generated rrweb recording big enough to take several chunked reads and many store chunks.
const EVENTS = 150_000;
const dir = tempDir("cli-progress-");
const file = join(dir.path, "large.rrweb.json");

/** Writes `[meta, full snapshot, …mouse moves]` a piece at a time, so the test itself stays small in memory. */
async function writeLargeRecording(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  const start = Date.UTC(2026, 0, 1);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  await write(
    `[${JSON.stringify({ type: 4, timestamp: start, data: { href: "https://big.replay.test/", width: 1280, height: 800 } })}`,
  );
  const snapshot = {
    type: 2,
    timestamp: start + 1,
    data: {
      node: {
        type: 0,
        id: 1,
        childNodes: [
          {
            type: 2,
            id: 2,
            tagName: "html",
            attributes: {},
            childNodes: [{ type: 2, id: 3, tagName: "body", attributes: {}, childNodes: [] }],
          },
        ],
      },
      initialOffset: { top: 0, left: 0 },
    },
  };
  await write(`,${JSON.stringify(snapshot)}`);
  let piece = "";
  for (let i = 2; i < count; i++) {
    const move = {
      type: 3,
      timestamp: start + i * 10,
      data: { source: 1, positions: [{ x: i % 1280, y: i % 800, id: 3, timeOffset: 0 }] },
    };
    piece += `,${JSON.stringify(move)}`;
    if (piece.length > 1 << 20) {
      await write(piece);
      piece = "";
    }
  }
  await write(`${piece}]`);
  out.end();
  await once(out, "finish");
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 * 1024 };
function bytesOf(text: string): number {
  const m = /^([\d.]+) (B|KB|MB)$/.exec(text);
  if (!m) throw new Error(`not a size: ${text}`);
  return Number(m[1]) * (UNITS[m[2]!] ?? Number.NaN);
}

function nonDecreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]!);
}

beforeAll(() => writeLargeRecording(file, EVENTS));
afterAll(() => dir.cleanup());

describe("import --progress inside one large file", () => {
  it("reports bytes read, then decoding, then events stored, rising to the totals", async () => {
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(8 * 1024 * 1024);
    const res = await runCli(["import", file, "--progress", "--data", join(dir.path, "d1")], {
      timeoutMs: 120_000,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toMatch(/^[\w.:@-]+$/);
    const lines = res.stderr.split("\n");

    const reads = lines
      .map((l) => /: read (.+) of (.+)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(reads.length).toBeGreaterThan(0);
    const total = bytesOf(reads[0]![2]!);
    expect(Math.abs(total - size)).toBeLessThan(0.06 * 1024 * 1024);
    expect(reads.every((m) => m[2] === reads[0]![2])).toBe(true);
    expect(nonDecreasing(reads.map((m) => bytesOf(m[1]!)))).toBe(true);
    expect(reads.at(-1)![1]).toBe(reads.at(-1)![2]);

    const stored = lines
      .map((l) => /: stored (\d+)\/(\d+) events$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(stored.every(([, t]) => t === EVENTS)).toBe(true);
    expect(nonDecreasing(stored.map(([n]) => n))).toBe(true);
    expect(stored[0]![0]).toBe(0);
    expect(stored.at(-1)![0]).toBe(EVENTS);

    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const lastRead = lines.findLastIndex((l) => /: read /.test(l));
    expect(lastRead).toBeLessThan(at(/: decoded \d+ events/));
    expect(at(/: decoded \d+ events/)).toBeLessThan(at(/: stored 0\//));
    expect(res.stderr).toMatch(new RegExp(`: decoded ${EVENTS} events`));
    expect(res.stderr).toMatch(new RegExp(`→ 1 recording\\(s\\), ${EVENTS} new events`));
  });

  it("keeps --json stdout pure JSON with --progress, and prints no in-file steps unasked off a terminal", async () => {
    const data = join(dir.path, "d2");
    const withJson = await runCli(["import", file, "--json", "--progress", "--data", data], {
      timeoutMs: 120_000,
    });
    expect(withJson.code, withJson.stderr).toBe(0);
    const report = JSON.parse(withJson.stdout) as { files: { imported: { events: number }[] }[] };
    expect(report.files[0]?.imported[0]?.events).toBe(EVENTS);
    expect(withJson.stderr).toMatch(/: stored \d+\/\d+ events/);

    const plain = await runCli(["import", file, "--data", data], { timeoutMs: 120_000 });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).not.toMatch(/: (read|decoded|stored) /);
    // The per-file line for a large file is still there, as before.
    expect(plain.stderr).toMatch(/^import \[[#-]+\] 1\/1 /m);
  });
});
