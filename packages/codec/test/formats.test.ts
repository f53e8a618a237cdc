import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  CodecError,
  readRecordingFile,
  sniffFormat,
  writeBlobV2,
  writeBundle,
  writeFixture,
  writePosthogExport,
  writeRrwebJson,
  type Recording,
} from "../src/index.js";
import { captureRecording, publicFixture, utf8 } from "./helpers.js";

const recordingA = captureRecording("A");
const recordingB = captureRecording("B");

/** Two real windows: run B's events re-labelled as a second tab of run A's session. */
const twoWindows: Recording = {
  ...recordingA,
  windows: [...recordingA.windows, { windowId: "second-tab", events: recordingB.windows[0]!.events }],
};

function eventsOf(rec: Recording) {
  return rec.windows.map((w) => ({ windowId: w.windowId, events: w.events }));
}

async function readOne(bytes: Uint8Array | string, sessionId?: string) {
  const result = await readRecordingFile(
    typeof bytes === "string" ? utf8(bytes) : bytes,
    sessionId === undefined ? {} : { sessionId },
  );
  expect(result.recordings).toHaveLength(1);
  return { result, rec: result.recordings[0]! };
}

describe("public fixtures import", () => {
  const cases = [
    { file: "rrweb-player-example__homepage.json", events: 720, version: "legacy-result", seconds: 224 },
    { file: "rrweb-player-example__local-docs.json", events: 108, version: "legacy-result", seconds: 11.7 },
    {
      file: "rrweb-player-example__mobile-homepage.json",
      events: 942,
      version: "legacy-result",
      seconds: 735,
    },
  ];
  for (const c of cases) {
    it(`${c.file}: ${c.events} events, ~${c.seconds} s`, async () => {
      const bytes = publicFixture(c.file);
      expect(sniffFormat(bytes)).toBe("rrweb-json");
      const { result, rec } = await readOne(bytes);
      expect(result.formatVersion).toBe(c.version);
      expect(rec.windows).toHaveLength(1);
      expect(rec.windows[0]!.events).toHaveLength(c.events);
      const ts = rec.windows[0]!.events.map((e) => e.timestamp);
      expect((ts.at(-1)! - ts[0]!) / 1000).toBeCloseTo(c.seconds, 0);
      // The same bytes give the same derived session id; an explicit one wins.
      expect((await readOne(bytes)).rec.sessionId).toBe(rec.sessionId);
      expect((await readOne(bytes, "given")).rec.sessionId).toBe("given");
      // And gzip of the file reads the same.
      expect((await readOne(gzipSync(bytes))).rec).toEqual(rec);
    });
  }

  it("posthog__blob-v2-snapshot-block.jsonl: 6 lines of one window", async () => {
    const bytes = publicFixture("posthog__blob-v2-snapshot-block.jsonl");
    expect(sniffFormat(bytes)).toBe("blob-v2");
    const { rec } = await readOne(bytes);
    expect(rec.windows.map((w) => [w.windowId, w.events.length])).toEqual([
      ["0196cf71-3156-76cb-bb45-d0de45b84d05", 6],
    ]);
  });

  it("posthog__mobile-incremental-wireframes.json: a single mobile event", async () => {
    const { rec } = await readOne(publicFixture("posthog__mobile-incremental-wireframes.json"));
    expect(rec.windows[0]!.events).toHaveLength(1);
    expect(rec.windows[0]!.events[0]!.type).toBe(3);
  });

  it("posthog__session-recording-metadata.json is not a recording and says so", async () => {
    await expect(
      readRecordingFile(publicFixture("posthog__session-recording-metadata.json")),
    ).rejects.toMatchObject({ code: "UNKNOWN_FORMAT" });
  });
});

describe("round trips are lossless", () => {
  for (const [name, rec] of [
    ["run A (one window)", recordingA],
    ["two windows", twoWindows],
  ] as const) {
    it(`${name}: posthog export, rrweb, blob_v2, fixture and bundle`, async () => {
      const exported = writePosthogExport(rec);
      expect(sniffFormat(utf8(exported))).toBe("posthog-export");
      const fromExport = (await readOne(exported)).rec;
      expect(fromExport.sessionId).toBe(rec.sessionId);
      expect(eventsOf(fromExport)).toEqual(eventsOf(rec));
      expect(fromExport.distinctId).toBe(rec.distinctId);

      const rrweb = writeRrwebJson(fromExport);
      expect(sniffFormat(utf8(rrweb))).toBe("rrweb-json");
      const fromRrweb = (await readOne(rrweb, rec.sessionId)).rec;
      if (rec.windows.length === 1) expect(fromRrweb.windows[0]!.events).toEqual(rec.windows[0]!.events);
      else expect(eventsOf(fromRrweb)).toEqual(eventsOf(rec));

      const blob = writeBlobV2(fromExport);
      expect(sniffFormat(utf8(blob))).toBe("blob-v2");
      const fromBlob = (await readOne(blob, rec.sessionId)).rec;
      expect(eventsOf(fromBlob)).toEqual(eventsOf(rec));

      // blob_v2 carries no distinct id or PostHog events; add them back for the formats that do.
      const fixture = writeFixture({
        ...fromBlob,
        distinctId: fromExport.distinctId,
        posthogEvents: rec.posthogEvents,
      });
      expect(sniffFormat(utf8(fixture))).toBe("fixture");
      const fromFixture = (await readOne(fixture)).rec;
      expect(eventsOf(fromFixture)).toEqual(eventsOf(rec));
      expect(fromFixture.posthogEvents).toEqual(rec.posthogEvents);
      expect(fromFixture.distinctId).toBe(rec.distinctId);

      const bundle = await writeBundle(fromFixture, {
        producer: "codec test",
        redactions: [{ rule: "r", location: "events", field: "x", action: "masked", count: 2 }],
      });
      expect(sniffFormat(bundle)).toBe("bundle");
      const { result, rec: fromBundle } = await readOne(bundle);
      expect(result).toMatchObject({
        format: "bundle",
        formatVersion: "2",
        producer: "codec test",
        redactions: [{ rule: "r", count: 2 }],
      });
      expect(eventsOf(fromBundle)).toEqual(eventsOf(rec));
      expect(fromBundle.posthogEvents).toEqual(rec.posthogEvents);
      expect(fromBundle.sessionId).toBe(rec.sessionId);
      expect(fromBundle.metadata?.eventCount).toBe(rec.windows.reduce((n, w) => n + w.events.length, 0));

      // gzip of any text format reads the same.
      expect(eventsOf((await readOne(gzipSync(utf8(blob)), rec.sessionId)).rec)).toEqual(eventsOf(rec));
    });
  }

  it("reads the older export version and numeric window ids", async () => {
    const events = recordingA.windows[0]!.events;
    const v2022 = JSON.stringify({
      version: "2022-12-02",
      data: { person: { distinct_ids: ["d1"] }, snapshotsByWindowId: { abc: events } },
    });
    const old = (await readOne(v2022, "s")).rec;
    expect(old.distinctId).toBe("d1");
    expect(eventsOf(old)).toEqual([{ windowId: "abc", events }]);
    const numeric = JSON.stringify(
      {
        version: "2023-04-28",
        data: { id: "sess", snapshots: events.map((e, i) => ({ ...e, windowId: i % 2 ? 2 : 1 })) },
      },
      null,
      2,
    );
    const rec = (await readOne(numeric)).rec;
    expect(rec.sessionId).toBe("sess");
    expect(rec.windows.map((w) => w.windowId)).toEqual(["1", "2"]);
    expect(rec.windows.flatMap((w) => w.events).length).toBe(events.length);
  });

  it("writes fixtures with stable key order, one event per line, optionally rebased", async () => {
    const fixture = writeFixture(recordingA, { rebaseTo: 0 });
    const lines = fixture.trimEnd().split("\n");
    const header = JSON.parse(lines[0]!) as {
      format: string;
      formatVersion: number;
      timeShiftMs: number;
      metadata: { startTime: string };
    };
    expect(header).toMatchObject({ format: "replay-devkit-fixture", formatVersion: 1 });
    expect(header.metadata.startTime).toBe("1970-01-01T00:00:00.000Z");
    expect(lines[1]!.startsWith('{"event":{"data":')).toBe(true);
    expect(JSON.parse(lines[1]!).event.timestamp).toBe(0);
    expect(lines.length).toBe(1 + recordingA.windows[0]!.events.length + recordingA.posthogEvents.length);
    // Same input, same bytes; key order in the input does not matter.
    const shuffled: Recording = {
      ...recordingA,
      windows: recordingA.windows.map((w) => ({
        ...w,
        events: w.events.map((e) => Object.fromEntries(Object.entries(e).reverse()) as typeof e),
      })),
    };
    expect(writeFixture(shuffled, { rebaseTo: 0 })).toBe(fixture);
    const back = (await readOne(fixture)).rec;
    expect(back.windows[0]!.events.map((e) => e.timestamp + header.timeShiftMs * -1)).toEqual(
      recordingA.windows[0]!.events.map((e) => e.timestamp),
    );
  });

  it("writes a bundle whose manifest lists every file with size and sha256", async () => {
    const bundle = await writeBundle(twoWindows, {
      producer: "test",
      createdAt: new Date("2026-01-01T00:00:00Z"),
    });
    const { unzipSync } = await import("fflate");
    const files = unzipSync(bundle);
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"])) as {
      files: { path: string; size: number; sha256: string }[];
      windows: { windowId: string; path: string }[];
    };
    const dom = Object.keys(files).filter((path) => path.startsWith("dom/"));
    expect(
      Object.keys(files)
        .filter((path) => !dom.includes(path))
        .sort(),
    ).toEqual(
      [
        "events/second-tab.jsonl.gz",
        `events/${recordingA.windows[0]!.windowId}.jsonl.gz`,
        "manifest.json",
        "metadata.json",
        "posthog-events.jsonl.gz",
      ].sort(),
    );
    // One DOM page per full snapshot at least, numbered from 1.
    expect(dom.length).toBeGreaterThanOrEqual(2);
    expect(dom.sort()[0]).toBe("dom/snap-0001.html");
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      Object.keys(files)
        .filter((path) => path !== "manifest.json")
        .sort(),
    );
    const { createHash } = await import("node:crypto");
    for (const f of manifest.files) {
      expect(files[f.path]!.length).toBe(f.size);
      expect(createHash("sha256").update(files[f.path]!).digest("hex")).toBe(f.sha256);
    }
    expect(manifest.windows.map((w) => w.windowId)).toEqual([recordingA.windows[0]!.windowId, "second-tab"]);
    // Deterministic for a fixed createdAt.
    expect(
      await writeBundle(twoWindows, { producer: "test", createdAt: new Date("2026-01-01T00:00:00Z") }),
    ).toEqual(bundle);
  });

  it("rejects unknown versions, naming the version found", async () => {
    const cases: [string, string][] = [
      [JSON.stringify({ version: "2030-01-01", data: { snapshots: [] } }), "2030-01-01"],
      [`${JSON.stringify({ format: "replay-devkit-fixture", formatVersion: 7, sessionId: "s" })}\n`, "7"],
    ];
    for (const [text, version] of cases) {
      const error = await readRecordingFile(utf8(text)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CodecError);
      expect((error as CodecError).code).toBe("UNKNOWN_VERSION");
      expect((error as CodecError).message).toContain(version);
    }
  });
});
