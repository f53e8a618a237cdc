import { describe, expect, it } from "vitest";
import { CodecError } from "./errors.js";
import { validateCaptureEvent, validateRrwebEvent, validateRrwebEvents } from "./validate.js";

function failure(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error("expected a CodecError");
}

const consoleEvent = (payload: unknown) => ({
  type: 6,
  timestamp: 1,
  data: { plugin: "rrweb/console@1", payload },
});
const networkEvent = (payload: unknown) => ({
  type: 6,
  timestamp: 1,
  data: { plugin: "rrweb/network@1", payload },
});

describe("validateRrwebEvent", () => {
  it("accepts every event type with its usual data, and extra keys", () => {
    const ok = [
      { type: 0, timestamp: 1, data: {} },
      { type: 2, timestamp: 1, data: { node: {}, initialOffset: { top: 0, left: 0 } }, windowId: 1, seq: 4 },
      { type: 3, timestamp: 1, data: { source: 0, texts: [], attributes: [], removes: [], adds: [] } },
      { type: 3, timestamp: 1, data: { source: 16, anything: true } },
      { type: 4, timestamp: 1, data: { href: "https://x", width: 1, height: 2 } },
      { type: 5, timestamp: 1, data: { tag: "$pageview", payload: { href: "https://x" } } },
      consoleEvent({ level: "log", payload: ['"x"'], trace: [] }),
      consoleEvent({ level: "info", payload: "text as posthog-ios sends it" }),
      networkEvent({ requests: [{ name: "https://x" }], isInitial: true }),
      { type: 6, timestamp: 1, data: { plugin: "some/other@1", payload: 42 } },
      { type: 3, timestamp: 1, delay: 5, data: { source: 1, positions: [] } },
    ];
    for (const event of ok) expect(validateRrwebEvent(event)).toBe(event);
  });

  it("says what is wrong and where", () => {
    const cases: [unknown, string][] = [
      [null, "event"],
      [{ type: 9, timestamp: 1, data: {} }, "event.type"],
      [{ type: "2", timestamp: 1, data: {} }, "event.type"],
      [{ type: 2, timestamp: "1", data: {} }, "event.timestamp"],
      [{ type: 2, timestamp: Number.NaN, data: {} }, "event.timestamp"],
      [{ type: 2, timestamp: 1 }, "event.data"],
      [{ type: 2, timestamp: 1, data: "\u001f\u008b", cv: "2024-10" }, "event.data"],
      [{ type: 3, timestamp: 1, data: { source: -1 } }, "event.data.source"],
      [{ type: 3, timestamp: 1, data: { source: 0, adds: "\u001f\u008b" } }, "event.data.adds"],
      [{ type: 3, timestamp: 1, data: { source: 8, removes: {} } }, "event.data.removes"],
      [{ type: 4, timestamp: 1, data: { href: 5 } }, "event.data.href"],
      [{ type: 5, timestamp: 1, data: { payload: {} } }, "event.data.tag"],
      [{ type: 6, timestamp: 1, data: { payload: {} } }, "event.data.plugin"],
      [consoleEvent({ payload: [] }), "event.data.payload.level"],
      // A string is fine (posthog-ios sends one); anything else that is not an array is not.
      [consoleEvent({ level: "log", payload: { x: 1 } }), "event.data.payload.payload"],
      [consoleEvent({ level: "log", payload: [], trace: "x" }), "event.data.payload.trace"],
      [networkEvent({}), "event.data.payload.requests"],
      [networkEvent({ requests: [{}, 5] }), "event.data.payload.requests[1]"],
      [{ type: 3, timestamp: 1, delay: "x", data: { source: 1 } }, "event.delay"],
    ];
    for (const [value, path] of cases) {
      const error = failure(() => validateRrwebEvent(value));
      expect(error.code).toBe("INVALID_EVENT");
      expect(error.path).toBe(path);
      expect(error.message).toContain(path);
    }
  });

  it("does not echo huge values into messages", () => {
    const error = failure(() => validateRrwebEvent({ type: 2, timestamp: "x".repeat(100_000), data: {} }));
    expect(error.message.length).toBeLessThan(200);
  });

  it("validateRrwebEvents names the index", () => {
    expect(failure(() => validateRrwebEvents([{ type: 4, timestamp: 1, data: {} }, { type: 4 }])).path).toBe(
      "events[1].timestamp",
    );
    expect(failure(() => validateRrwebEvents({})).code).toBe("INVALID_EVENT");
  });
});

describe("validateCaptureEvent", () => {
  it("normalises numeric timestamps and distinct ids, drops nulls", () => {
    const out = validateCaptureEvent({ event: "e", timestamp: 0, distinct_id: 42, uuid: null });
    expect(out).toEqual({
      event: "e",
      properties: {},
      timestamp: "1970-01-01T00:00:00.000Z",
      distinct_id: "42",
    });
  });

  it("rejects wrong envelope types with a path", () => {
    expect(failure(() => validateCaptureEvent({ event: "" })).path).toBe("event.event");
    expect(failure(() => validateCaptureEvent({ event: "e", properties: [] })).path).toBe("event.properties");
    expect(failure(() => validateCaptureEvent({ event: "e", offset: "5" })).path).toBe("event.offset");
    expect(failure(() => validateCaptureEvent({ event: "e", $set: 1 })).path).toBe("event.$set");
    expect(failure(() => validateCaptureEvent({ event: "e", timestamp: 1e20 })).code).toBe("INVALID_CAPTURE");
  });
});
