import { describe, expect, it } from "vitest";
import { PosthogApiError } from "./errors.js";
import { checkSessionId, parseHostUrl, parseRecordingUrl } from "./url.js";

describe("parseRecordingUrl", () => {
  it("takes the origin as API host on both clouds, ignoring the query string and fragment", () => {
    expect(parseRecordingUrl("https://us.posthog.com/project/123/replay/0193a-b2c?t=5")).toEqual({
      host: "https://us.posthog.com",
      projectId: "123",
      sessionId: "0193a-b2c",
    });
    expect(parseRecordingUrl("https://eu.posthog.com/project/9/replay/abc/#x").host).toBe(
      "https://eu.posthog.com",
    );
  });

  it("accepts self-hosted hosts over http, with a port", () => {
    expect(parseRecordingUrl("http://posthog.internal:8000/project/1/replay/s-1")).toEqual({
      host: "http://posthog.internal:8000",
      projectId: "1",
      sessionId: "s-1",
    });
  });

  it("refuses links that are not recording pages, and non-http schemes", () => {
    for (const bad of [
      "https://us.posthog.com/project/123/replay",
      "https://us.posthog.com/replay/abc",
      "https://us.posthog.com/project/x/replay/abc",
      "ftp://us.posthog.com/project/1/replay/abc",
      "not a url",
    ]) {
      expect(() => parseRecordingUrl(bad), bad).toThrow(PosthogApiError);
    }
  });
});

describe("parseHostUrl / checkSessionId", () => {
  it("keeps only the origin of a host URL", () => {
    expect(parseHostUrl("https://posthog.example.com/some/path?x=1")).toBe("https://posthog.example.com");
  });

  it("accepts the session ids PostHog capture accepts, nothing else", () => {
    expect(checkSessionId("01a202c2-74cd-7f89")).toBe("01a202c2-74cd-7f89");
    expect(() => checkSessionId("../etc")).toThrow(/not a session id/);
    expect(() => checkSessionId("a".repeat(71))).toThrow(/not a session id/);
  });
});
