import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { ChunkAssembler, isSnapshotChunk } from "./chunks.js";
import { CodecError } from "./errors.js";
import { resolveLimits } from "./limits.js";

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

function utf16(text: string, bigEndian = false): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 + i * 2 + (bigEndian ? 1 : 0)] = unit & 0xff;
    out[2 + i * 2 + (bigEndian ? 0 : 1)] = unit >> 8;
  }
  return out;
}

function piece(id: string | number, index: number, count: number, data: string) {
  return { chunk_id: id, chunk_index: index, chunk_count: count, data, compression: "gzip-base64" };
}

function decodeAll(assembler: ChunkAssembler) {
  return [...assembler.decode()];
}

function errorOf(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error("expected a CodecError");
}

const limits = resolveLimits();

describe("ChunkAssembler", () => {
  it("joins base64 text cut at arbitrary places, not whole base64 groups", () => {
    const text = base64(gzipSync(utf16('[{"a":"\u00e9\ud83c\udf89"}]')));
    const a = new ChunkAssembler(limits);
    // Cuts of 5 characters: no piece is valid base64 on its own.
    for (let i = 0, n = 0; i < text.length; i += 5, n++) {
      a.add(piece("id", n, Math.ceil(text.length / 5), text.slice(i, i + 5)), `p[${n}]`, "w", "s");
    }
    expect(decodeAll(a)).toEqual([
      {
        chunkId: "id",
        windowId: "w",
        sessionKey: "s",
        path: 'chunks["id"]',
        events: [{ a: "\u00e9\ud83c\udf89" }],
      },
    ]);
  });

  it("reads big-endian UTF-16 and keeps lone surrogates", () => {
    const a = new ChunkAssembler(limits);
    a.add(piece(7, 0, 1, base64(gzipSync(utf16('["\ud800x"]', true)))), "p", "w");
    const [set] = decodeAll(a);
    expect(set!.chunkId).toBe("7");
    expect(set!.events).toEqual(["\ud800x"]);
  });

  it("rejects UTF-16 with an odd byte count", () => {
    const a = new ChunkAssembler(limits);
    a.add(piece("odd", 0, 1, base64(gzipSync(Uint8Array.from([0xff, 0xfe, 0x5b, 0x00, 0x5d])))), "p", "w");
    expect(errorOf(() => decodeAll(a)).message).toContain("odd number of bytes");
  });

  it("lists at most 20 missing indexes and counts the rest", () => {
    const a = new ChunkAssembler(limits);
    a.add(piece("big", 3, 50, "AAAA"), "p", "w");
    const error = errorOf(() => decodeAll(a));
    expect(error.code).toBe("INCOMPLETE_CHUNKS");
    expect(error.message).toContain(
      "1 of 50 pieces, missing chunk_index 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 29 more",
    );
  });

  it("shares one decompression budget across all sets", () => {
    const payload = base64(gzipSync(new TextEncoder().encode(JSON.stringify(["x".repeat(600)]))));
    const small = resolveLimits({ maxDecompressedBytes: 1000 });
    const one = new ChunkAssembler(small);
    one.add(piece("a", 0, 1, payload), "p", "w");
    expect(decodeAll(one)).toHaveLength(1);
    const two = new ChunkAssembler(small);
    two.add(piece("a", 0, 1, payload), "p", "w");
    two.add(piece("b", 0, 1, payload), "q", "w");
    expect(errorOf(() => decodeAll(two)).code).toBe("TOO_LARGE");
  });

  it("checks every field of a piece", () => {
    const a = new ChunkAssembler(limits);
    const at = (value: Record<string, unknown>) => errorOf(() => a.add(value, "p", "w")).path;
    expect(at({ chunk_id: "", chunk_index: 0, chunk_count: 1, data: "" })).toBe("p.chunk_id");
    expect(at({ chunk_id: "x", chunk_index: 0, chunk_count: 0, data: "" })).toBe("p.chunk_count");
    expect(at({ chunk_id: "x", chunk_index: 0.5, chunk_count: 2, data: "" })).toBe("p.chunk_index");
    expect(at({ chunk_id: "x", chunk_index: -1, chunk_count: 2, data: "" })).toBe("p.chunk_index");
    expect(at({ chunk_id: "x", chunk_index: 0, chunk_count: 1e9, data: "" })).toBe("p.chunk_count");
  });

  it("recognises pieces by chunk_id, as PostHog did", () => {
    expect(isSnapshotChunk({ chunk_id: "x" })).toBe(true);
    expect(isSnapshotChunk({ type: 2, timestamp: 1, data: {} })).toBe(false);
    expect(isSnapshotChunk([{ chunk_id: "x" }])).toBe(false);
  });
});
