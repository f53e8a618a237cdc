import { describe, expect, it } from "vitest";
import { API_ERROR_CODES, API_ROUTES, apiPath, parseApiError } from "../src/index.js";

describe("apiPath", () => {
  it("fills each parameter URL-encoded, and leaves routes without parameters alone", () => {
    expect(apiPath("export", { id: "a b/c?d" })).toBe("/api/recordings/a%20b%2Fc%3Fd/export");
    expect(apiPath("rrwebSession", { sessionId: "s1" })).toBe("/api/rrweb/s1");
    expect(apiPath("recordings")).toBe(API_ROUTES.recordings);
  });

  it("throws on a missing parameter instead of sending a literal :id", () => {
    expect(() => apiPath("recording", {} as { id: string })).toThrow(/needs the id parameter/);
  });
});

describe("parseApiError", () => {
  it("reads the error body and refuses anything else", () => {
    expect(parseApiError({ error: { code: "NOT_FOUND", message: "No recording." } })).toEqual({
      code: "NOT_FOUND",
      message: "No recording.",
    });
    for (const bad of [
      null,
      "x",
      { error: "x" },
      { error: { code: "NOPE", message: "m" } },
      { error: { code: "BUSY" } },
    ]) {
      expect(parseApiError(bad)).toBeNull();
    }
    expect(new Set(API_ERROR_CODES).size).toBe(API_ERROR_CODES.length);
  });
});
