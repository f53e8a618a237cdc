import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatOffset } from "./format.js";

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KB"],
    [1536, "1.5 KB"],
    [64 * 1024 * 1024, "64.0 MB"],
    [3 * 1024 ** 3, "3.00 GB"],
  ])("%d → %s", (bytes, text) => expect(formatBytes(bytes)).toBe(text));
  it("prints an unknown size as a dash", () => {
    expect(formatBytes(null)).toBe("–");
    expect(formatBytes(Number.NaN)).toBe("–");
  });
});

describe("formatOffset", () => {
  it("prints mm:ss.mmm", () => {
    expect(formatOffset(0)).toBe("00:00.000");
    expect(formatOffset(2749)).toBe("00:02.749");
    expect(formatOffset(61_005)).toBe("01:01.005");
    expect(formatOffset(3_600_000)).toBe("60:00.000");
    expect(formatOffset(-5)).toBe("00:00.000");
  });
  it("prints mm:ss to the second", () => {
    expect(formatOffset(5999, "s")).toBe("00:05");
    expect(formatOffset(3_723_000, "s")).toBe("62:03");
    expect(formatOffset(-3000, "s")).toBe("00:00");
  });
});

describe("formatDuration", () => {
  it("prints m:ss and h:mm:ss", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(61_500)).toBe("1:01");
    expect(formatDuration(3_723_000)).toBe("1:02:03");
    expect(formatDuration(Number.NaN)).toBe("–");
    expect(formatDuration(-1)).toBe("–");
  });
});
