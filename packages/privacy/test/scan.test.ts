import { describe, expect, it } from "vitest";
import { DETECTORS, formatFindings, scanRecording, scrubRecording } from "../src/index.js";
import { cleanRecording, el, RecordingBuilder } from "./builder.js";
import { KNOWN_VALUES, plantedRecording } from "./planted.js";
import { SECRETS } from "./secrets.js";

describe("scanRecording on a clean recording", () => {
  it("reports nothing and passes", () => {
    const report = scanRecording(cleanRecording().recording, { knownValues: KNOWN_VALUES });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.scanned.strings).toBeGreaterThan(20);
    expect(formatFindings(report)).toMatch(/^No findings in session /);
  });
});

describe("scanRecording on planted secrets", () => {
  const { recording, expected, builder } = plantedRecording();
  const report = scanRecording(recording, { knownValues: KNOWN_VALUES });

  it("finds exactly the planted secrets, nothing else", () => {
    const got = report.findings
      .map((f) => `${f.location.scope} #${f.location.eventIndex} ${f.location.path} ${f.detector}`)
      .sort();
    const want = expected.map((e) => `${e.scope} #${e.eventIndex} ${e.path} ${e.detector}`).sort();
    expect(got).toEqual(want);
    expect(report.totals.findings).toBe(expected.length);
    expect(report.ok).toBe(false);
  });

  for (const e of expected) {
    it(`locates ${e.secret} (${e.detector} in ${e.kind})`, () => {
      const f = report.findings.find(
        (x) =>
          x.location.scope === e.scope &&
          x.location.eventIndex === e.eventIndex &&
          x.location.path === e.path,
      );
      expect(f, `no finding at ${e.path}`).toBeDefined();
      if (!f) return;
      expect(f.detector).toBe(e.detector);
      expect(f.kind).toBe(e.kind);
      expect(f.severity).toBe(e.severity ?? DETECTORS.find((d) => d.id === e.detector)?.severity);
      if (e.selector !== undefined) expect(f.location.selector).toBe(e.selector);
      if (e.attribute !== undefined) expect(f.location.attribute).toBe(e.attribute);
      if (e.header !== undefined) expect(f.location.header).toBe(e.header);
      if (e.scope === "window") {
        expect(f.location.windowId).toBe(builder.windowId);
        // The builder spaces events one second apart from the first one.
        expect(f.location.offsetMs).toBe(e.eventIndex * 1000);
        expect(f.location.offset).toBe(`00:${String(e.eventIndex).padStart(2, "0")}`);
      }
      expect(f.hint.settings.length).toBeGreaterThan(0);
      // The preview must never contain the secret itself.
      expect(f.preview).not.toContain(SECRETS[e.secret]);
      expect(f.preview.length).toBeLessThan(SECRETS[e.secret].length + 16);
    });
  }

  it("never puts a secret into the JSON report or the text report", () => {
    const json = JSON.stringify(report);
    const textReport = formatFindings(report);
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(json.includes(secret), `${name} in JSON report`).toBe(false);
      expect(textReport.includes(secret), `${name} in text report`).toBe(false);
    }
  });

  it("is JSON-serialisable without loss", () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("suggests the posthog-js setting that fits the place", () => {
    const byKind = (kind: string) => report.findings.find((f) => f.kind === kind)?.hint.settings.join(" ");
    expect(byKind("dom-text")).toContain("maskTextSelector");
    expect(byKind("dom-text")).toContain("ph-mask");
    expect(byKind("dom-attribute")).toContain("maskAttributeFn");
    expect(byKind("input")).toContain("maskAllInputs");
    expect(byKind("network-header")).toContain("recordHeaders");
    expect(byKind("network-header")).toContain("maskCapturedNetworkRequestFn");
    expect(byKind("network-body")).toContain("recordBody");
    expect(byKind("console")).toContain("enable_recording_console_log");
    expect(byKind("posthog-config")).toContain("request_headers");
    const elements = report.findings.find((f) => f.location.path === "properties.$elements_chain");
    expect(elements?.hint.settings).toContain("mask_all_text");
    const prop = report.findings.find((f) => f.location.path === "properties.contact");
    expect(prop?.hint.settings).toContain("property_denylist");
  });

  it("names card brands and key vendors", () => {
    expect(report.findings.find((f) => f.detector === "card-number")?.label).toBe("Visa");
    expect(report.findings.find((f) => f.location.path.endsWith(".integration.key"))?.label).toBe(
      "Stripe secret key",
    );
  });

  it("prints one block per finding with time, place and fix", () => {
    const out = formatFindings(report);
    expect(out).toContain(`${expected.length} findings in session ${recording.sessionId}`);
    expect(out).toContain("FAIL:");
    expect(out).toMatch(/HIGH {3}00:\d\d {2}secret-header {2}network-header/);
    expect(out).toContain("header Authorization");
    expect(out).toContain("at div#app.shell > p.greeting.lead");
  });
});

describe("scan options", () => {
  const { recording, expected } = plantedRecording();

  it("turns detectors off", () => {
    const report = scanRecording(recording, {
      knownValues: KNOWN_VALUES,
      detectors: { email: false, phone: false },
    });
    expect(report.findings.some((f) => f.detector === "email" || f.detector === "phone")).toBe(false);
    const remaining = expected.filter((e) => e.detector !== "email" && e.detector !== "phone");
    expect(report.totals.findings).toBe(remaining.length);
  });

  it("falls back to value detectors when the header rule is off", () => {
    const report = scanRecording(recording, { detectors: { "secret-header": false } });
    const auth = report.findings.find(
      (f) => f.location.header === "Authorization" && f.kind === "network-header",
    );
    expect(auth?.detector).toBe("jwt");
    expect(report.findings.some((f) => f.detector === "secret-header")).toBe(false);
  });

  it("without knownValues the known-value finding disappears", () => {
    const report = scanRecording(recording);
    expect(report.findings.some((f) => f.detector === "known-value")).toBe(false);
    expect(report.totals.findings).toBe(expected.length - 1);
  });

  it("honours the allowlist (exact strings and RegExps)", () => {
    const report = scanRecording(recording, {
      knownValues: KNOWN_VALUES,
      allowlist: [SECRETS.email, /@example\.(org|net)$/],
    });
    const emails = report.findings.filter((f) => f.detector === "email").map((f) => f.location.path);
    expect(emails.some((p) => p.endsWith("childNodes[0].childNodes[0]"))).toBe(false);
    expect(emails.some((p) => p.includes("adds"))).toBe(false);
    expect(emails.some((p) => p.includes("placeholder"))).toBe(true);
  });

  it("applies minSeverity and threshold", () => {
    const high = scanRecording(recording, { knownValues: KNOWN_VALUES, minSeverity: "high" });
    expect(high.findings.every((f) => f.severity === "high")).toBe(true);
    expect(high.totals.bySeverity.medium).toBe(0);
    const lenient = scanRecording(recording, { knownValues: KNOWN_VALUES, threshold: expected.length });
    expect(lenient.ok).toBe(true);
    const strict = scanRecording(recording, { knownValues: KNOWN_VALUES, threshold: expected.length - 1 });
    expect(strict.ok).toBe(false);
  });

  it("caps the listed findings with limit but keeps the totals", () => {
    const report = scanRecording(recording, { knownValues: KNOWN_VALUES, limit: 3 });
    expect(report.findings).toHaveLength(3);
    expect(report.totals.findings).toBe(expected.length);
    expect(report.truncated).toBe(true);
    expect(formatFindings(report)).toContain(`${expected.length - 3} more not listed`);
  });

  it("checks masking against the classes the recording says it used ($session_options), unless told otherwise", () => {
    const b = new RecordingBuilder();
    b.meta("https://app.test/");
    b.fullSnapshot([
      el("p", { id: "custom", class: "secret-text" }, ["Custom Masked Name"]),
      el("p", { id: "default", class: "ph-mask" }, ["Default Class Name"]),
    ]);
    b.custom("$session_options", {
      sessionRecordingOptions: { maskTextClass: "secret-text", blockClass: "no-rec", maskAllInputs: true },
    });
    const rec = b.build();
    const selectors = (opts?: object) =>
      scanRecording(rec, opts)
        .findings.filter((f) => f.detector === "mask-violation")
        .map((f) => f.location.selector);
    expect(selectors()).toEqual(["p#custom.secret-text"]);
    expect(selectors({ maskTextClass: "ph-mask" })).toEqual(["p#default.ph-mask"]);
    expect(() => scanRecording(rec, { maskTextClass: "a b" })).toThrow(
      /maskTextClass must be a single CSS class name/,
    );
  });

  it("takes extra sensitive names", () => {
    const { builder } = cleanRecording();
    builder.network({
      name: "https://api.test/x?tenant_secret=abc123",
      requestHeaders: { "X-Tenant-Sig": "zzz-999" },
    });
    const rec = builder.build();
    expect(scanRecording(rec).totals.findings).toBe(0);
    const report = scanRecording(rec, {
      sensitiveParams: ["tenant_secret"],
      sensitiveHeaders: ["x-tenant-sig"],
    });
    expect(report.findings.map((f) => f.detector).sort()).toEqual(["secret-header", "secret-param"]);
  });
});

describe("maskTextSelector and blockSelector", () => {
  function recordingWith(sessionOptions: Record<string, unknown>) {
    const b = new RecordingBuilder();
    b.meta("https://app.test/account");
    b.fullSnapshot([
      el("section", { id: "profile", "data-private": "true" }, [
        el("p", { id: "who" }, ["Jane Roe Visible"]),
      ]),
      el("div", { id: "ad", class: "promo" }, [el("span", { id: "promo-text" }, ["Buy more widgets"])]),
      el("p", { id: "public" }, ["Welcome back"]),
    ]);
    b.custom("$session_options", {
      sessionRecordingOptions: { maskTextClass: "ph-mask", blockClass: "ph-no-capture", ...sessionOptions },
    });
    return b.build();
  }
  const violations = (report: ReturnType<typeof scanRecording>) =>
    report.findings
      .filter((f) => f.detector === "mask-violation")
      .map((f) => `${f.label ?? ""} @ ${f.location.selector ?? ""}`);

  it("checks text under the recorded maskTextSelector and blockSelector", () => {
    const rec = recordingWith({ maskTextSelector: "[data-private] p", blockSelector: "div.promo" });
    const report = scanRecording(rec);
    expect(violations(report)).toEqual([
      "clear text inside a masked element @ p#who",
      "content inside a blocked element @ span#promo-text",
    ]);
    expect(report.notes).toEqual([]);
  });

  it("treats mask_all_text's '*' as every text node, the <title> included", () => {
    const report = scanRecording(recordingWith({ maskTextSelector: "*" }));
    expect(violations(report).map((v) => v.split(" @ ")[1])).toEqual([
      "html > head > title",
      "p#who",
      "span#promo-text",
      "p#public",
    ]);
  });

  it("lets the caller's selector win over the recorded one, and refuses one it cannot evaluate", () => {
    const rec = recordingWith({ maskTextSelector: "[data-private] p" });
    expect(violations(scanRecording(rec, { maskTextSelector: "#public" }))).toEqual([
      "clear text inside a masked element @ p#public",
    ]);
    expect(() => scanRecording(rec, { maskTextSelector: "p:first-child" })).toThrow(
      /maskTextSelector "p:first-child" cannot be evaluated \(unsupported: .*:first-child/,
    );
    expect(() => scanRecording(rec, { blockSelector: "div >" })).toThrow(/blockSelector "div >" cannot be/);
  });

  it("says which recorded selector it could not check instead of passing silently", () => {
    const report = scanRecording(recordingWith({ maskTextSelector: "li:nth-child(odd)" }));
    expect(violations(report)).toEqual([]);
    expect(report.notes).toEqual([
      expect.stringMatching(/maskTextSelector "li:nth-child\(odd\)" was not checked for masking/),
    ]);
    expect(formatFindings(report)).toContain("note: The recording's maskTextSelector");
  });

  it("scrubs text under the selector the way rrweb would have masked it", () => {
    const rec = recordingWith({ maskTextSelector: "[data-private] p" });
    const { recording, redactions } = scrubRecording(rec);
    expect(JSON.stringify(recording)).not.toContain("Jane Roe Visible");
    expect(JSON.stringify(recording)).toContain("**** *** *******");
    expect(JSON.stringify(recording)).toContain("Welcome back");
    expect(redactions.map((r) => `${r.rule}:${r.action}`)).toEqual(["mask-violation:masked"]);
  });
});
