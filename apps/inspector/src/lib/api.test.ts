import { describe, expect, it } from "vitest";
import {
  InspectorError,
  parseAppLogPage,
  parseDoctorReport,
  parseEventsPage,
  parseFindings,
  parsePosthogEvents,
  parseRecording,
  parseRecordingList,
  parseStreamMessage,
} from "./api";

const recording = {
  id: "s1",
  distinctId: "u1",
  startTime: 1000,
  endTime: 5000,
  durationMs: 4000,
  activeMs: 1200,
  clickCount: 3,
  keypressCount: 9,
  consoleLogCount: 1,
  consoleWarnCount: 1,
  consoleErrorCount: 1,
  firstUrl: "http://app/",
  urls: ["http://app/", 5],
  eventCount: 42,
  sizeBytes: 1234,
  windowIds: ["w1"],
};

describe("response checks", () => {
  it("accepts a recording list and drops junk inside arrays", () => {
    const list = parseRecordingList({ recordings: [recording], total: 7 });
    expect(list.total).toBe(7);
    expect(list.recordings[0]).toMatchObject({
      id: "s1",
      clickCount: 3,
      urls: ["http://app/"],
      windowIds: ["w1"],
    });
  });

  it("reads the mobile fields: source, SDK, platform and a screen only when it has a size", () => {
    const mobile = parseRecording({
      ...recording,
      snapshotSource: "mobile",
      sdk: "posthog-ios",
      platform: "ios",
      screen: { width: 393, height: 852 },
    });
    expect(mobile).toMatchObject({
      mobile: true,
      sdk: "posthog-ios",
      platform: "ios",
      screen: { width: 393, height: 852 },
    });
    const web = parseRecording({ ...recording, screen: { width: 0, height: 5 } });
    expect(web).toMatchObject({ mobile: false, sdk: null, platform: null, screen: null });
  });

  it("accepts ISO timestamps and derives a missing duration", () => {
    const r = parseRecording({
      id: "x",
      startTime: "2026-11-22T10:00:00.000Z",
      endTime: "2026-11-22T10:00:02.500Z",
    });
    expect(r.durationMs).toBe(2500);
    expect(r.clickCount).toBe(0);
    expect(r.distinctId).toBeNull();
  });

  it("rejects shapes that are not what the API promises with a typed error", () => {
    for (const bad of [null, [], { recordings: "x" }, { recordings: [{ noId: true }] }]) {
      let caught: unknown;
      try {
        parseRecordingList(bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(InspectorError);
      expect((caught as InspectorError).code).toBe("invalid_response");
    }
  });

  it("reads event pages, skipping entries that are not rrweb events", () => {
    const page = parseEventsPage({
      events: [
        { windowId: "w1", event: { type: 4, timestamp: 1, data: {} } },
        { windowId: "w1", event: { type: "4", timestamp: 1 } },
        "garbage",
        { type: 2, timestamp: 2, data: {} },
      ],
      next: 17,
    });
    expect(page.events).toEqual([
      { windowId: "w1", event: { type: 4, timestamp: 1, data: {} } },
      { windowId: "", event: { type: 2, timestamp: 2, data: {} } },
    ]);
    expect(page.next).toBe("17");
    expect(parseEventsPage({ events: [], next: null }).next).toBeNull();
  });

  it("reads PostHog events in either wrapper", () => {
    const e = {
      uuid: "1",
      event: "$pageview",
      timestamp: "2026-11-22T10:00:00Z",
      properties: { $current_url: "http://a/" },
    };
    expect(parsePosthogEvents({ events: [e, { nope: 1 }] })).toHaveLength(1);
    expect(parsePosthogEvents([e])[0]).toMatchObject({
      event: "$pageview",
      timestamp: Date.parse("2026-11-22T10:00:00Z"),
    });
  });

  it("reads the privacy report, flattening the masking hint and keeping the total", () => {
    const report = parseFindings({
      version: 1,
      totals: { findings: 3 },
      findings: [
        {
          id: "f1",
          detector: "email",
          severity: "high",
          location: {
            scope: "window",
            windowId: "w",
            eventIndex: 3,
            timestamp: 99,
            path: "data.node",
            selector: "#x",
            event: "FullSnapshot",
          },
          preview: "a***@example.com",
          hint: { settings: ["maskTextSelector"], advice: "Mask this text." },
        },
        { detector: "jwt", location: "nowhere" },
      ],
      notes: ['The recording\'s maskTextSelector "li:hover" was not checked for masking.', 7],
    });
    expect(report.total).toBe(3);
    expect(report.notes).toEqual([
      'The recording\'s maskTextSelector "li:hover" was not checked for masking.',
    ]);
    expect(report.findings).toEqual([
      {
        detector: "email",
        label: null,
        severity: "high",
        location: {
          windowId: "w",
          eventIndex: 3,
          timestamp: 99,
          path: "data.node",
          selector: "#x",
          event: "FullSnapshot",
        },
        preview: "a***@example.com",
        maskingHint: "Mask this text. (maskTextSelector)",
      },
    ]);
  });

  it("understands stream messages by event name or type field and ignores the rest", () => {
    expect(parseStreamMessage("recording.deleted", '{"id":"a"}')).toEqual({ type: "deleted", id: "a" });
    expect(parseStreamMessage("message", JSON.stringify({ type: "created", recording }))).toMatchObject({
      type: "created",
      id: "s1",
    });
    expect(parseStreamMessage("message", "{not json")).toBeNull();
    expect(parseStreamMessage("ping", '{"id":"a"}')).toBeNull();
  });
});

describe("parseDoctorReport", () => {
  it("keeps clients and findings it can show, and drops malformed ones", () => {
    const report = parseDoctorReport({
      clients: [
        {
          id: "a1",
          label: "http://localhost:3000 (HeadlessChrome 156)",
          findings: [
            {
              code: "BOT_USER_AGENT",
              severity: "error",
              message: "looks like a bot",
              fix: "use a desktop UA",
            },
            { code: "WEIRD", severity: "fatal", message: "unknown severity" },
            { code: "SDK_VERSION", severity: "info", message: "posthog-js 1.449.2", fix: null },
          ],
        },
        { id: "b2", findings: [] },
        "junk",
      ],
    });
    expect(report.clients).toEqual([
      {
        id: "a1",
        label: "http://localhost:3000 (HeadlessChrome 156)",
        findings: [
          { code: "BOT_USER_AGENT", severity: "error", message: "looks like a bot", fix: "use a desktop UA" },
          { code: "SDK_VERSION", severity: "info", message: "posthog-js 1.449.2", fix: null },
        ],
      },
    ]);
    expect(() => parseDoctorReport({ nope: true })).toThrow(InspectorError);
  });
});

describe("parseAppLogPage", () => {
  it("keeps well-formed lines, skips malformed ones and reads the cursor", () => {
    const page = parseAppLogPage({
      lines: [
        { seq: 1, timestamp: 1000, offsetMs: 0, stream: "stderr", text: "Error: boom" },
        { seq: 2, timestamp: "nope", stream: "stdout", text: "bad time" },
        { seq: 3, timestamp: 1200, stream: "stdin", text: "bad stream" },
        { seq: 4, timestamp: 1300, stream: "stdout", text: 5 },
        { seq: 5, timestamp: 1400, stream: "devkit", text: "lines dropped" },
      ],
      next: "1400:5",
    });
    expect(page.lines.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [1, "stderr", "Error: boom"],
      [5, "devkit", "lines dropped"],
    ]);
    expect(page.next).toBe("1400:5");
    expect(parseAppLogPage({ lines: [], next: null }).next).toBeNull();
  });

  it("refuses a body that is not a page", () => {
    expect(() => parseAppLogPage({ events: [] })).toThrow(InspectorError);
    expect(() => parseAppLogPage(null)).toThrow(InspectorError);
  });
});
