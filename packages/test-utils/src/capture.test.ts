import { describe, expect, it } from "vitest";
import {
  capturedRequests,
  capturedRrwebEvents,
  parseCapturedRequests,
  parseCapturedRrwebEvents,
} from "./capture.js";
import { TestUtilsError } from "./errors.js";

const LINE = {
  run: "A",
  seq: 1,
  t_ms: 10,
  method: "POST",
  path: "/flags/",
  query: { v: "2" },
  kind: "flags",
  transport: "fetch",
  content_type: "text/plain",
  headers: { origin: "http://app.test" },
  body_bytes: 3,
  body_encoding: "json",
  body_file: "bodies/A/00001-POST-flags.bin",
  response_status: 200,
  body: { token: "phc_test" },
};

function expectInvalid(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TestUtilsError);
    expect((error as TestUtilsError).code).toBe("FIXTURE_INVALID");
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  expect.unreachable("no error was thrown");
}

describe("capturedRequests", () => {
  it("gives the query as the object the sink recorded, usable by URLSearchParams", () => {
    const requests = capturedRequests();
    expect(requests).toHaveLength(47);
    for (const r of requests) {
      expect(typeof r.query).toBe("object");
      expect(new URLSearchParams(r.query).toString()).not.toMatch(/object/);
    }
    const flags = requests.filter((r) => r.path === "/flags/");
    expect(flags.length).toBeGreaterThan(0);
    for (const r of flags) expect(new URLSearchParams(r.query).toString()).toBe("v=2");
  });

  it("keeps every field of a valid line", () => {
    const [parsed] = parseCapturedRequests(`${JSON.stringify(LINE)}\n\n`);
    expect(parsed).toEqual(LINE);
  });

  it("refuses a query that is a string, naming the line", () => {
    const bad = JSON.stringify({ ...LINE, query: "v=2" });
    expectInvalid(
      () => parseCapturedRequests(`${JSON.stringify(LINE)}\n${bad}\n`, "req.jsonl"),
      /req\.jsonl:2 field query must be an object of string values/,
    );
  });

  it("refuses non-string query values, missing fields and broken lines", () => {
    expectInvalid(() => parseCapturedRequests(JSON.stringify({ ...LINE, query: { v: 2 } })), /field query/);
    const { seq: _seq, ...noSeq } = LINE;
    expectInvalid(() => parseCapturedRequests(JSON.stringify(noSeq)), /field seq must be a number/);
    expectInvalid(() => parseCapturedRequests(JSON.stringify({ ...LINE, run: "C" })), /field run/);
    expectInvalid(() => parseCapturedRequests(JSON.stringify(LINE).slice(0, 40)), /:1 is not JSON/);
    expectInvalid(() => parseCapturedRequests("[1,2]"), /is not a JSON object/);
  });
});

describe("capturedRrwebEvents", () => {
  it("reads every event of the fixture and filters by run", () => {
    const all = capturedRrwebEvents();
    expect(all).toHaveLength(312);
    const a = capturedRrwebEvents("A");
    expect(a.length).toBeGreaterThan(0);
    expect(a.length).toBeLessThan(all.length);
    expect(a.every((e) => e.run === "A" && typeof e.event.timestamp === "number")).toBe(true);
  });

  it("refuses an event without a numeric timestamp", () => {
    const line = {
      run: "B",
      req_seq: 3,
      index: 0,
      session_id: "s",
      window_id: "w",
      label: "Meta",
      cv: null,
      packed_fields: [],
      event: { type: 4, timestamp: "soon", data: {} },
    };
    expectInvalid(() => parseCapturedRrwebEvents(JSON.stringify(line)), /field event/);
  });
});
