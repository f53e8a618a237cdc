import { describe, expect, it } from "vitest";
import { classifyRequest } from "./requests.js";

const entry = (initiatorType: string | null, status: number | null, url = "https://app.test/api") => ({
  initiatorType,
  status,
  url,
});

describe("classifyRequest", () => {
  it("fails 4xx/5xx and a fetch or XHR that got no response", () => {
    expect(classifyRequest(entry("fetch", 500))).toMatchObject({ status: 500, failed: true, fromApp: true });
    expect(classifyRequest(entry("xmlhttprequest", 0))).toMatchObject({ status: 0, failed: true });
    expect(classifyRequest(entry("fetch", 201))).toMatchObject({ status: 201, failed: false });
    expect(classifyRequest(entry("img", 404))).toMatchObject({ failed: true, fromApp: false });
  });

  it("treats a 0 from Resource Timing alone as an opaque response: unknown status, not failed", () => {
    expect(classifyRequest(entry("script", 0))).toEqual({
      status: null,
      failed: false,
      fromApp: false,
      timingOnly: false,
    });
  });

  it("recognises paint and input timings that are not requests", () => {
    expect(classifyRequest(entry(null, null, "first-paint")).timingOnly).toBe(true);
    expect(classifyRequest(entry(null, 200)).timingOnly).toBe(false);
    expect(classifyRequest(entry("navigation", 200)).fromApp).toBe(true);
  });
});
