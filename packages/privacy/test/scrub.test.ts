import {
  readRecordingFile,
  type Recording,
  toHar,
  writeBlobV2,
  writeBundle,
  writePosthogExport,
  writeRrwebJson,
} from "@replay-devkit/codec";
import { describe, expect, it } from "vitest";
import { PrivacyError, scanRecording, scrubRecording, summarizeRedactions } from "../src/index.js";
import { cleanRecording } from "./builder.js";
import { KNOWN_VALUES, plantedRecording } from "./planted.js";
import { SECRETS } from "./secrets.js";

/** Every export format's output as one searchable string (the bundle is read back, it is a zip). */
async function allExports(
  rec: Recording,
  redactions: Parameters<typeof writeBundle>[1]["redactions"],
): Promise<Record<string, string>> {
  const bundle = await writeBundle(rec, { producer: "privacy-test", redactions, createdAt: new Date(0) });
  const readBack = await readRecordingFile(bundle);
  return {
    posthog: writePosthogExport(rec),
    rrweb: writeRrwebJson(rec),
    blobV2: writeBlobV2(rec),
    har: JSON.stringify(toHar(rec)),
    bundle: JSON.stringify(readBack),
  };
}

function leaks(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => name);
}

describe("scrubRecording on planted secrets", () => {
  const { recording, expected } = plantedRecording();
  const before = structuredClone(recording);
  const { recording: scrubbed, redactions } = scrubRecording(recording, { knownValues: KNOWN_VALUES });

  it("the planted recording leaks every secret in every export format before scrubbing", async () => {
    // Guards the test itself: if planting broke, the "no leaks after" check below would prove nothing.
    const exports = await allExports(recording, []);
    const all = Object.values(exports).join("\n");
    expect(leaks(all).sort()).toEqual(Object.keys(SECRETS).sort());
  });

  it("leaves no secret in any export format", async () => {
    const exports = await allExports(scrubbed, redactions);
    for (const [format, text] of Object.entries(exports)) {
      expect(leaks(text), `${format} export`).toEqual([]);
    }
    expect(exports.bundle).toContain("[redacted:secret-header]");
  });

  it("the bundle carries the redaction log in its manifest", async () => {
    const bundle = await writeBundle(scrubbed, {
      producer: "privacy-test",
      redactions,
      createdAt: new Date(0),
    });
    const readBack = await readRecordingFile(bundle);
    expect(readBack.format).toBe("bundle");
    expect(readBack.redactions).toEqual(redactions);
  });

  it("logs each change with rule, location and field, and exactly those", () => {
    const got = redactions.map((r) => `${r.rule} ${r.location} ${r.field}`).sort();
    const want = expected
      .map(
        (e) =>
          `${e.detector} ${e.scope === "window" ? `windows[0].events[${e.eventIndex}]` : `posthogEvents[${e.eventIndex}]`} ${e.path}`,
      )
      .sort();
    expect(got).toEqual(want);
    for (const r of redactions) expect(r.action).toBe(r.rule === "mask-violation" ? "masked" : "replaced");
  });

  it("never writes a secret into the redaction log or the summary", () => {
    expect(leaks(JSON.stringify(redactions))).toEqual([]);
    const summary = summarizeRedactions(redactions);
    expect(leaks(summary)).toEqual([]);
    expect(summary).toContain(`redacted ${expected.length} values`);
    expect(summary).toContain("secret-header ×6");
  });

  it("does not mutate the input", () => {
    expect(recording).toEqual(before);
  });

  it("finds nothing when the scrubbed recording is scanned again", () => {
    const report = scanRecording(scrubbed, { knownValues: KNOWN_VALUES });
    expect(report.findings).toEqual([]);
  });

  it("is idempotent and deterministic", () => {
    const again = scrubRecording(scrubbed, { knownValues: KNOWN_VALUES });
    expect(again.redactions).toEqual([]);
    expect(JSON.stringify(again.recording)).toBe(JSON.stringify(scrubbed));
    const twice = scrubRecording(recording, { knownValues: KNOWN_VALUES });
    expect(JSON.stringify(twice.recording)).toBe(JSON.stringify(scrubbed));
    expect(twice.redactions).toEqual(redactions);
  });

  it("replaces values with stable markers and keeps the structure readable", () => {
    const events = scrubbed.windows[0]!.events as unknown as { data: Record<string, unknown> }[];
    const net = events.find((e) => (e.data as { plugin?: string }).plugin === "rrweb/network@1")!;
    const req = (net.data.payload as { requests: Record<string, unknown>[] }).requests[0]!;
    expect(req.requestHeaders).toEqual({
      "Content-Type": "application/json",
      Authorization: "[redacted:secret-header]",
      Cookie: "[redacted:secret-header]",
      "X-Api-Key": "[redacted:secret-header]",
    });
    expect(req.name).toBe("https://api.test/v1/orders?token=[redacted:secret-param]&page=2");
    expect(JSON.parse(req.requestBody as string)).toEqual({
      user: { email: "[redacted:email]", password: "[redacted:secret-field]" },
      qty: 2,
    });
    expect((events[0]!.data as { href: string }).href).toBe(
      "https://app.test/welcome?access_token=[redacted:secret-param]&lang=en",
    );
  });

  it("keeps rrweb-masked values exactly as they were and shares untouched events", () => {
    const origEvents = recording.windows[0]!.events;
    const newEvents = scrubbed.windows[0]!.events;
    let maskedInputs = 0;
    origEvents.forEach((event, i) => {
      const data = (event as unknown as { data: { source?: number; text?: string } }).data;
      if (data.source === 5 && data.text?.startsWith("*")) {
        maskedInputs++;
        expect(newEvents[i]).toBe(event);
        expect((newEvents[i] as unknown as { data: { text: string } }).data.text).toBe("***************");
      }
    });
    expect(maskedInputs).toBe(1);
    const snapshot = JSON.stringify(newEvents[1]);
    expect(snapshot).toContain('"value":"*******"');
    // Only changed events are copied: the Meta event had a token in its href.
    expect(newEvents[0]).not.toBe(origEvents[0]);
  });

  it("drops secret headers when asked to", () => {
    const { recording: dropped, redactions: log } = scrubRecording(recording, { headers: "drop" });
    const text = JSON.stringify(dropped);
    expect(text).not.toContain('"Authorization"');
    expect(text).not.toContain('"set-cookie"');
    expect(text).toContain('"Content-Type"');
    const removed = log.filter((r) => r.action === "removed").map((r) => r.field);
    expect(removed).toContain("data.payload.requests[0].requestHeaders.Authorization");
    expect(removed).toContain("data.payload.config.request_headers.Authorization");
  });
});

describe("scrubRecording on a clean recording", () => {
  it("changes nothing and logs nothing", () => {
    const { recording } = cleanRecording();
    const result = scrubRecording(recording);
    expect(result.redactions).toEqual([]);
    expect(JSON.stringify(result.recording)).toBe(JSON.stringify(recording));
    result.recording.windows[0]!.events.forEach((e, i) => expect(e).toBe(recording.windows[0]!.events[i]));
    expect(summarizeRedactions(result.redactions)).toBe("privacy: nothing to redact.");
  });
});

describe("scrubRecording on recording-level fields and metadata", () => {
  it("scrubs an e-mail used as distinct id, person properties and metadata URLs", () => {
    const { recording } = cleanRecording();
    const rec: Recording = {
      ...recording,
      distinctId: SECRETS.email,
      person: { properties: { email: SECRETS.setEmail, plan: "pro" } },
      metadata: {
        id: recording.sessionId,
        distinctId: SECRETS.email,
        startTime: "2026-01-01T00:00:00.000Z",
        endTime: "2026-01-01T00:01:00.000Z",
        durationMs: 60_000,
        activeMs: 1000,
        clickCount: 0,
        keypressCount: 0,
        mouseActivityCount: 0,
        consoleLogCount: 0,
        consoleWarnCount: 0,
        consoleErrorCount: 0,
        firstUrl: `https://app.test/?token=${SECRETS.metaToken}`,
        urls: [`https://app.test/?token=${SECRETS.metaToken}`],
        eventCount: 1,
        sizeBytes: 1,
        windowIds: [],
      },
    };
    const scan = scanRecording(rec);
    expect(scan.findings.map((f) => `${f.location.scope} ${f.location.path} ${f.detector}`).sort()).toEqual([
      "recording distinctId email",
      "recording person.properties.email email",
    ]);
    const { recording: out, redactions } = scrubRecording(rec);
    expect(leaks(JSON.stringify(out))).toEqual([]);
    expect(out.distinctId).toBe("[redacted:email]");
    expect(redactions.map((r) => `${r.location} ${r.field}`).sort()).toEqual([
      "metadata distinctId",
      "metadata firstUrl ?token",
      "metadata urls[0] ?token",
      "recording distinctId",
      "recording person.properties.email",
    ]);
  });
});

describe("bad input", () => {
  it("rejects things that are not recordings with a typed error", () => {
    for (const bad of [
      null,
      42,
      "x",
      {},
      { windows: {} },
      { windows: [{ windowId: 1, events: [] }] },
      { windows: [], posthogEvents: 3 },
    ]) {
      for (const fn of [() => scanRecording(bad as never), () => scrubRecording(bad as never)]) {
        expect(fn).toThrow(PrivacyError);
        try {
          fn();
        } catch (e) {
          expect((e as PrivacyError).code).toBe("INVALID_RECORDING");
        }
      }
    }
  });

  it("skips junk entries in posthogEvents instead of crashing", () => {
    const { recording } = cleanRecording();
    const rec = {
      ...recording,
      posthogEvents: [null, 3, ...recording.posthogEvents],
    } as unknown as Recording;
    expect(scanRecording(rec).findings).toEqual([]);
    expect(scrubRecording(rec).redactions).toEqual([]);
  });

  it("rejects bad options with a message naming the option", () => {
    const { recording } = cleanRecording();
    const cases: [object, RegExp][] = [
      [{ detectors: { nope: true } }, /unknown detector "nope"/],
      [{ detectors: { email: "yes" } }, /detectors.email must be true or false/],
      [{ knownValues: ["ab"] }, /at least 3 characters/],
      [{ knownValues: "abc" }, /knownValues must be an array/],
      [{ allowlist: [3] }, /allowlist entries/],
      [{ threshold: -1 }, /threshold must be a non-negative integer/],
      [{ minSeverity: "critical" }, /minSeverity must be one of low, medium, high/],
    ];
    for (const [options, message] of cases) {
      expect(() => scanRecording(recording, options as never)).toThrow(message);
    }
    expect(() => scrubRecording(recording, { headers: "hide" as never })).toThrow(
      /headers must be "replace" or "drop"/,
    );
  });

  it("refuses packed (cv 2024-10) events instead of reporting them clean", () => {
    const { builder } = cleanRecording();
    const rec = builder.build();
    const packed = { type: 2, timestamp: 5, cv: "2024-10", data: "\u001f\u008b\u0008\u0000" };
    const mutation = {
      type: 3,
      timestamp: 6,
      cv: "2024-10",
      data: { source: 0, texts: "\u001f\u008b", adds: [] },
    };
    for (const event of [packed, mutation]) {
      const bad: Recording = { ...rec, windows: [{ windowId: "w", events: [event as never] }] };
      expect(() => scanRecording(bad)).toThrow(
        expect.objectContaining({
          code: "INVALID_RECORDING",
          message: expect.stringMatching(/still packed/),
        }),
      );
      expect(() => scrubRecording(bad)).toThrow(expect.objectContaining({ code: "INVALID_RECORDING" }));
    }
  });

  it("refuses hostile nesting instead of overflowing the stack", () => {
    let node: Record<string, unknown> = { type: 3, id: 100_000, textContent: "x" };
    for (let i = 0; i < 50_000; i++)
      node = { type: 2, id: i + 10, tagName: "div", attributes: {}, childNodes: [node] };
    const rec: Recording = {
      sessionId: "s",
      distinctId: null,
      windows: [
        {
          windowId: "w",
          events: [{ type: 2, timestamp: 1, data: { node, initialOffset: { top: 0, left: 0 } } } as never],
        },
      ],
      posthogEvents: [],
    };
    expect(() => scanRecording(rec)).toThrow(expect.objectContaining({ code: "RECORDING_TOO_DEEP" }));
    expect(() => scrubRecording(rec)).toThrow(expect.objectContaining({ code: "RECORDING_TOO_DEEP" }));
  });

  it("stays linear on multi-megabyte strings built to make regexes backtrack", () => {
    const { builder } = cleanRecording();
    const longText = `${"a.".repeat(1_000_000)}@`; // an e-mail local part that never gets a domain
    const digits = "4".repeat(2_000_000); // one digit run, longer than any card
    const jwtish = `eyJ${"A".repeat(1_000_000)}.`;
    builder.console("log", [longText, digits, jwtish, `Bearer ${"x".repeat(1_000_000)}`]);
    const rec = builder.build();
    const report = scanRecording(rec);
    // The only finding is the bearer token; none of the pathological strings matches anything else.
    expect(report.findings.map((f) => f.detector)).toEqual(["bearer-token"]);
    const { redactions } = scrubRecording(rec);
    expect(redactions.map((r) => r.rule)).toEqual(["bearer-token"]);
  });
});
