import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readRecordingFile } from "@replay-devkit/codec";
import { openStore } from "@replay-devkit/store";
import {
  STAND_IN_KEY,
  selfSignedCertificate,
  standInRecording,
  startPosthogStandIn,
  tempDir,
  type PosthogStandIn,
  type StandInRecording,
} from "@replay-devkit/test-utils";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runCli, type CliResult } from "./helpers.js";

// Runs the built CLI against the PostHog stand-in of test-utils (PostHog's documented responses,
// see the header of packages/test-utils/src/posthog-stand-in.ts), which serves the shared
// posthog-js capture: run A as a one-tab recording, runs A+B as a two-tab one, in blocks of 3 lines.

beforeAll(() => assertBuilt());

const dir = tempDir("replay-devkit-cli-pull-");
afterAll(() => dir.cleanup());
let standIn: PosthogStandIn;
let one: StandInRecording;
let two: StandInRecording;
let n = 0;

async function fresh(
  opts: Parameters<typeof startPosthogStandIn>[0] = {},
  add: { deletedAtBlocks?: boolean } = {},
) {
  standIn = await startPosthogStandIn(opts);
  one = standInRecording(["A"], 3);
  two = standInRecording(["A", "B"], 3);
  // Run A's session id is also the two-tab recording's: keep them apart by serving one at a time.
  standIn.addRecording(two, add);
  return standIn;
}
afterEach(async () => standIn?.close());

function dataDir(): string {
  return join(dir.path, `data-${++n}`);
}

function link(s: PosthogStandIn, rec: StandInRecording, query = "?t=5"): string {
  return `${s.url}/project/${s.projectId}/replay/${rec.sessionId}${query}`;
}

async function pull(
  args: string[],
  env: Record<string, string> = { POSTHOG_PERSONAL_API_KEY: STAND_IN_KEY },
): Promise<CliResult> {
  const result = await runCli(["pull", ...args], { env: { POSTHOG_PERSONAL_API_KEY: "", ...env } });
  expect(result.stdout + result.stderr).not.toContain(STAND_IN_KEY);
  return result;
}

function expectOneLineError(result: CliResult, code: number, cause: RegExp) {
  expect(result.code).toBe(code);
  const lines = result.stderr
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("warning:"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(cause);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

function stored(data: string) {
  const store = openStore(join(data, "recordings.db"));
  try {
    return store.listRecordings().recordings.map((r) => ({ rec: store.loadRecording(r.id), summary: r }));
  } finally {
    store.close();
  }
}

function sortedExpected(rec: StandInRecording): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const [w, events] of rec.expected) {
    out.set(
      w,
      events
        .map((e, i) => ({ e, i }))
        .sort((a, b) => (a.e.timestamp as number) - (b.e.timestamp as number) || a.i - b.i)
        .map((x) => x.e),
    );
  }
  return out;
}

describe("replay-devkit pull", () => {
  it("pulls a recording link into the store: every window's events exactly, metadata as PostHog's", async () => {
    const s = await fresh();
    const data = dataDir();
    const result = await pull([link(s, two), "--data", data]);
    expect(result.stderr).toBe(
      `pulled ${two.sessionId}: ${[...two.expected.values()].reduce((a, e) => a + e.length, 0)} events in 2 window(s), ${two.events.length} analytics events\n`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${two.sessionId}\n`);
    const [only, ...rest] = stored(data);
    expect(rest).toEqual([]);
    const windows = new Map(only!.rec.windows.map((w) => [w.windowId, w.events]));
    expect(windows).toEqual(sortedExpected(two));
    const theirs = s.metadataOf(two.sessionId);
    const show = JSON.parse(
      (await runCli(["show", two.sessionId, "--json", "--data", data])).stdout,
    ) as Record<string, unknown>;
    expect(show).toMatchObject({
      id: theirs.id,
      distinctId: theirs.distinct_id,
      startTime: theirs.start_time,
      endTime: theirs.end_time,
      clickCount: theirs.click_count,
      keypressCount: theirs.keypress_count,
      mouseActivityCount: theirs.mouse_activity_count,
      consoleErrorCount: theirs.console_error_count,
      consoleWarnCount: theirs.console_warn_count,
      firstUrl: theirs.start_url,
    });
    expect(only!.rec.person ?? null).toBeNull();
  });

  it("gives back the source's raw rrweb events byte for byte (rrweb export, no scrub)", async () => {
    standIn = await startPosthogStandIn();
    one = standInRecording(["A"], 3);
    standIn.addRecording(one);
    const data = dataDir();
    expect(
      (
        await pull([
          one.sessionId,
          "--from",
          standIn.url,
          "--project",
          String(standIn.projectId),
          "--data",
          data,
          "--encoding",
          "jsonl",
        ])
      ).code,
    ).toBe(0);
    const out = join(dir.path, `raw-${n}.json`);
    expect(
      (await runCli(["export", one.sessionId, "--format", "rrweb", "--no-scrub", "-o", out, "--data", data]))
        .code,
    ).toBe(0);
    const [events] = sortedExpected(one).values();
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(events);
  });

  it("stores nothing twice when the same recording is pulled again", async () => {
    const s = await fresh();
    const data = dataDir();
    expect((await pull([link(s, two), "--data", data])).code).toBe(0);
    const before = stored(data)[0]!.summary;
    const again = await pull([link(s, two), "--data", data]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already stored \(0 new events/);
    const after = stored(data);
    expect(after).toHaveLength(1);
    expect(after[0]!.summary.eventCount).toBe(before.eventCount);
    expect(after[0]!.rec.posthogEvents).toHaveLength(two.events.length);
  });

  it("pulls several session ids in one command, each stored on its own", async () => {
    const s = await fresh();
    const b = standInRecording(["B"], 3);
    s.addRecording(b);
    const data = dataDir();
    const result = await pull([
      two.sessionId,
      b.sessionId,
      "--from",
      s.url,
      "--project",
      String(s.projectId),
      "--data",
      data,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${two.sessionId}\n${b.sessionId}\n`);
    expect(
      stored(data)
        .map((r) => r.rec.sessionId)
        .sort(),
    ).toEqual([two.sessionId, b.sessionId].sort());
  });

  it("writes a scrubbed fixture with --fixture and stores nothing", async () => {
    const s = await fresh();
    const data = dataDir();
    const file = join(dir.path, `pulled-${n}.replay.jsonl`);
    const result = await pull([link(s, two), "--fixture", file, "--data", data]);
    expect(result.code).toBe(0);
    const read = await readRecordingFile(readFileSync(file));
    expect(read.format).toBe("fixture");
    expect(readFileSync(file, "utf8")).not.toContain("s3cret-pw!");
    expect(existsSync(join(data, "recordings.db"))).toBe(false);
  });

  it("waits out a 429 (nothing sent before Retry-After) and finishes", async () => {
    const s = await fresh();
    s.fault({
      when: (r) => r.query.get("start_blob_key") === "20",
      status: 429,
      headers: { "retry-after": "1" },
    });
    const data = dataDir();
    const result = await pull([link(s, two), "--data", data, "--progress"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/PostHog asks to wait \(429\); sending nothing for 1 s/);
    const at = s.requests.findIndex((r) => r.status === 429);
    expect(s.requests[at + 1]!.at - s.requests[at]!.at).toBeGreaterThanOrEqual(999);
    expect(stored(data)).toHaveLength(1);
  });

  it("lists recordings with filters", async () => {
    const s = await fresh();
    const base = ["--list", "--from", s.url, "--project", String(s.projectId)];
    const all = await pull([...base]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(two.sessionId);
    const none = await pull([...base, "--distinct-id", "nobody"]);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe("No recordings match.\n");
    const json = JSON.parse(
      (await pull([...base, "--has-errors", "--url", "second.html", "--json"])).stdout,
    ) as { recordings: { id: string; person?: unknown }[] };
    expect(json.recordings.map((r) => r.id)).toEqual([two.sessionId]);
    expect(json.recordings[0]!.person).toBeUndefined();
  });
});

describe("replay-devkit pull failures: one line naming the cause, its own exit code, nothing stored", () => {
  it("no key: exit 9 naming POSTHOG_PERSONAL_API_KEY", async () => {
    const s = await fresh();
    expectOneLineError(
      await pull([link(s, two)], {}),
      9,
      /POSTHOG_PERSONAL_API_KEY is not set.*\[REPLAY_DEVKIT_NO_API_KEY\]$/,
    );
    expect(s.requests).toEqual([]);
  });

  it("bad key and missing scope: exit 7", async () => {
    const s = await fresh({ keys: { [STAND_IN_KEY]: ["insight:read"] } });
    expectOneLineError(
      await pull([link(s, two)], { POSTHOG_PERSONAL_API_KEY: "phx_not_a_real_key_42" }),
      7,
      /rejected the personal API key \(401: .*invalid/,
    );
    expectOneLineError(
      await pull([link(s, two)]),
      7,
      /403: API key missing required scope 'session_recording:read'/,
    );
  });

  it("unknown recording: exit 3", async () => {
    const s = await fresh();
    const data = dataDir();
    expectOneLineError(
      await pull([`${s.url}/project/${s.projectId}/replay/no-such-session`, "--data", data]),
      3,
      /404: Recording not found/,
    );
    expect(existsSync(join(data, "recordings.db"))).toBe(false);
  });

  it("deleted recording (410 from the block requests after 200s): exit 10, nothing stored", async () => {
    const s = await fresh({}, { deletedAtBlocks: true });
    const data = dataDir();
    expectOneLineError(
      await pull([link(s, two), "--data", data]),
      10,
      /deleted this recording permanently \(410/,
    );
    expect(s.requests.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(data, "recordings.db"))).toBe(false);
  });

  it("server errors after every retry: exit 8; dropped connections: exit 8", async () => {
    const s = await fresh();
    const data = dataDir();
    for (let i = 0; i < 2; i++) s.fault({ when: (r) => r.query.get("start_blob_key") === "40", status: 502 });
    expectOneLineError(
      await pull([link(s, two), "--data", data, "--retries", "1"]),
      8,
      /answered 502 2 times/,
    );
    for (let i = 0; i < 2; i++) s.fault({ when: (r) => r.query.has("source"), drop: true });
    expectOneLineError(
      await pull([link(s, two), "--data", data, "--retries", "1"]),
      8,
      /connection to .* failed 2 times/,
    );
    expect(existsSync(join(data, "recordings.db"))).toBe(false);
  });

  it("self-signed host: exit 12 unless --insecure", async () => {
    const s = await fresh({ tls: selfSignedCertificate() });
    const data = dataDir();
    expectOneLineError(
      await pull([link(s, two), "--data", data]),
      12,
      /TLS certificate Node does not trust \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );
    const insecure = await pull([link(s, two), "--data", data, "--insecure"]);
    expect(insecure.code).toBe(0);
    expect(insecure.stderr).toMatch(/^warning: --insecure/);
  });
});
