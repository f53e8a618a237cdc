import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readRecordingFile, type Recording } from "@replay-devkit/codec";
import { openStore } from "@replay-devkit/store";
import { S3Client, s3ConfigFromEnv } from "@replay-devkit/s3";
import { standInRecording, startS3Server, tempDir } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, assertBuilt, runCli } from "./helpers.js";

// `export --all --to DIR` and `import --from DIR` on the built CLI, over a store of many recordings
// made from the shared posthog-js capture (run A's events under different session ids).

beforeAll(() => assertBuilt());
const dir = tempDir("replay-devkit-cli-batch-");
afterAll(() => dir.cleanup());
const COUNT = 60;
const source = standInRecording(["A"], 10_000);
const jsonl = Buffer.from(source.blocks.flat().join("\n"));

async function makeStore(data: string, count = COUNT): Promise<Recording[]> {
  mkdirSync(data, { recursive: true });
  const store = openStore(join(data, "recordings.db"));
  const made: Recording[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const [rec] = (await readRecordingFile(jsonl, { sessionId: `batch-${String(i).padStart(3, "0")}` }))
        .recordings;
      rec!.distinctId = `user-${i}@example.com`;
      store.importRecording(rec!, { source: "test" });
      made.push(store.loadRecording(rec!.sessionId));
    }
  } finally {
    store.close();
  }
  return made;
}

interface Line {
  id: string;
  file: string;
  format: string;
  sha256: string;
  size: number;
  metadata: Record<string, unknown>;
}
const indexOf = (out: string): Line[] =>
  readFileSync(join(out, "index.jsonl"), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Line);
const filesBelow = (out: string) =>
  (readdirSync(out, { recursive: true }) as string[]).filter((p) => statSync(join(out, p)).isFile()).sort();

/** `export --all --to TO --idle 0 --data DATA …extra` as a user runs it. */
function exportAll(to: string, data: string, extra: string[] = [], env: Record<string, string> = {}) {
  return runCli(["export", "--all", "--to", to, "--idle", "0", "--data", data, ...extra], { env });
}

/** Starts `export --all` with progress and SIGKILLs it after its third progress line. */
function killedExport(to: string, data: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, "export", "--all", "--to", to, "--idle", "0", "--progress", "--data", data],
      {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, ...env },
      },
    );
    let seen = 0;
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      seen += (text.match(/^export \[/gm) ?? []).length;
      if (seen >= 3) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("close", () => resolve());
  });
}

describe("export --all --to DIR", () => {
  const data = join(dir.path, "data");
  const out = join(dir.path, "out");
  let made: Recording[];
  beforeAll(async () => {
    made = await makeStore(data);
  });

  it("writes only complete recordings: inside --idle nothing is exported", async () => {
    const result = await runCli(["export", "--all", "--to", join(dir.path, "too-early"), "--data", data]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/0 written, 0 unchanged, 60 still recording \(inside --idle 30m\)/);
  });

  it("writes one scrubbed bundle per recording and an index line for each", async () => {
    const result = await runCli(["export", "--all", "--to", out, "--idle", "0", "--data", data]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/60 written, 0 unchanged/);
    const index = indexOf(out);
    expect(index.map((l) => l.id)).toEqual(made.map((r) => r.sessionId).sort());
    expect(filesBelow(out)).toEqual([...index.map((l) => l.file), "index.jsonl"].sort());
    for (const line of index) {
      expect(Object.keys(line)).toEqual(["id", "file", "format", "sha256", "size", "metadata"]);
      const bytes = readFileSync(join(out, line.file));
      expect(line.format).toBe("bundle");
      expect(line.size).toBe(bytes.length);
      expect(line.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(line.metadata.id).toBe(line.id);
      // Scrubbed by default: the distinct id (an email) is gone, the bundle carries its redaction log.
      expect(JSON.stringify(line.metadata)).not.toContain("@example.com");
      const read = await readRecordingFile(bytes);
      expect(read.redactions.length).toBeGreaterThan(0);
    }
  });

  it("is idempotent: a second run rewrites no file and leaves the index byte-identical", async () => {
    const before = new Map(filesBelow(out).map((f) => [f, statSync(join(out, f)).mtimeMs]));
    const indexBytes = readFileSync(join(out, "index.jsonl"));
    const result = await runCli(["export", "--all", "--to", out, "--idle", "0", "--data", data]);
    expect(result.stderr).toMatch(/0 written, 60 unchanged; index.jsonl unchanged/);
    expect(readFileSync(join(out, "index.jsonl")).equals(indexBytes)).toBe(true);
    expect(new Map(filesBelow(out).map((f) => [f, statSync(join(out, f)).mtimeMs]))).toEqual(before);
  });

  it("writes a recording again when it got new events, replacing its index line", async () => {
    const changed = made[7]!.sessionId;
    const store = openStore(join(data, "recordings.db"));
    try {
      const extra = { type: 5, timestamp: 1_795_400_000_000, data: { tag: "later", payload: {} } };
      store.importRecording(
        {
          ...made[7]!,
          windows: [{ windowId: made[7]!.windows[0]!.windowId, events: [extra as never] }],
          posthogEvents: [],
        },
        { source: "test" },
      );
    } finally {
      store.close();
    }
    const before = indexOf(out);
    const result = await runCli(["export", "--all", "--to", out, "--idle", "0", "--data", data]);
    expect(result.stderr).toMatch(/1 written, 59 unchanged/);
    const after = indexOf(out);
    expect(after).toHaveLength(COUNT);
    const was = before.find((l) => l.id === changed)!;
    const now = after.find((l) => l.id === changed)!;
    expect(now.sha256).not.toBe(was.sha256);
    expect(after.filter((l) => l.id !== changed)).toEqual(before.filter((l) => l.id !== changed));
  });

  it("applies the list filters and --format", async () => {
    const filtered = join(dir.path, "filtered");
    const none = await exportAll(filtered, data, ["--url", "nowhere.example"]);
    expect(none.stderr).toMatch(/0 written, 0 unchanged/);
    const one = await exportAll(filtered, data, [
      "--distinct-id",
      "user-3@example.com",
      "--format",
      "posthog",
    ]);
    expect(one.stderr).toMatch(/1 written, 0 unchanged/);
    const [line] = indexOf(filtered);
    expect(line!.id).toBe("batch-003");
    expect(line!.format).toBe("posthog");
    expect(line!.file).toMatch(/^\d{4}-\d{2}-\d{2}\/batch-003\.posthog\.json$/);
    expect((await readRecordingFile(readFileSync(join(filtered, line!.file)))).format).toBe("posthog-export");
  });

  it("import --from gives back the same recordings byte for byte (--no-scrub), and again stores nothing twice", async () => {
    const raw = join(dir.path, "raw");
    expect(
      (await runCli(["export", "--all", "--to", raw, "--idle", "0", "--no-scrub", "--data", data])).code,
    ).toBe(0);
    const back = join(dir.path, "back");
    const first = await runCli(["import", "--from", raw, "--data", back]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/60 recording\(s\), 60 new/);
    const again = await runCli(["import", "--from", raw, "--data", back]);
    expect(again.stderr).toMatch(/60 recording\(s\), 0 new, 0 new events/);
    const original = openStore(join(data, "recordings.db"));
    const copy = openStore(join(back, "recordings.db"));
    try {
      for (const { id } of original.listRecordings({ limit: 1000 }).recordings) {
        expect(JSON.stringify(copy.loadRecording(id).windows)).toBe(
          JSON.stringify(original.loadRecording(id).windows),
        );
        expect(copy.loadRecording(id).distinctId).toBe(original.loadRecording(id).distinctId);
      }
    } finally {
      original.close();
      copy.close();
    }
  });
});

describe("export --all is resumable", () => {
  it("killed mid-run, the next run removes the leftovers and finishes with every recording exactly once", async () => {
    const data = join(dir.path, "data-kill");
    const out = join(dir.path, "out-kill");
    await makeStore(data, 150);
    await killedExport(out, data);
    const killed = filesBelow(out).filter((f) => f.endsWith(".zip")).length;
    expect(killed).toBeLessThan(150);
    // A temporary file as a kill during a write leaves it.
    const day = filesBelow(out)
      .find((f) => f.endsWith(".zip"))!
      .split("/")[0]!;
    writeFileSync(join(out, day, ".batch-149.zip.4242.replay-devkit-partial"), "half a file");
    const result = await runCli(["export", "--all", "--to", out, "--idle", "0", "--data", data]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/leftover temporary file\(s\) of an earlier run removed/);
    const index = indexOf(out);
    expect(index).toHaveLength(150);
    expect(new Set(index.map((l) => l.id)).size).toBe(150);
    expect(filesBelow(out).filter((f) => f.includes("replay-devkit-partial"))).toEqual([]);
    expect(filesBelow(out).filter((f) => f.endsWith(".zip"))).toHaveLength(150);
    for (const line of index) {
      expect(
        createHash("sha256")
          .update(readFileSync(join(out, line.file)))
          .digest("hex"),
      ).toBe(line.sha256);
    }
  });
});

describe("export --all --to s3:// and import --from s3://", () => {
  it("is idempotent and resumable against a real S3 API (s3rver), and reads back the same recordings", async () => {
    await using s3 = await startS3Server({ bucket: "replays" });
    const data = join(dir.path, "data-s3");
    await makeStore(data, 120);
    const url = "s3://replays/team/backups";
    const env = s3.env;
    // Killed after a few recordings: every PUT is whole, so the next run only has to finish.
    await killedExport(url, data, env);
    const client = new S3Client(s3ConfigFromEnv(env), "replays");
    let afterKill = 0;
    for await (const { key } of client.list("team/backups/")) if (key.endsWith(".zip")) afterKill++;
    expect(afterKill).toBeLessThan(120);
    const finish = await runCli(["export", "--all", "--to", url, "--idle", "0", "--data", data], { env });
    expect(finish.code, finish.stderr).toBe(0);
    expect(finish.stderr).toMatch(/^s3:\/\/replays\/team\/backups: \d+ written, \d+ unchanged\n/);
    const index = Buffer.from(await client.get("team/backups/index.jsonl")).toString("utf8");
    const lines = index
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.id)).toEqual([...new Set(lines.map((l) => l.id))].sort());
    expect(lines).toHaveLength(120);
    for (const line of lines.slice(0, 10)) {
      const bytes = await client.get(`team/backups/${line.file}`);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(line.sha256);
    }
    const again = await runCli(["export", "--all", "--to", url, "--idle", "0", "--data", data], { env });
    expect(again.stderr).toMatch(/0 written, 120 unchanged; index.jsonl unchanged/);
    expect(Buffer.from(await client.get("team/backups/index.jsonl")).toString("utf8")).toBe(index);
    const back = join(dir.path, "back-s3");
    const imported = await runCli(["import", "--from", url, "--data", back], { env });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/120 recording\(s\), 120 new/);
    expect((await runCli(["import", "--from", url, "--data", back], { env })).stderr).toMatch(
      /120 recording\(s\), 0 new, 0 new events/,
    );
  });

  it("names a missing bucket", async () => {
    await using s3 = await startS3Server({ bucket: "replays" });
    const data = join(dir.path, "data-s3-missing");
    await makeStore(data, 1);
    const result = await runCli(
      ["export", "--all", "--to", "s3://no-such-bucket/x", "--idle", "0", "--data", data],
      { env: s3.env },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/no-such-bucket.*\[REPLAY_DEVKIT_NOT_FOUND\]/);
  });
});
