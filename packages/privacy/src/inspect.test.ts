import { describe, expect, it } from "vitest";
import { inspect, type SlotContext } from "./inspect.js";
import { compileEngine } from "./options.js";

const engine = compileEngine({});
const scrub = (value: string, ctx: SlotContext) => inspect(value, ctx, engine, true);

describe("URL rules", () => {
  it("redacts secret query and fragment parameters, keeps the rest of the URL", () => {
    const r = scrub("https://app.test/cb?state=ok&code=abc123#access_token=tok456&expires_in=3600", {
      format: "url",
    });
    expect(r.output).toBe(
      "https://app.test/cb?state=ok&code=[redacted:secret-param]#access_token=[redacted:secret-param]&expires_in=3600",
    );
    expect(r.hits.map((h) => h.subPath)).toEqual(["?code", "?access_token"]);
  });

  it("handles relative URLs, passwords and credentials in the authority", () => {
    expect(scrub("/login?user=ada&pwd=hunter2", { format: "url" }).output).toBe(
      "/login?user=ada&pwd=[redacted:password-in-url]",
    );
    expect(scrub("postgres://admin:s3cr3t@db.internal:5432/app", { format: "url" }).output).toBe(
      "postgres://[redacted:password-in-url]@db.internal:5432/app",
    );
    // A user name alone is not a credential.
    expect(scrub("ssh://git@github.com/org/repo", { format: "url" }).hits).toEqual([]);
  });

  it("decodes parameter values before running detectors", () => {
    const r = scrub("https://app.test/invite?to=jane%40example.com&x=1", { format: "url" });
    expect(r.hits.map((h) => h.detector)).toEqual(["email"]);
    expect(r.output).toBe("https://app.test/invite?to=[redacted:email]&x=1");
  });

  it("finds URLs inside free text", () => {
    const r = scrub("GET https://api.test/x?api_key=k-123 failed", { format: "text" });
    expect(r.output).toBe("GET https://api.test/x?api_key=[redacted:secret-param] failed");
  });

  it("skips data: URIs and already-redacted values", () => {
    expect(scrub("data:image/png;base64,iVBORw0KGgo4111111111111111", { format: "url" }).hits).toEqual([]);
    expect(scrub("https://a.test/?token=[redacted:secret-param]", { format: "url" }).hits).toEqual([]);
    expect(scrub("https://a.test/?token=redacted", { format: "url" }).hits).toEqual([]);
  });
});

describe("bodies and console arguments", () => {
  it("rewrites JSON bodies key by key", () => {
    const body = JSON.stringify({
      login: { username: "ada", password: "pw1", remember: true },
      tokens: [{ refresh_token: "rt" }],
    });
    const r = scrub(body, { format: "json-text" });
    expect(JSON.parse(r.output)).toEqual({
      login: { username: "ada", password: "[redacted:secret-field]", remember: true },
      tokens: [{ refresh_token: "[redacted:secret-field]" }],
    });
    expect(r.hits.map((h) => h.subPath).sort()).toEqual([".login.password", ".tokens[0].refresh_token"]);
  });

  it("returns the original text byte for byte when nothing matched", () => {
    const body = '{ "a" : 1,\n  "b": "two" }';
    expect(scrub(body, { format: "json-text" }).output).toBe(body);
  });

  it("handles form-encoded bodies", () => {
    const r = scrub("grant_type=password&username=ada&password=hunter2&client_secret=cs-1", {
      format: "json-text",
    });
    expect(r.output).toBe(
      "grant_type=password&username=ada&password=[redacted:password-in-url]&client_secret=[redacted:secret-param]",
    );
  });

  it("keeps console arguments JSON-stringified", () => {
    const arg = JSON.stringify("mail jane@example.com");
    const r = scrub(arg, { format: "json-text" });
    expect(JSON.parse(r.output)).toBe("mail [redacted:email]");
  });

  it("falls back to text rules for bodies that are not JSON", () => {
    expect(scrub("{not json jane@example.com", { format: "json-text" }).output).toBe(
      "{not json [redacted:email]",
    );
  });

  it("does not descend into absurdly deep JSON (text rules still apply)", () => {
    const deep = `${"[".repeat(5000)}"jane@example.com"${"]".repeat(5000)}`;
    const r = scrub(deep, { format: "json-text" });
    expect(r.hits.map((h) => h.detector)).toEqual(["email"]);
    expect(r.output).not.toContain("jane@example.com");
  });
});

describe("headers and keys", () => {
  it("treats header names case-insensitively and leaves posthog-js's own redaction alone", () => {
    expect(scrub("Basic dXNlcjpwYXNz", { format: "header", name: "AUTHORIZATION" }).output).toBe(
      "[redacted:secret-header]",
    );
    expect(scrub("redacted", { format: "header", name: "authorization" }).hits).toEqual([]);
    expect(scrub("abc", { format: "header", name: "X-Custom-Token" }).hits).toHaveLength(1);
    expect(scrub("Jane", { format: "header", name: "X-Author" }).hits).toEqual([]);
    expect(scrub("application/json", { format: "header", name: "content-type" }).hits).toEqual([]);
  });

  it("never touches rrweb-masked values, including masked text that kept its spaces", () => {
    const contexts: SlotContext[] = [
      { format: "text" },
      { format: "header", name: "cookie" },
      { format: "text", name: "password" },
      { format: "json-text" },
    ];
    for (const masked of ["**********", "**** ****\n  ***"]) {
      for (const ctx of contexts) expect(scrub(masked, ctx)).toEqual({ hits: [], output: masked });
    }
  });

  it("does not flag the public PostHog project token under a secret-looking key", () => {
    expect(scrub("phc_abc123", { format: "text", name: "token" }).hits).toEqual([]);
    expect(
      scrub("phx_abcdefghijklmnopqrstuvwxyz", { format: "text", name: "token" }).hits.map((h) => h.detector),
    ).toEqual(["secret-field"]);
  });
});
