import { gzipSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import {
  BLOB_V2_SNAPPY,
  CodecError,
  LEGACY_EVENTS,
  readRecordingFile,
  sniffFormat,
  writeBlobV2,
  writeBundle,
  type CodecErrorCode,
  type Recording,
  type RrwebEvent,
} from "../src/index.js";
import { captureRecording, publicFixture, utf8 } from "./helpers.js";
import { chunkPieces, jsonlBlocks, lengthPrefixedSnappy, utf16WithBom } from "./legacy-helpers.js";

async function failure(promise: Promise<unknown>): Promise<CodecError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error("expected a CodecError, got a result");
}

const windowsOf = (rec: Recording) => rec.windows.map((w) => ({ windowId: w.windowId, events: w.events }));

describe("blob_v2 with decompress=false (length-prefixed raw Snappy)", () => {
  const jsonl = publicFixture("posthog__blob-v2-snapshot-block.jsonl");
  const snappyFile = lengthPrefixedSnappy(jsonlBlocks(new TextDecoder().decode(jsonl), 2));

  it("reads the real blob_v2 block, cut into three Snappy blocks, exactly as its JSONL form", async () => {
    expect(snappyFile[0]).toBe(0);
    expect(sniffFormat(snappyFile)).toBe("blob-v2");
    const plain = await readRecordingFile(jsonl);
    const snappy = await readRecordingFile(snappyFile);
    expect(snappy.format).toBe("blob-v2");
    expect(snappy.formatVersion).toBe(BLOB_V2_SNAPPY);
    expect(plain.formatVersion).toBeNull();
    const [rec] = snappy.recordings;
    expect(rec!.windows.map((w) => [w.windowId, w.events.length])).toEqual([
      ["0196cf71-3156-76cb-bb45-d0de45b84d05", 6],
    ]);
    // The decoded text is byte for byte the decompress=true download, so even the derived id matches.
    expect(rec).toEqual(plain.recordings[0]);
    // A gzip around it (a proxy, a user) changes nothing.
    expect((await readRecordingFile(gzipSync(snappyFile))).recordings[0]).toEqual(rec);
  });

  it("reads a real two-window posthog-js recording written as blob_v2 and Snappy-framed", async () => {
    const a = captureRecording("A");
    const b = captureRecording("B");
    const rec: Recording = {
      ...a,
      windows: [...a.windows, { windowId: "tab-2", events: b.windows[0]!.events }],
    };
    const blob = writeBlobV2(rec);
    const file = lengthPrefixedSnappy(jsonlBlocks(blob, 7));
    expect(file.length).toBeLessThan(blob.length / 2);
    const got = (await readRecordingFile(file, { sessionId: a.sessionId })).recordings[0]!;
    const want = (await readRecordingFile(utf8(blob), { sessionId: a.sessionId })).recordings[0]!;
    expect(windowsOf(got)).toEqual(windowsOf(want));
    expect(got.windows.map((w) => w.windowId).sort()).toEqual([a.windows[0]!.windowId, "tab-2"].sort());
  });

  it("keeps recognising gzip and bundles as what they are", async () => {
    const rec = captureRecording("A");
    expect(sniffFormat(gzipSync(utf8(writeBlobV2(rec))))).toBe("blob-v2");
    const bundle = await writeBundle(rec, { producer: "test" });
    expect(sniffFormat(bundle)).toBe("bundle");
    expect((await readRecordingFile(bundle)).format).toBe("bundle");
  });

  it("rejects every cut that is not at a block boundary with INVALID_SNAPPY", async () => {
    const boundaries = new Set<number>();
    for (let at = 0; at < snappyFile.length;) {
      at += 4 + new DataView(snappyFile.buffer, snappyFile.byteOffset).getUint32(at);
      boundaries.add(at);
    }
    expect(boundaries.size).toBe(3);
    for (let cut = 1; cut < snappyFile.length; cut++) {
      const bytes = snappyFile.slice(0, cut);
      if (boundaries.has(cut)) {
        // A whole number of blocks is a shorter, valid download.
        const rec = (await readRecordingFile(bytes)).recordings[0]!;
        expect(rec.windows[0]!.events.length).toBeLessThan(6);
        continue;
      }
      const error = await failure(readRecordingFile(bytes));
      expect(error.code, `cut at ${cut}`).toBe("INVALID_SNAPPY");
      expect(error.message).toMatch(/block \d+ at byte \d+/);
    }
  });

  it("names the corrupt block, and lets no corrupt block decode to garbage silently", async () => {
    const bad = Uint8Array.from([0, 0, 0, 5, 0x04, 0x00, 0x61, 0x01, 0x00]);
    const error = await failure(readRecordingFile(Uint8Array.from([...snappyFile, ...bad])));
    expect(error).toMatchObject({ code: "INVALID_SNAPPY", path: "blocks[3]" });
    expect(error.message).toContain(`in block 3 at byte ${snappyFile.length + 4 + 3} of the file`);
    // A length prefix that claims more than there is.
    const lie = snappyFile.slice();
    new DataView(lie.buffer).setUint32(0, 0x00ffffff);
    expect(await failure(readRecordingFile(lie))).toMatchObject({
      code: "INVALID_SNAPPY",
      path: "blocks[0]",
    });
    // Flipping bytes inside the blocks gives a typed error (or, when only text changed, a typed JSON/event error).
    const codes = new Set<CodecErrorCode | "ok">();
    for (let at = 4; at < snappyFile.length; at += 7) {
      const flipped = snappyFile.slice();
      flipped[at] = (flipped[at] as number) ^ 0x5a;
      try {
        await readRecordingFile(flipped);
        codes.add("ok");
      } catch (e) {
        expect(e).toBeInstanceOf(CodecError);
        codes.add((e as CodecError).code);
      }
    }
    expect(codes).toContain("INVALID_SNAPPY");
  });

  it("stops a Snappy bomb at the decompression limit", async () => {
    const line = `["w",{"type":5,"timestamp":1,"data":{"tag":"${"z".repeat(200)}","payload":{}}}]\n`;
    const blocks = Array.from({ length: 16 }, () => strToU8(line.repeat(600)));
    const file = lengthPrefixedSnappy(blocks);
    expect(file.length).toBeLessThan(200_000);
    const error = await failure(readRecordingFile(file, { limits: { maxDecompressedBytes: 1024 * 1024 } }));
    expect(error.code).toBe("TOO_LARGE");
    expect(
      (await readRecordingFile(file, { limits: { maxDecompressedBytes: 4 * 1024 * 1024 } })).recordings[0]!
        .windows[0]!.events,
    ).toHaveLength(16 * 600);
  });
});

describe("2021 chunked $snapshot_data", () => {
  const events = (
    JSON.parse(new TextDecoder().decode(publicFixture("rrweb-player-example__local-docs.json"))) as {
      result: RrwebEvent[];
    }
  ).result;
  const fromFixture = readRecordingFile(publicFixture("rrweb-player-example__local-docs.json"), {
    sessionId: "s",
  });

  const shuffled = <T>(list: T[]): T[] => {
    // A fixed permutation (reverse, then odd/even interleave) so failures are reproducible.
    const r = [...list].reverse();
    return [...r.filter((_, i) => i % 2 === 1), ...r.filter((_, i) => i % 2 === 0)];
  };

  it("reassembles out-of-order, duplicated pieces of a real recording inside {result: {snapshots}}", async () => {
    const pieces = chunkPieces(events, { pieces: 5 });
    expect(pieces).toHaveLength(5);
    const doc = { result: { snapshots: [...shuffled(pieces), pieces[2], pieces[0]] } };
    const result = await readRecordingFile(utf8(JSON.stringify(doc)), { sessionId: "s" });
    expect(result.format).toBe("rrweb-json");
    expect(result.formatVersion).toBe("legacy-result");
    expect(windowsOf(result.recordings[0]!)).toEqual(windowsOf((await fromFixture).recordings[0]!));
    expect(result.recordings[0]!.windows[0]!.events).toHaveLength(108);
  });

  it("mixes chunk sets and plain events in one list, as PostHog's reader allowed", async () => {
    const first = chunkPieces(events.slice(0, 50), { pieces: 3, chunkId: "set-a" });
    const second = chunkPieces(events.slice(50, 100), { pieces: 2, chunkId: "set-b", utf8: true });
    const doc = { result: [first[1], second[1], ...events.slice(100), first[0], second[0], first[2]] };
    const rec = (await readRecordingFile(utf8(JSON.stringify(doc)), { sessionId: "s" })).recordings[0]!;
    expect(windowsOf(rec)).toEqual(windowsOf((await fromFixture).recordings[0]!));
  });

  it("keeps each window's chunks in that window (snapshot_data_by_window_id)", async () => {
    const doc = {
      next: null,
      snapshot_data_by_window_id: {
        "win-1": chunkPieces(events.slice(0, 60), { pieces: 2, chunkId: "c1" }),
        "win-2": chunkPieces(events.slice(60), { pieces: 2, chunkId: "c2" }),
      },
    };
    const rec = (await readRecordingFile(utf8(JSON.stringify(doc)))).recordings[0]!;
    expect(rec.windows.map((w) => [w.windowId, w.events.length])).toEqual([
      ["win-1", 60],
      ["win-2", 48],
    ]);
  });

  it("keeps the distinct id of PostHog's old long-term-storage object and of API wrappers", async () => {
    const byWindow = { "win-1": chunkPieces(events.slice(0, 60), { pieces: 2, chunkId: "c1" }) };
    const lts = { distinct_id: "user-lts", snapshot_data_by_window_id: byWindow };
    const fromLts = (await readRecordingFile(utf8(JSON.stringify(lts)))).recordings[0]!;
    expect(fromLts.distinctId).toBe("user-lts");
    const wrapped = { result: { snapshots: events.slice(0, 5), person: null, distinct_id: 42 } };
    expect((await readRecordingFile(utf8(JSON.stringify(wrapped)))).recordings[0]!.distinctId).toBe("42");
    const bare = (await readRecordingFile(utf8(JSON.stringify(events.slice(0, 5))))).recordings[0]!;
    expect(bare.distinctId).toBeNull();
  });

  it("reads an old events export: $snapshot events carrying pieces, per session, plus the other events", async () => {
    const snapshot = (sessionId: string, windowId: string, data: unknown, i: number) => ({
      id: `ev-${sessionId}-${i}`,
      event: "$snapshot",
      distinct_id: `person-${sessionId}`,
      timestamp: "2020-11-18T13:58:43.746Z",
      properties: { $session_id: sessionId, $window_id: windowId, $snapshot_data: data },
      elements: [],
    });
    const s1w1 = chunkPieces(events.slice(0, 40), { pieces: 3, chunkId: "s1-w1" });
    const s2 = chunkPieces(events.slice(70), { pieces: 2, chunkId: "s2" });
    const results = [
      ...s1w1.map((p, i) => snapshot("S1", "W1", p, i)).reverse(),
      // Unchunked $snapshot_data (one rrweb event each), as before chunking existed.
      ...events.slice(40, 70).map((e, i) => snapshot("S1", "W2", e, 100 + i)),
      ...s2.map((p, i) => snapshot("S2", "W3", p, 200 + i)),
      {
        event: "$pageview",
        distinct_id: "person-S1",
        properties: { $session_id: "S1", $current_url: "/docs" },
      },
      { event: "$pageview", distinct_id: "other", properties: { $session_id: "nobody" } },
    ];
    for (const doc of [{ next: null, results }, results]) {
      const result = await readRecordingFile(utf8(JSON.stringify(doc)));
      expect(result.formatVersion).toBe(LEGACY_EVENTS);
      const [one, two] = result.recordings;
      expect(result.recordings).toHaveLength(2);
      expect(one!.sessionId).toBe("S1");
      expect(one!.distinctId).toBe("person-S1");
      expect(one!.windows.map((w) => [w.windowId, w.events])).toEqual([
        ["W1", events.slice(0, 40)],
        ["W2", events.slice(40, 70)],
      ]);
      expect(one!.posthogEvents.map((e) => e.properties.$current_url)).toEqual(["/docs"]);
      expect(two!.sessionId).toBe("S2");
      expect(two!.windows.map((w) => [w.windowId, w.events.length])).toEqual([["W3", 38]]);
      expect(two!.posthogEvents).toEqual([]);
    }
  });

  it("keeps the exact text of the UTF-16 payload, non-ASCII and lone surrogates included", async () => {
    const tagged: RrwebEvent[] = [
      { type: 5, timestamp: 1, data: { tag: "naïve ✓ 🎉 \ud800 end", payload: {} } },
      { type: 5, timestamp: 2, data: { tag: "\u0000\u00ff\uffff", payload: {} } },
    ];
    const rec = (
      await readRecordingFile(utf8(JSON.stringify({ result: chunkPieces(tagged, { pieces: 2 }) })))
    ).recordings[0]!;
    expect(rec.windows[0]!.events).toEqual(tagged);
  });

  describe("bad chunk data gives a typed error that names the chunk", () => {
    const pieces = chunkPieces(events, { pieces: 4, chunkId: "c-0042" });
    const read = (list: unknown[], limit?: number) =>
      failure(
        readRecordingFile(
          utf8(JSON.stringify({ result: list })),
          limit ? { limits: { maxDecompressedBytes: limit } } : {},
        ),
      );

    it("missing pieces: INCOMPLETE_CHUNKS with the chunk id and the missing indexes", async () => {
      const error = await read([pieces[2], pieces[0]]);
      expect(error.code).toBe("INCOMPLETE_CHUNKS");
      expect(error.message).toContain(
        'Chunk "c-0042" is incomplete: 2 of 4 pieces, missing chunk_index 1, 3',
      );
      expect(error.path).toBe("result[0]");
    });

    it("bad base64", async () => {
      const broken = pieces.map((p, i) =>
        i === 1 ? { ...p, data: `${String(p.data).slice(0, 10)}!*${String(p.data).slice(12)}` } : p,
      );
      const error = await read(broken);
      expect(error.code).toBe("INVALID_EVENT");
      expect(error.message).toMatch(/Chunk "c-0042" \(4 pieces\): the joined data is not valid base64/);
    });

    it("bad gzip: a piece replaced by other valid base64, and a cut-short last piece", async () => {
      const swapped = pieces.map((p, i) => (i === 1 ? { ...p, data: "A".repeat(String(p.data).length) } : p));
      const error = await read(swapped);
      expect(error.code).toBe("INVALID_GZIP");
      expect(error.message).toContain('Chunk "c-0042"');
      // Cut the last piece where the joined text is still whole base64, so only the gzip is short.
      const before = pieces.slice(0, 3).reduce((n, p) => n + String(p.data).length, 0);
      const keep = 40 + ((4 - ((before + 40) % 4)) % 4);
      const cut = pieces.map((p, i) => (i === 3 ? { ...p, data: String(p.data).slice(0, keep) } : p));
      expect((await read(cut)).code).toBe("INVALID_GZIP");
      const ragged = pieces.map((p, i) => (i === 3 ? { ...p, data: String(p.data).slice(0, keep + 1) } : p));
      expect((await read(ragged)).message).toContain("not valid base64");
      const notGzip = chunkPieces([], { pieces: 1 }).map((p) => ({ ...p, data: btoa("[]") }));
      expect((await read(notGzip)).code).toBe("INVALID_GZIP");
    });

    it("contradictory pieces", async () => {
      const twoDifferent = [...pieces, { ...pieces[1], data: "AAAA" }];
      expect((await read(twoDifferent)).message).toContain("two different pieces with chunk_index 1");
      const countChanged = [...pieces.slice(0, 3), { ...pieces[3], chunk_count: 5 }];
      const error = await read(countChanged);
      expect(error).toMatchObject({ code: "INVALID_EVENT", path: "result[3].chunk_count" });
      expect(error.message).toContain("chunk_count 5, an earlier one (at result[0]) said 4");
      expect(await read([{ ...pieces[0], chunk_index: 4 }])).toMatchObject({
        code: "INVALID_EVENT",
        path: "result[0].chunk_index",
      });
      expect(await read([{ ...pieces[0], compression: "lz4" }])).toMatchObject({
        code: "UNSUPPORTED_ENCODING",
        path: "result[0].compression",
      });
      expect(await read([{ ...pieces[0], data: 42 }])).toMatchObject({
        code: "INVALID_EVENT",
        path: "result[0].data",
      });
    });

    it("a gzip bomb inside the pieces stops at the limit", async () => {
      const big = chunkPieces(
        [{ type: 5, timestamp: 1, data: { tag: " ".repeat(3_000_000), payload: {} } }],
        {
          pieces: 2,
        },
      );
      expect(String(big[0]!.data).length + String(big[1]!.data).length).toBeLessThan(40_000);
      expect((await read(big, 1024 * 1024)).code).toBe("TOO_LARGE");
    });

    it("decoded data that is not a list of events", async () => {
      const error = await read(chunkPieces(["not an event"] as unknown[], { pieces: 1 }));
      expect(error).toMatchObject({ code: "INVALID_EVENT" });
      expect(error.path).toMatch(/^chunks\["0178a3ab-d163-0000-4b55-ceadcafe0001"\]\[0\]/);
      const scalar = {
        ...pieces[0],
        chunk_count: 1,
        chunk_index: 0,
        data: Buffer.from(gzipSync(utf16WithBom("42"))).toString("base64"),
      };
      const notAList = await read([scalar]);
      expect(notAList.code).toBe("INVALID_EVENT");
      expect(notAList.message).toContain("expected a JSON list of snapshot events, got the number 42");
    });
  });
});
