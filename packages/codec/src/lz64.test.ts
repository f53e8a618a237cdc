import fc from "fast-check";
import { compressToBase64, decompressFromBase64 } from "lz-string";
import { describe, expect, it } from "vitest";
import { CodecError } from "./errors.js";
import { lz64Decompress } from "./lz64.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error.code;
    throw error;
  }
  return undefined;
}

describe("lz64Decompress", () => {
  it("agrees with lz-string on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        fc.pre(text.length > 0);
        expect(lz64Decompress(compressToBase64(text), 1 << 20)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses output beyond the cap before building it", () => {
    const text = "abcabcabc".repeat(50_000);
    const lz = compressToBase64(text);
    expect(lz.length).toBeLessThan(20_000);
    expect(codeOf(() => lz64Decompress(lz, 100_000))).toBe("TOO_LARGE");
    expect(lz64Decompress(lz, text.length)).toBe(text);
  });

  it("on garbage, either agrees with lz-string or throws a CodecError (it may reject garbage lz-string accepts)", () => {
    expect(codeOf(() => lz64Decompress("", 1000))).toBe("UNSUPPORTED_ENCODING");
    expect(codeOf(() => lz64Decompress("!!!!", 1000))).toBe("UNSUPPORTED_ENCODING");
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".split(""),
          ),
          maxLength: 300,
        }),
        (input) => {
          const code = codeOf(() => lz64Decompress(input, 1 << 20));
          let reference: string | null;
          try {
            reference = decompressFromBase64(input);
          } catch {
            reference = null; // lz-string itself throws a TypeError on some garbage
          }
          if (code === undefined) expect(lz64Decompress(input, 1 << 20)).toBe(reference);
          else expect(["UNSUPPORTED_ENCODING", "TOO_LARGE"]).toContain(code);
        },
      ),
      { numRuns: 500 },
    );
  });
});
