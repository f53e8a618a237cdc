import fc from "fast-check";
import { gzipSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import type { CodecError } from "./errors.js";
import { JsonlDecoder } from "./jsonl.js";

function feed(
  bytes: Uint8Array,
  cuts: number[],
  limits?: { maxDecompressedBytes: number; maxEvents?: number },
) {
  const decoder = new JsonlDecoder(limits ? { limits } : {});
  const values: unknown[] = [];
  let offset = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    values.push(...decoder.push(bytes.subarray(offset, Math.max(offset, cut))).map((v) => v.value));
    offset = Math.max(offset, cut);
  }
  values.push(...decoder.push(bytes.subarray(offset)).map((v) => v.value));
  values.push(...decoder.end().map((v) => v.value));
  return values;
}

describe("JsonlDecoder", () => {
  it("yields the same values however the bytes are chunked, plain or gzipped", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 20 }),
        fc.array(fc.nat(2000), { maxLength: 6 }),
        fc.boolean(),
        (values, cuts, gz) => {
          const normal = JSON.parse(JSON.stringify(values)) as unknown[];
          const text = normal.map((v) => JSON.stringify(v)).join("\n");
          const bytes = gz ? gzipSync(strToU8(text)) : strToU8(text);
          expect(
            feed(
              bytes,
              cuts.map((c) => c % (bytes.length + 1)),
            ),
          ).toEqual(normal);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("splits multi-byte characters across chunks correctly and skips blank lines", () => {
    const bytes = strToU8('["ü€𝄞"]\n\n  \r\n{"a":"𝄞"}\n');
    const out = feed(
      bytes,
      Array.from({ length: bytes.length }, (_, i) => i),
    );
    expect(out).toEqual([["ü€𝄞"], { a: "𝄞" }]);
  });

  it("reports the line number of bad JSON, caps size and line count, rejects truncated gzip", () => {
    const error = (() => {
      try {
        feed(strToU8('{"ok":1}\n{"bad":\n'), []);
      } catch (e) {
        return e as CodecError;
      }
      return null;
    })();
    expect(error).toMatchObject({ code: "INVALID_JSON", path: "line 2" });
    expect(() =>
      feed(gzipSync(new Uint8Array(10_000_000).fill(10)), [], { maxDecompressedBytes: 1_000_000 }),
    ).toThrow(expect.objectContaining({ code: "TOO_LARGE" }));
    expect(() => feed(strToU8("1\n2\n3\n"), [], { maxDecompressedBytes: 100, maxEvents: 2 })).toThrow(
      expect.objectContaining({ code: "TOO_LARGE" }),
    );
    const gz = gzipSync(strToU8('{"a":1}\n{"b":2}\n'));
    for (const cut of [3, 12, gz.length - 12, gz.length - 5, gz.length - 1]) {
      expect(() => feed(gz.subarray(0, cut), []), `cut ${cut}`).toThrow(
        expect.objectContaining({ code: "INVALID_GZIP" }),
      );
    }
  });
});
