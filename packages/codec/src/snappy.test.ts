import fc from "fast-check";
import * as snappyjs from "snappyjs";
import { describe, expect, it } from "vitest";
import { CodecError } from "./errors.js";
import { decodeLengthPrefixedSnappy, isLengthPrefixedSnappy, snappyUncompressCapped } from "./snappy.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytesOf = (s: string) => new TextEncoder().encode(s);

function errorOf(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error("expected a CodecError, got a result");
}

/** `[4-byte big-endian length][block]` records, as PostHog's `decompress=false` sends them. */
function framed(blocks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(blocks.reduce((n, b) => n + 4 + b.length, 0));
  let at = 0;
  for (const block of blocks) {
    new DataView(out.buffer).setUint32(at, block.length);
    out.set(block, at + 4);
    at += 4 + block.length;
  }
  return out;
}

// Worked out by hand from the format description, one per element kind (and checked against snappyjs).
const VECTORS: { name: string; bytes: number[]; plain: string }[] = [
  { name: "one short literal", bytes: [0x05, 0x10, 0x68, 0x65, 0x6c, 0x6c, 0x6f], plain: "hello" },
  {
    name: "overlapping 1-byte-offset copy",
    bytes: [0x0c, 0x04, 0x61, 0x62, 0x19, 0x02],
    plain: "ab".repeat(6),
  },
  {
    name: "2-byte-offset copy of 64, then 1-byte-offset copy of 5",
    bytes: [0x46, 0x00, 0x78, 0xfe, 0x01, 0x00, 0x05, 0x01],
    plain: "x".repeat(70),
  },
  {
    name: "4-byte-offset copy",
    bytes: [0x08, 0x0c, 0x61, 0x62, 0x63, 0x64, 0x0f, 0x04, 0x00, 0x00, 0x00],
    plain: "abcdabcd",
  },
  {
    name: "literal with a 1-byte length and a 2-byte varint header",
    bytes: [0xac, 0x02, 0xf4, 0x2b, 0x01, ...bytesOf("q".repeat(300))],
    plain: "q".repeat(300),
  },
  { name: "empty", bytes: [0x00], plain: "" },
];

describe("snappyUncompressCapped", () => {
  for (const v of VECTORS) {
    it(`decodes the hand-made vector: ${v.name}`, () => {
      const out = snappyUncompressCapped(Uint8Array.from(v.bytes), 1 << 20);
      expect(text(out)).toBe(v.plain);
      // The second implementation agrees, so the vector itself is right.
      expect(text(snappyjs.uncompress(Uint8Array.from(v.bytes)))).toBe(v.plain);
    });
  }

  it("reads what snappyjs writes for a real JSONL line", () => {
    const line = bytesOf(
      '["0196cf71-3156-76cb-bb45-d0de45b84d05",{"timestamp":1747237038897,"data":{"payload":{},"tag":"window hidden"},"type":5}]\n'.repeat(
        20,
      ),
    );
    const block = snappyjs.compress(line);
    expect(block.length).toBeLessThan(line.length / 4);
    expect(snappyUncompressCapped(block, 1 << 20)).toEqual(line);
  });

  it("rejects every truncation of a valid block with INVALID_SNAPPY and an offset", () => {
    const block = snappyjs.compress(bytesOf("abcdefgh".repeat(50) + "tail"));
    for (let cut = 0; cut < block.length; cut++) {
      const error = errorOf(() => snappyUncompressCapped(block.subarray(0, cut), 1 << 20));
      expect(error.code, `cut ${cut}`).toBe("INVALID_SNAPPY");
      expect(error.message).toMatch(/at byte \d+/);
    }
  });

  it.each([
    ["a copy with offset 0", [0x04, 0x00, 0x61, 0x01, 0x00], /offset 0/],
    ["a copy reaching before the output", [0x08, 0x00, 0x61, 0x0d, 0x02], /reaches 2 bytes back but only 1/],
    ["a copy past the declared length", [0x03, 0x00, 0x61, 0x01, 0x01], /past the declared length of 3/],
    ["a literal past the declared length", [0x01, 0x04, 0x61, 0x62], /past the declared length of 1/],
    ["a literal past the end of the block", [0x05, 0x10, 0x61], /runs past the end/],
    ["a length header longer than 32 bits", [0xff, 0xff, 0xff, 0xff, 0x1f, 0x00], /longer than 32 bits/],
    ["a length header that never ends", [0x80, 0x80], /inside the length header/],
    ["a literal length cut short", [0x20, 0xf4, 0x2b], /inside a literal's length/],
    ["a 4-byte-offset copy cut short", [0x08, 0x0c, 0x61, 0x62, 0x63, 0x64, 0x0f, 0x04], /inside a copy/],
    ["output shorter than declared", [0x06, 0x10, 0x68, 0x65, 0x6c, 0x6c, 0x6f], /after 5 of the 6 bytes/],
  ])("rejects %s", (_name, bytes, message) => {
    const error = errorOf(() => snappyUncompressCapped(Uint8Array.from(bytes), 1 << 20));
    expect(error.code).toBe("INVALID_SNAPPY");
    expect(error.message).toMatch(message);
  });

  it("refuses a header that lies about the length before allocating it", () => {
    // 4 GiB declared over 3 bytes of body: impossible, and must not be allocated even with no cap.
    const lie = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x61]);
    const error = errorOf(() => snappyUncompressCapped(lie, Number.MAX_SAFE_INTEGER));
    expect(error.code).toBe("INVALID_SNAPPY");
    expect(error.message).toMatch(/declares 4294967295 bytes but 2 bytes of Snappy can hold at most 42/);
  });

  it("stops a bomb at the cap with TOO_LARGE", () => {
    // One literal byte, then 32768 copies of 64 bytes each: 98 KB that inflate to 2 MiB.
    const copies = 32 * 1024;
    const size = 1 + copies * 64;
    const header = [0x81, 0x80, 0x80, 0x01]; // 2 MiB + 1 as a varint
    expect(size).toBe(0x200001);
    const bomb = new Uint8Array(header.length + 2 + copies * 3);
    bomb.set(header);
    bomb.set([0x00, 0x78], header.length);
    for (let i = 0; i < copies; i++) bomb.set([0xfe, 0x01, 0x00], header.length + 2 + i * 3);
    expect(snappyUncompressCapped(bomb, 4 << 20).length).toBe(size);
    expect(errorOf(() => snappyUncompressCapped(bomb, 1 << 20)).code).toBe("TOO_LARGE");
  });

  it("round-trips anything snappyjs compresses", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 5000 }),
          // Repetitive data, so the compressor emits copies and not only literals.
          fc
            .tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 400 }))
            .map(([unit, n]) => {
              const out = new Uint8Array(unit.length * n);
              for (let i = 0; i < n; i++) out.set(unit, i * unit.length);
              return out;
            }),
          fc.string({ maxLength: 3000 }).map(bytesOf),
        ),
        (plain) => {
          expect(snappyUncompressCapped(snappyjs.compress(plain), plain.length)).toEqual(plain);
        },
      ),
      { numRuns: 300 },
    );
  });

  /** A stream built element by element (every kind, overlapping copies), with the output it must give. */
  const modelStream = fc
    .array(
      fc.oneof(
        fc.record({
          kind: fc.constant("literal" as const),
          bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }),
        }),
        fc.record({
          kind: fc.constantFrom("copy1" as const, "copy2" as const, "copy4" as const),
          len: fc.integer({ min: 1, max: 64 }),
          back: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
      ),
      { maxLength: 40 },
    )
    .map((ops) => {
      const body: number[] = [];
      const plain: number[] = [];
      for (const op of ops) {
        if (op.kind === "literal") {
          const n = op.bytes.length - 1;
          if (n < 60) body.push(n << 2);
          else if (n < 256) body.push(60 << 2, n);
          else body.push(61 << 2, n & 0xff, n >> 8);
          body.push(...op.bytes);
          plain.push(...op.bytes);
          continue;
        }
        if (plain.length === 0) continue;
        const maxOffset = op.kind === "copy1" ? Math.min(plain.length, 2047) : plain.length;
        const offset = 1 + Math.floor(op.back * (maxOffset - 1));
        let len = op.len;
        if (op.kind === "copy1") {
          len = 4 + (op.len % 8);
          body.push(1 | ((len - 4) << 2) | ((offset >> 8) << 5), offset & 0xff);
        } else if (op.kind === "copy2") {
          body.push(2 | ((len - 1) << 2), offset & 0xff, offset >> 8);
        } else {
          body.push(3 | ((len - 1) << 2), offset & 0xff, (offset >> 8) & 0xff, 0, 0);
        }
        for (let i = 0; i < len; i++) plain.push(plain[plain.length - offset] as number);
      }
      const header: number[] = [];
      for (let n = plain.length; ; n >>>= 7) {
        if (n < 0x80) {
          header.push(n);
          break;
        }
        header.push((n & 0x7f) | 0x80);
      }
      return { stream: Uint8Array.from([...header, ...body]), plain: Uint8Array.from(plain) };
    });

  it("decodes every element kind, overlapping copies included, as the format defines them", () => {
    fc.assert(
      fc.property(modelStream, ({ stream, plain }) => {
        expect(snappyUncompressCapped(stream, plain.length)).toEqual(plain);
        expect(snappyjs.uncompress(stream)).toEqual(plain);
      }),
      { numRuns: 300 },
    );
  });

  it("answers corrupted streams with a result or INVALID_SNAPPY, nothing else", () => {
    fc.assert(
      fc.property(
        modelStream,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        ({ stream }, flips) => {
          const bad = stream.slice();
          for (const [at, value] of flips) if (bad.length > 0) bad[at % bad.length] = value;
          try {
            snappyUncompressCapped(bad, 1 << 20);
          } catch (error) {
            expect(error).toBeInstanceOf(CodecError);
            expect(["INVALID_SNAPPY", "TOO_LARGE"]).toContain((error as CodecError).code);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("decodeLengthPrefixedSnappy", () => {
  const hello = Uint8Array.from([0x06, 0x14, ...bytesOf("hello\n")]);
  const world = Uint8Array.from([0x05, 0x10, ...bytesOf("world")]);

  it("decodes a hand-made two-block file", () => {
    const file = framed([hello, world]);
    expect([...file.subarray(0, 4)]).toEqual([0, 0, 0, 8]);
    expect(text(decodeLengthPrefixedSnappy(file))).toBe("hello\nworld");
  });

  it("separates blocks that do not end in a newline, and trims trailing newlines", () => {
    const a = snappyjs.compress(bytesOf("[1,2]"));
    const b = snappyjs.compress(bytesOf("[3,4]\n\n"));
    expect(text(decodeLengthPrefixedSnappy(framed([a, b])))).toBe("[1,2]\n[3,4]");
  });

  it("names the block and the file offset of a corrupt block", () => {
    const broken = Uint8Array.from([0x04, 0x00, 0x61, 0x01, 0x00]); // copy with offset 0 at block byte 3
    const error = errorOf(() => decodeLengthPrefixedSnappy(framed([hello, world, broken])));
    expect(error.code).toBe("INVALID_SNAPPY");
    expect(error.path).toBe("blocks[2]");
    // Block 2 starts at 4 + 8 + 4 + 7 + 4 = 27; its copy tag is its byte 3.
    expect(error.message).toContain("in block 2 at byte 30 of the file (byte 3 of the block)");
  });

  it("rejects a length prefix that claims more than the file holds", () => {
    const file = framed([hello, world]);
    const error = errorOf(() => decodeLengthPrefixedSnappy(file.subarray(0, file.length - 2)));
    expect(error).toMatchObject({ code: "INVALID_SNAPPY", path: "blocks[1]" });
    expect(error.message).toContain("block 1 at byte 12 declares 7 bytes but only 5 follow");
  });

  it("rejects stray bytes after the last block and zero-length blocks", () => {
    const file = framed([hello]);
    const tail = errorOf(() => decodeLengthPrefixedSnappy(Uint8Array.from([...file, 0, 0])));
    expect(tail.message).toContain("block 1 at byte 12 has only 2 of the 4 bytes");
    const empty = errorOf(() => decodeLengthPrefixedSnappy(Uint8Array.from([...file, 0, 0, 0, 0])));
    expect(empty).toMatchObject({ code: "INVALID_SNAPPY", path: "blocks[1]" });
  });

  it("decodes a file of very many tiny blocks into one buffer", () => {
    const tiny = Uint8Array.from([0x04, 0x0c, ...bytesOf("[1]\n")]);
    const file = framed(Array.from({ length: 100_000 }, () => tiny));
    const out = decodeLengthPrefixedSnappy(file);
    expect(out.length).toBe(100_000 * 4 - 1);
    expect(text(out.subarray(0, 8))).toBe("[1]\n[1]\n");
    expect(
      errorOf(() => decodeLengthPrefixedSnappy(file, { limits: { maxDecompressedBytes: 4000 } })).code,
    ).toBe("TOO_LARGE");
  });

  it("caps the total over all blocks, not just each block", () => {
    const block = snappyjs.compress(bytesOf(`${"y".repeat(1000)}\n`));
    const file = framed(Array.from({ length: 10 }, () => block));
    expect(decodeLengthPrefixedSnappy(file, { limits: { maxDecompressedBytes: 20_000 } }).length).toBe(
      10_009,
    );
    expect(
      errorOf(() => decodeLengthPrefixedSnappy(file, { limits: { maxDecompressedBytes: 5000 } })).code,
    ).toBe("TOO_LARGE");
  });
});

describe("isLengthPrefixedSnappy", () => {
  const line = snappyjs.compress(bytesOf('["w",{"type":5,"timestamp":1,"data":{}}]'));

  it("recognises PostHog's framing around a JSON line", () => {
    expect(isLengthPrefixedSnappy(framed([line]))).toBe(true);
  });

  it("does not take gzip, zip, JSON text or stray bytes for it", () => {
    expect(isLengthPrefixedSnappy(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]))).toBe(false);
    expect(isLengthPrefixedSnappy(Uint8Array.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0]))).toBe(false);
    expect(isLengthPrefixedSnappy(bytesOf('\n\n\n\n["w",{"type":5}]'))).toBe(false);
    expect(isLengthPrefixedSnappy(bytesOf("[]"))).toBe(false);
    // The right framing, but the content does not start like JSON.
    expect(isLengthPrefixedSnappy(framed([Uint8Array.from([0x05, 0x10, ...bytesOf("hello")])]))).toBe(false);
    // A block that starts with a copy cannot be valid.
    expect(isLengthPrefixedSnappy(framed([Uint8Array.from([0x05, 0x01, 0x01, 0x00, 0x00])]))).toBe(false);
  });
});
