import { gzipSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import {
  base64Decode,
  bytesFromLatin1,
  gunzipCapped,
  gunzipMemberCapped,
  isGzip,
  latin1FromBytes,
} from "./bytes.js";
import { CodecError } from "./errors.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error.code;
    throw error;
  }
  return undefined;
}

describe("gunzipCapped", () => {
  const text = JSON.stringify({ hello: "world", list: Array.from({ length: 500 }, (_, i) => i) });

  it("round-trips gzip data", () => {
    const out = gunzipCapped(gzipSync(strToU8(text)), 1 << 20);
    expect(new TextDecoder().decode(out)).toBe(text);
  });

  it("reads concatenated gzip members", () => {
    const a = gzipSync(strToU8("first,"));
    const b = gzipSync(strToU8("second"));
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    expect(new TextDecoder().decode(gunzipCapped(both, 1024))).toBe("first,second");
  });

  it("stops a gzip bomb at the cap with TOO_LARGE", () => {
    const bomb = gzipSync(new Uint8Array(50 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(codeOf(() => gunzipCapped(bomb, 1024 * 1024))).toBe("TOO_LARGE");
  });

  it("accepts output exactly at the cap", () => {
    const data = new Uint8Array(4096).fill(7);
    expect(gunzipCapped(gzipSync(data), 4096).length).toBe(4096);
    expect(codeOf(() => gunzipCapped(gzipSync(data), 4095))).toBe("TOO_LARGE");
  });

  it("rejects truncated gzip at every cut point", () => {
    const gz = gzipSync(strToU8(text));
    for (const cut of [
      2,
      5,
      10,
      11,
      20,
      Math.floor(gz.length / 2),
      gz.length - 8,
      gz.length - 3,
      gz.length - 1,
    ]) {
      expect(
        codeOf(() => gunzipCapped(gz.subarray(0, cut), 1 << 20)),
        `cut at ${cut}`,
      ).toBe("INVALID_GZIP");
    }
  });

  it("rejects corrupt deflate data and trailing garbage", () => {
    const gz = gzipSync(strToU8(text));
    const corrupt = gz.slice();
    for (let i = 12; i < 40; i++) corrupt[i] = 0xff;
    expect(codeOf(() => gunzipCapped(corrupt, 1 << 20))).toBe("INVALID_GZIP");
    const trailing = new Uint8Array(gz.length + 4);
    trailing.set(gz);
    trailing.set([1, 2, 3, 4], gz.length);
    expect(codeOf(() => gunzipCapped(trailing, 1 << 20))).toBe("INVALID_GZIP");
    expect(codeOf(() => gunzipCapped(strToU8("not gzip"), 1 << 20))).toBe("INVALID_GZIP");
  });

  it("detects gzip by magic bytes", () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
    expect(isGzip(strToU8("{}"))).toBe(false);
  });
});

describe("gunzipMemberCapped (fast path for packed fields)", () => {
  const withTrailerSize = (gz: Uint8Array, size: number) => {
    const copy = gz.slice();
    new DataView(copy.buffer).setUint32(copy.length - 4, size, true);
    return copy;
  };

  it("matches gunzipCapped on honest input", () => {
    for (const text of ["[]", "x".repeat(100_000), JSON.stringify({ a: "ü€𝄞" })]) {
      const gz = gzipSync(strToU8(text));
      expect(gunzipMemberCapped(gz, 1 << 20)).toEqual(gunzipCapped(gz, 1 << 20));
    }
  });

  it("does not trust a trailer that understates the size", () => {
    const gz = withTrailerSize(gzipSync(new Uint8Array(5_000_000)), 10);
    expect(codeOf(() => gunzipMemberCapped(gz, 1_000_000))).toBe("TOO_LARGE");
    expect(codeOf(() => gunzipMemberCapped(gz, 10_000_000))).toBe("INVALID_GZIP");
  });

  it("does not trust a trailer that overstates the size or a truncated stream", () => {
    const gz = gzipSync(strToU8("[1,2,3]"));
    expect(codeOf(() => gunzipMemberCapped(withTrailerSize(gz, 5000), 1 << 20))).toBe("INVALID_GZIP");
    expect(codeOf(() => gunzipMemberCapped(withTrailerSize(gz, 0xffffffff), 1 << 20))).toBe("INVALID_GZIP");
    expect(codeOf(() => gunzipMemberCapped(gz.subarray(0, gz.length - 9), 1 << 20))).toBe("INVALID_GZIP");
  });
});

describe("latin-1 and base64 helpers", () => {
  it("maps every byte value to one char and back", () => {
    const bytes = Uint8Array.from({ length: 256 * 300 }, (_, i) => i % 256);
    const text = latin1FromBytes(bytes);
    expect(text.length).toBe(bytes.length);
    expect(bytesFromLatin1(text)).toEqual(bytes);
    expect(bytesFromLatin1("ok\u0100")).toBeNull();
  });

  it("decodes standard, URL-safe and space-mangled base64", () => {
    const bytes = Uint8Array.from({ length: 200 }, (_, i) => (i * 37) % 256);
    const b64 = Buffer.from(bytes).toString("base64");
    expect(base64Decode(b64)).toEqual(bytes);
    expect(base64Decode(b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""))).toEqual(bytes);
    expect(base64Decode(b64.replace(/\+/g, " "))).toEqual(bytes);
    expect(base64Decode("not*base64")).toBeNull();
  });
});
