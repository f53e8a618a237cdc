import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { checkToken, flagsResponse, remoteConfigScript, resolveRemoteConfig } from "./remote-config.js";

describe("remote config", () => {
  it("keeps hostile strings inside config.js literals", () => {
    const remote = resolveRemoteConfig({
      masking: { maskTextSelector: "</script><script>alert(1)</script>\u2028x" },
    });
    const script = remoteConfigScript(remote, "phc_x");
    expect(script).not.toContain("</script>");
    expect(script).not.toContain("\u2028");
    const window: {
      _POSTHOG_REMOTE_CONFIG?: Record<
        string,
        { config: { sessionRecording: { masking: { maskTextSelector: string } } } }
      >;
    } = {};
    runInNewContext(script, { window });
    expect(window._POSTHOG_REMOTE_CONFIG!.phc_x!.config.sessionRecording.masking.maskTextSelector).toBe(
      "</script><script>alert(1)</script>\u2028x",
    );
  });

  it("accepts project tokens and refuses anything that is not one", () => {
    expect(checkToken("phc_AbC-12.3")).toBe("phc_AbC-12.3");
    for (const bad of [undefined, "", "a b", "<x>", 'a"b', "x".repeat(201)]) {
      expect(() => checkToken(bad)).toThrow(expect.objectContaining({ code: "INVALID_PATH" }));
    }
  });

  it("turns a linked flag on unless it is set explicitly, with its variant", () => {
    const variant = flagsResponse(
      resolveRemoteConfig({ linkedFlag: { flag: "rec", variant: "test" } }),
      false,
    );
    expect(variant.flags).toMatchObject({ rec: { enabled: true, variant: "test" } });
    const off = flagsResponse(resolveRemoteConfig({ linkedFlag: "rec" }, { rec: false }), false);
    expect(off.flags).toMatchObject({ rec: { enabled: false } });
    expect(off.featureFlags).toEqual({ rec: false });
  });

  it("refuses invalid recording settings with a message naming the setting", () => {
    const bad: [string, Parameters<typeof resolveRemoteConfig>[0]][] = [
      ["sampleRate", { sampleRate: -1 }],
      ["minimumDurationMs", { minimumDurationMs: Number.NaN }],
      ["canvasQuality", { canvasQuality: "high" }],
      ["urlTriggers", { urlTriggers: [{ url: "(", matching: "regex" }] }],
      ["scriptName", { scriptName: "../evil" }],
    ];
    for (const [name, config] of bad) {
      expect(() => resolveRemoteConfig(config)).toThrow(
        expect.objectContaining({ code: "INVALID_OPTIONS", message: expect.stringContaining(name) }),
      );
    }
  });
});
