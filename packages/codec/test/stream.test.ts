import { describe, expect, it } from "vitest";
import {
  JsonStreamSplitter,
  RecordingStreamReader,
  readRecordingFile,
  streamFormatOf,
  writeBlobV2,
  writePosthogExport,
  writeRrwebJson,
  type JsonPath,
  type Recording,
  type RrwebEvent,
} from "../src/index.js";
import { captureRecording, utf8 } from "./helpers.js";

/** Cuts a text into pieces of varying sizes, so every boundary case (inside keys, strings, escapes) comes up. */
function pieces(text: string, seed: number): string[] {
  const out: string[] = [];
  let i = 0;
  let x = seed;
  while (i < text.length) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const n = 1 + (x % 97);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

function streamed(format: "posthog-export" | "rrweb-json" | "blob-v2", text: string, seed = 7) {
  const events: { windowId: string | null; event: RrwebEvent }[] = [];
  const reader = new RecordingStreamReader(format, (windowId, event) => events.push({ windowId, event }));
  for (const piece of pieces(text, seed)) reader.write(piece);
  return { info: reader.end(), events };
}

function byWindow(events: { windowId: string | null; event: RrwebEvent }[], fallback: string) {
  const out = new Map<string, RrwebEvent[]>();
  for (const { windowId, event } of events) {
    const w = windowId ?? fallback;
    out.set(w, [...(out.get(w) ?? []), event]);
  }
  for (const list of out.values()) list.sort((a, b) => a.timestamp - b.timestamp);
  return Object.fromEntries(out);
}

function windowsOf(rec: Recording) {
  return Object.fromEntries(rec.windows.map((w) => [w.windowId, w.events]));
}

describe("JsonStreamSplitter", () => {
  it("emits the selected values whatever the chunk boundaries", () => {
    const doc = {
      'we"ird\\key': { skip: [1, 2, { deep: "}]" }] },
      list: [{ a: 'x\\"y', b: [true, null, -1.5e3] }, "s,]}", 42, [], {}],
      tail: "ok",
    };
    const text = JSON.stringify(doc, null, 1);
    for (const seed of [1, 2, 3, 99]) {
      const got: [JsonPath, unknown][] = [];
      const splitter = new JsonStreamSplitter(
        (path) =>
          path.length === 0 || path[0] === "list"
            ? path.length < 2
              ? "descend"
              : "emit"
            : path[0] === "tail"
              ? "emit"
              : "skip",
        (path, value) => got.push([path, value]),
        1e6,
      );
      for (const piece of pieces(text, seed)) splitter.write(piece);
      splitter.end();
      expect(got).toEqual([
        [["list", 0], doc.list[0]],
        [["list", 1], "s,]}"],
        [["list", 2], 42],
        [["list", 3], []],
        [["list", 4], {}],
        [["tail"], "ok"],
      ]);
    }
  });

  it("refuses truncated, trailing and oversized input with codec errors", () => {
    const splitter = () =>
      new JsonStreamSplitter(
        () => "emit",
        () => undefined,
        20,
      );
    const cut = new JsonStreamSplitter(
      (p) => (p.length === 0 ? "descend" : "emit"),
      () => undefined,
      100,
    );
    cut.write('[{"a":1},{"b":');
    expect(() => cut.end()).toThrow(
      expect.objectContaining({ code: "INVALID_JSON", message: expect.stringMatching(/truncated/) }),
    );
    const trailing = splitter();
    expect(() => trailing.write('{"a":1} x')).toThrow(expect.objectContaining({ code: "INVALID_JSON" }));
    expect(() => splitter().write(`"${"x".repeat(50)}"`)).toThrow(
      expect.objectContaining({ code: "TOO_LARGE" }),
    );
    expect(() => splitter().write('{"a":tru e}')).toThrow(expect.objectContaining({ code: "INVALID_JSON" }));
  });
});

describe("RecordingStreamReader", () => {
  const rec = captureRecording("A");

  it("reads a PostHog export as the whole-file reader does", async () => {
    const text = writePosthogExport({ ...rec, distinctId: "user-1" });
    expect(streamFormatOf(text.slice(0, 2000), false)).toBe("posthog-export");
    const whole = (await readRecordingFile(utf8(text))).recordings[0]!;
    const { info, events } = streamed("posthog-export", text);
    expect(info).toMatchObject({
      format: "posthog-export",
      formatVersion: "2023-04-28",
      sessionId: rec.sessionId,
      distinctId: "user-1",
    });
    expect(info.events).toBe(events.length);
    expect(byWindow(events, rec.sessionId)).toEqual(windowsOf(whole));
  });

  it("reads an rrweb array and blob_v2 lines as the whole-file reader does", async () => {
    const array = writeRrwebJson(rec);
    expect(streamFormatOf(array.slice(0, 3000), false)).toBe("rrweb-json");
    const wholeArray = (await readRecordingFile(utf8(array), { sessionId: "s1" })).recordings[0]!;
    expect(byWindow(streamed("rrweb-json", array, 3).events, "s1")).toEqual(windowsOf(wholeArray));

    const blob = writeBlobV2(rec);
    expect(streamFormatOf(blob.slice(0, 3000), false)).toBe("blob-v2");
    const wholeBlob = (await readRecordingFile(utf8(blob), { sessionId: "s1" })).recordings[0]!;
    expect(byWindow(streamed("blob-v2", blob, 5).events, "s1")).toEqual(windowsOf(wholeBlob));
  });

  it("leaves small and old formats to the whole-file reader", () => {
    expect(streamFormatOf('{"format":"replay-devkit-fixture"}\n{}', true)).toBeNull();
    expect(streamFormatOf('[{"event":"$snapshot","properties":{}}, {"event":', false)).toBeNull();
    expect(streamFormatOf("[1,2]", true)).toBeNull();
    expect(streamFormatOf("hello", false)).toBeNull();
  });

  it("says a file without its version looks like a PostHog export", async () => {
    const doc = JSON.parse(writePosthogExport(rec)) as Record<string, unknown>;
    delete doc.version;
    const text = JSON.stringify(doc);
    const expected = expect.objectContaining({
      code: "UNKNOWN_VERSION",
      message: expect.stringContaining(
        'looks like a PostHog Export-to-JSON file but has no "version"; expected 2022-12-02 or 2023-04-28',
      ),
    });
    expect(() => streamed("posthog-export", text)).toThrow(expected);
    await expect(readRecordingFile(utf8(text))).rejects.toThrow(expected);
  });

  it("names the nearest format of other near misses and what they lack", async () => {
    const cases: [unknown, RegExp][] = [
      [{ version: "2023-04-28" }, /looks like a PostHog Export-to-JSON file .*has no "data"/],
      [
        { data: { id: "x" } },
        /looks like a PostHog Export-to-JSON file but its "data" has neither "snapshots"/,
      ],
      [
        { format: "replay-devkit-fixture-v9" },
        /looks like a replay-devkit file but its format "replay-devkit-fixture-v9"/,
      ],
      [{ timestamp: 1, data: {} }, /looks like an rrweb event but its "type" is not a number/],
    ];
    for (const [doc, message] of cases) {
      await expect(readRecordingFile(utf8(JSON.stringify(doc)))).rejects.toMatchObject({
        code: "UNKNOWN_FORMAT",
        message: expect.stringMatching(message),
      });
    }
  });

  it("refuses an export cut off at 90% and an event that is not an rrweb event", () => {
    const text = writePosthogExport(rec);
    expect(() => streamed("posthog-export", text.slice(0, Math.floor(text.length * 0.9)))).toThrow(
      expect.objectContaining({ code: "INVALID_JSON" }),
    );
    expect(() => streamed("rrweb-json", '[{"type":2,"timestamp":1,"data":{}}, {"nope":1}]')).toThrow(
      expect.objectContaining({ code: "INVALID_EVENT", path: "events[1].type" }),
    );
  });
});
