import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  readRecordingFile,
  type Recording,
  toHar,
  writeBlobV2,
  writeBundle,
  writePosthogExport,
  writeRrwebJson,
} from "@replay-devkit/codec";
import { CAPTURE_FIXTURES } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import { scanRecording, scrubRecording } from "../src/index.js";
import { capturedRecording } from "./capture.js";
import { makeJwt } from "./secrets.js";

interface SessionRecord {
  expect: { mustNotContain: string[]; consoleMessages: string[]; visibleTexts: string[] };
}

type Loose = { type: number; data: Record<string, unknown> } & Record<string, unknown>;

for (const run of ["A", "B"] as const) {
  describe(`the real posthog-js capture, run ${run}`, () => {
    const session = JSON.parse(
      readFileSync(join(CAPTURE_FIXTURES, `session-${run}.json`), "utf8"),
    ) as SessionRecord;
    const recording = capturedRecording(run);

    it("is clean: no findings with default detectors", () => {
      const report = scanRecording(recording);
      expect(report.findings).toEqual([]);
      expect(report.ok).toBe(true);
      // It did look: every event type with text was walked.
      expect(report.scanned.events).toBeGreaterThan(100);
      expect(report.scanned.posthogEvents).toBe(21);
      expect(report.scanned.strings).toBeGreaterThan(1000);
    });

    it("posthog-js's default masking held: what was typed or hidden appears nowhere", () => {
      const report = scanRecording(recording, { knownValues: session.expect.mustNotContain });
      expect(report.findings).toEqual([]);
    });

    it("finds visible page text and console messages when told to look for them (positive control)", () => {
      const report = scanRecording(recording, {
        knownValues: ["Welcome to the harness shop", "harness console warn"],
      });
      const kinds = new Set(report.findings.map((f) => `${f.kind} ${f.location.event}`));
      expect(kinds).toContain("dom-text FullSnapshot");
      expect(kinds).toContain("console Plugin/rrweb/console@1");
      const text = report.findings.find((f) => f.kind === "dom-text")!;
      expect(text.location.selector).toBe("p#welcome");
    });

    it("scrubbing changes nothing", () => {
      const { recording: out, redactions } = scrubRecording(recording);
      expect(redactions).toEqual([]);
      expect(JSON.stringify(out)).toBe(JSON.stringify(recording));
    });
  });
}

describe("secrets planted into the real capture", () => {
  const jwt = makeJwt({ sub: "real-capture-user" });
  const planted = {
    auth: `Bearer ${jwt}`,
    apiKey: "cfg-api-key-31337-zz",
    email: "leaked.customer@example.com",
    card: "5555555555554444",
    token: "pageview-token-8675309",
    // What posthog-js masked and blocked in this session, put back as if masking had failed.
    masked: "PH-MASK-SHOULD-BE-STARS",
    blocked: "NO-CAPTURE-SECRET-ZONE",
  };

  function plant(): { rec: Recording; at: Record<string, number> } {
    const rec = structuredClone(capturedRecording("A"));
    const events = rec.windows[0]!.events as unknown as Loose[];
    const at: Record<string, number> = {};
    at.network = events.findIndex(
      (e) =>
        e.type === 6 &&
        e.data.plugin === "rrweb/network@1" &&
        JSON.stringify(e.data).includes('"requestHeaders"'),
    );
    const req = (events[at.network]!.data.payload as { requests: Record<string, unknown>[] }).requests.find(
      (r) => r.requestHeaders,
    )!;
    (req.requestHeaders as Record<string, string>).Authorization = planted.auth;
    at.config = events.findIndex((e) => e.type === 5 && e.data.tag === "$posthog_config");
    (
      (events[at.config]!.data.payload as { config: Record<string, unknown> }).config
        .request_headers as Record<string, string>
    )["X-Api-Key"] = planted.apiKey;
    at.snapshot = events.findIndex((e) => e.type === 2);
    const snapshotText = JSON.stringify(events[at.snapshot]);
    events[at.snapshot] = JSON.parse(
      snapshotText
        .replace("Welcome to the harness shop", `Welcome ${planted.email}`)
        .replace(`"textContent":"${"*".repeat(23)}"`, `"textContent":"${planted.masked}"`)
        .replace(
          /("class":"zone ph-no-capture"[^}]*\},"childNodes":)\[\]/,
          `$1[{"type":3,"textContent":"${planted.blocked}","id":999999}]`,
        ),
    ) as Loose;
    at.input = events.findIndex((e) => e.type === 3 && e.data.source === 5);
    events[at.input]!.data.text = planted.card; // as if maskAllInputs were off
    at.pageview = rec.posthogEvents.findIndex((e) => e.event === "$pageview");
    const props = rec.posthogEvents[at.pageview]!.properties;
    props.$current_url = `${String(props.$current_url)}?token=${planted.token}`;
    return { rec, at };
  }

  it("finds each one at its place and nothing else", () => {
    const { rec, at } = plant();
    const report = scanRecording(rec);
    const got = report.findings
      .map((f) => `${f.location.scope}#${f.location.eventIndex} ${f.detector} ${f.kind}`)
      .sort();
    expect(got).toEqual(
      [
        `window#${at.network} secret-header network-header`,
        `window#${at.config} secret-header posthog-config`,
        `window#${at.snapshot} email dom-text`,
        `window#${at.snapshot} mask-violation dom-text`,
        `window#${at.snapshot} mask-violation dom-text`,
        `window#${at.input} card-number input`,
        `posthog-event#${at.pageview} secret-param posthog-property`,
      ].sort(),
    );
    const input = report.findings.find((f) => f.kind === "input")!;
    expect(input.location.selector).toMatch(/^input#text-input/);
    expect(report.findings.find((f) => f.kind === "network-header")!.location.header).toBe("Authorization");
    const violations = report.findings
      .filter((f) => f.detector === "mask-violation")
      .map((f) => f.location.selector);
    expect(violations.sort()).toEqual(["html > body > div.zone.ph-no-capture", "span#masked.ph-mask"]);
  });

  it("no export of the scrubbed recording contains any of them", async () => {
    const { rec } = plant();
    const { recording, redactions } = scrubRecording(rec);
    const bundle = await readRecordingFile(
      await writeBundle(recording, { producer: "privacy-test", redactions }),
    );
    const outputs = [
      writePosthogExport(recording),
      writeRrwebJson(recording),
      writeBlobV2(recording),
      JSON.stringify(toHar(recording)),
      JSON.stringify(bundle),
    ];
    for (const out of outputs) {
      for (const secret of [...Object.values(planted), jwt]) expect(out.includes(secret)).toBe(false);
    }
    expect(redactions.map((r) => r.rule).sort()).toEqual([
      "card-number",
      "email",
      "mask-violation",
      "mask-violation",
      "secret-header",
      "secret-header",
      "secret-param",
    ]);
  });
});
