import fc from "fast-check";
import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  packEvent,
  readRecordingFile,
  unpackEvent,
  writeBlobV2,
  writeBundle,
  writeFixture,
  writePosthogExport,
  writeRrwebJson,
  type Recording,
  type RrwebEvent,
} from "../src/index.js";
import { utf8 } from "./helpers.js";
import { chunkPieces, jsonlBlocks, lengthPrefixedSnappy } from "./legacy-helpers.js";

const json = fc.jsonValue({ maxDepth: 3, stringUnit: "binary" });
const jsonObject = fc.dictionary(fc.string({ unit: "binary", maxLength: 8 }), json, { maxKeys: 4 });
const jsonArray = fc.array(json, { maxLength: 4 });
const timestamp = fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 });

/** rrweb-shaped events of every type the codec treats specially, with arbitrary JSON inside. */
const rrwebEvent: fc.Arbitrary<RrwebEvent> = fc
  .oneof(
    fc.record({
      type: fc.constant(2),
      timestamp,
      data: fc.record({
        node: jsonObject,
        initialOffset: fc.record({ top: fc.integer(), left: fc.integer() }),
      }),
    }),
    fc.record({
      type: fc.constant(3),
      timestamp,
      data: fc.record(
        {
          source: fc.constant(0),
          texts: jsonArray,
          attributes: jsonArray,
          removes: jsonArray,
          adds: jsonArray,
        },
        { requiredKeys: ["source"] },
      ),
    }),
    fc.record({
      type: fc.constant(3),
      timestamp,
      data: fc.record(
        { source: fc.constant(8), id: fc.nat(), adds: jsonArray, removes: jsonArray },
        { requiredKeys: ["source", "id"] },
      ),
    }),
    fc.record({
      type: fc.constant(3),
      timestamp,
      data: fc.record({ source: fc.constantFrom(1, 2, 3, 4, 5, 6), id: fc.nat(), extra: json }),
    }),
    fc.record({
      type: fc.constant(4),
      timestamp,
      data: fc.record({ href: fc.webUrl(), width: fc.nat(), height: fc.nat() }),
    }),
    fc.record({ type: fc.constant(5), timestamp, data: fc.record({ tag: fc.string(), payload: json }) }),
    fc.record({
      type: fc.constant(6),
      timestamp,
      data: fc.record({
        plugin: fc.constant("rrweb/console@1"),
        payload: fc.record({
          level: fc.constantFrom("log", "warn", "error"),
          payload: fc.array(fc.string()),
          trace: fc.array(fc.string()),
        }),
      }),
    }),
    fc.record({ type: fc.constantFrom(0, 1), timestamp, data: fc.constant({}) }),
  )
  // Normalise through JSON once: every format is JSON, which cannot tell -0 from 0.
  .map((e) => JSON.parse(JSON.stringify(e)) as RrwebEvent);

const windowId = fc.oneof(fc.uuid(), fc.constantFrom("1", "2", "w/../x", "tab one"));

/** A recording with 1-3 windows, each sorted by time (stable, as the model requires). */
const recording: fc.Arbitrary<Recording> = fc
  .uniqueArray(fc.tuple(windowId, fc.array(rrwebEvent, { maxLength: 12 })), {
    minLength: 1,
    maxLength: 3,
    selector: ([id]) => id,
  })
  .map((windows) => ({
    sessionId: "prop-session",
    distinctId: "prop-user",
    windows: windows.map(([id, events]) => ({
      windowId: id,
      events: [...events].sort((a, b) => a.timestamp - b.timestamp),
    })),
    posthogEvents: [],
  }));

/**
 * Windows as a flat, time-ordered format gives them back: empty windows vanish and windows come in
 * order of their first event, so compare them by id.
 */
const nonEmpty = (rec: Recording) =>
  rec.windows
    .filter((w) => w.events.length > 0)
    .map((w) => ({ windowId: w.windowId, events: w.events }))
    .sort((a, b) => (a.windowId < b.windowId ? -1 : a.windowId > b.windowId ? 1 : 0));

async function read(text: string | Uint8Array) {
  const result = await readRecordingFile(typeof text === "string" ? utf8(text) : text, {
    sessionId: "prop-session",
  });
  return result.recordings[0]!;
}

describe("property: generated events", () => {
  it("unpack(pack(e)) is e", () => {
    fc.assert(
      fc.property(rrwebEvent, (event) => {
        expect(unpackEvent(packEvent(event))).toEqual(event);
      }),
      { numRuns: 300 },
    );
  });

  it("every format round-trips count, order, types, timestamps and data", async () => {
    await fc.assert(
      fc.asyncProperty(recording, async (rec) => {
        const want = nonEmpty(rec);
        expect(nonEmpty(await read(writePosthogExport(rec)))).toEqual(want);
        // An empty blob_v2 file is empty text, which is (rightly) not recognisable as anything.
        if (want.length > 0) {
          expect(nonEmpty(await read(writeBlobV2(rec)))).toEqual(want);
          expect(nonEmpty(await read(gzipSync(utf8(writeBlobV2(rec)))))).toEqual(want);
        }
        const fixture = await read(writeFixture(rec));
        expect(fixture.windows.map((w) => ({ windowId: w.windowId, events: w.events }))).toEqual(
          rec.windows.map((w) => ({ windowId: w.windowId, events: w.events })),
        );
        const bundle = await read(await writeBundle(rec, { producer: "prop" }));
        expect(bundle.windows.map((w) => ({ windowId: w.windowId, events: w.events }))).toEqual(
          rec.windows.map((w) => ({ windowId: w.windowId, events: w.events })),
        );
        if (want.length > 1) expect(nonEmpty(await read(writeRrwebJson(rec)))).toEqual(want);
        for (const w of want)
          expect((await read(writeRrwebJson(rec, w.windowId))).windows[0]!.events).toEqual(w.events);
      }),
      { numRuns: 60 },
    );
  });
});

describe("property: legacy PostHog encodings", () => {
  it("blob_v2 as length-prefixed Snappy blocks reads like its JSONL", async () => {
    await fc.assert(
      fc.asyncProperty(recording, fc.integer({ min: 1, max: 5 }), async (rec, linesPerBlock) => {
        const want = nonEmpty(rec);
        if (want.length === 0) return;
        const blob = writeBlobV2(rec);
        const file = lengthPrefixedSnappy(jsonlBlocks(blob, linesPerBlock));
        const got = await readRecordingFile(file, { sessionId: "prop-session" });
        expect(got.formatVersion).toBe("length-prefixed-snappy");
        expect(nonEmpty(got.recordings[0]!)).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });

  it("chunked $snapshot_data in any order, with repeats, reads like the events it was made from", async () => {
    await fc.assert(
      fc.asyncProperty(
        recording,
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.func(fc.integer()),
        async (rec, pieces, asUtf8, order) => {
          const byWindow: Record<string, unknown[]> = {};
          for (const w of rec.windows) {
            const set = chunkPieces(w.events, { pieces, chunkId: `chunk-${w.windowId}`, utf8: asUtf8 });
            // Repeat some pieces and shuffle deterministically from the generated function.
            const list = [...set, ...set.filter((_, i) => order(i) % 3 === 0)];
            byWindow[w.windowId] = list
              .map((p, i) => ({ p, key: order(i + 100) }))
              .sort((a, b) => a.key - b.key)
              .map(({ p }) => p);
          }
          const doc = { snapshot_data_by_window_id: byWindow };
          expect(nonEmpty(await read(JSON.stringify(doc)))).toEqual(nonEmpty(rec));
        },
      ),
      { numRuns: 60 },
    );
  });
});
