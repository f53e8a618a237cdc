import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, backoffMs, retryAfterMs } from "./retry.js";

describe("retryAfterMs", () => {
  it("reads delta-seconds and HTTP-dates", () => {
    expect(retryAfterMs("3", 0)).toBe(3000);
    const now = Date.parse("2026-12-02T06:00:00Z");
    expect(retryAfterMs("Wed, 02 Dec 2026 06:00:07 GMT", now)).toBe(7000);
  });

  it("waits one second when the header is missing or unreadable, never zero", () => {
    expect(retryAfterMs(undefined, 0)).toBe(1000);
    expect(retryAfterMs("soon", 0)).toBe(1000);
  });
});

describe("backoffMs", () => {
  it("doubles from the base and stays under the cap, within the jitter band", () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(policy, 1, () => 0.5)).toBe(100);
    expect(backoffMs(policy, 3, () => 0.5)).toBe(400);
    expect(backoffMs(policy, 10, () => 1)).toBe(1250);
    expect(backoffMs(policy, 10, () => 0)).toBe(750);
  });
});
