import { CodecError, describe } from "./errors.js";
import { isRecord } from "./json.js";
import type { CaptureEvent, RrwebEvent } from "./types.js";

export const CONSOLE_PLUGIN = "rrweb/console@1";
export const NETWORK_PLUGIN = "rrweb/network@1";

function fail(path: string, message: string): never {
  throw new CodecError("INVALID_EVENT", message, { path });
}

function expectArrayIfPresent(data: Record<string, unknown>, key: string, path: string): void {
  const value = data[key];
  if (value === undefined) return;
  if (typeof value === "string") {
    fail(`${path}.data.${key}`, "Field is still packed (a compressed string); call unpackEvent first");
  }
  if (!Array.isArray(value)) fail(`${path}.data.${key}`, `Expected an array, got ${describe(value)}`);
}

/**
 * Checks that `value` is a well-formed, unpacked rrweb event and returns it typed. Unknown extra
 * keys (PostHog's `windowId`, `seq`, ...) are allowed; wrong types are not.
 */
export function validateRrwebEvent(value: unknown, path = "event"): RrwebEvent {
  if (!isRecord(value)) fail(path, `Expected an rrweb event object, got ${describe(value)}`);
  const { type, timestamp, data } = value;
  if (typeof type !== "number" || !Number.isInteger(type) || type < 0 || type > 8) {
    fail(`${path}.type`, `Expected an rrweb EventType (an integer 0-8), got ${describe(type)}`);
  }
  if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) {
    fail(`${path}.timestamp`, `Expected a timestamp in epoch milliseconds, got ${describe(timestamp)}`);
  }
  if (value.delay !== undefined && (typeof value.delay !== "number" || !Number.isFinite(value.delay))) {
    fail(`${path}.delay`, `Expected a number, got ${describe(value.delay)}`);
  }
  if (typeof data === "string" && value.cv !== undefined) {
    fail(`${path}.data`, `Event is still packed (cv ${describe(value.cv)}); call unpackEvent first`);
  }
  if (!isRecord(data)) fail(`${path}.data`, `Expected an object, got ${describe(data)}`);
  switch (type) {
    case 3: {
      const source = data.source;
      if (typeof source !== "number" || !Number.isInteger(source) || source < 0) {
        fail(
          `${path}.data.source`,
          `Expected an IncrementalSource (a non-negative integer), got ${describe(source)}`,
        );
      }
      if (source === 0) {
        for (const key of ["texts", "attributes", "removes", "adds"]) expectArrayIfPresent(data, key, path);
      } else if (source === 8) {
        for (const key of ["adds", "removes"]) expectArrayIfPresent(data, key, path);
      } else if ((source === 1 || source === 6 || source === 12) && data.positions !== undefined) {
        expectArrayIfPresent(data, "positions", path);
      }
      break;
    }
    case 4:
      if (data.href !== undefined && typeof data.href !== "string") {
        fail(`${path}.data.href`, `Expected a URL string, got ${describe(data.href)}`);
      }
      for (const key of ["width", "height"]) {
        if (data[key] !== undefined && typeof data[key] !== "number") {
          fail(`${path}.data.${key}`, `Expected a number, got ${describe(data[key])}`);
        }
      }
      break;
    case 5:
      if (typeof data.tag !== "string")
        fail(`${path}.data.tag`, `Expected a custom event tag string, got ${describe(data.tag)}`);
      break;
    case 6:
      validatePluginData(data, path);
      break;
    default:
      break;
  }
  return value as unknown as RrwebEvent;
}

function validatePluginData(data: Record<string, unknown>, path: string): void {
  if (typeof data.plugin !== "string")
    fail(`${path}.data.plugin`, `Expected a plugin name string, got ${describe(data.plugin)}`);
  const payload = data.payload;
  if (data.plugin === CONSOLE_PLUGIN) {
    if (!isRecord(payload))
      fail(`${path}.data.payload`, `Expected a console payload object, got ${describe(payload)}`);
    if (typeof payload.level !== "string")
      fail(`${path}.data.payload.level`, `Expected a console level string, got ${describe(payload.level)}`);
    // posthog-ios sends the console text as one string, not an array of JSON-encoded arguments.
    if (!Array.isArray(payload.payload) && typeof payload.payload !== "string")
      fail(
        `${path}.data.payload.payload`,
        `Expected an array of arguments, got ${describe(payload.payload)}`,
      );
    if (payload.trace !== undefined && !Array.isArray(payload.trace)) {
      fail(`${path}.data.payload.trace`, `Expected an array of stack frames, got ${describe(payload.trace)}`);
    }
  } else if (data.plugin === NETWORK_PLUGIN) {
    if (!isRecord(payload))
      fail(`${path}.data.payload`, `Expected a network payload object, got ${describe(payload)}`);
    if (!Array.isArray(payload.requests))
      fail(
        `${path}.data.payload.requests`,
        `Expected an array of requests, got ${describe(payload.requests)}`,
      );
    payload.requests.forEach((request: unknown, i: number) => {
      if (!isRecord(request))
        fail(`${path}.data.payload.requests[${i}]`, `Expected a request object, got ${describe(request)}`);
    });
  }
}

/** Validates an array of unpacked rrweb events; errors name the index of the first bad event. */
export function validateRrwebEvents(value: unknown): RrwebEvent[] {
  if (!Array.isArray(value)) {
    throw new CodecError("INVALID_EVENT", `Expected an array of rrweb events, got ${describe(value)}`, {
      path: "events",
    });
  }
  value.forEach((event: unknown, i: number) => validateRrwebEvent(event, `events[${i}]`));
  return value as RrwebEvent[];
}

function failCapture(path: string, message: string): never {
  throw new CodecError("INVALID_CAPTURE", message, { path });
}

/** Checks one capture event's envelope (not its rrweb payload) and returns a normalised copy. */
export function validateCaptureEvent(value: unknown, path = "event"): CaptureEvent {
  if (!isRecord(value)) failCapture(path, `Expected a capture event object, got ${describe(value)}`);
  if (typeof value.event !== "string" || value.event === "") {
    failCapture(`${path}.event`, `Expected an event name string, got ${describe(value.event)}`);
  }
  const properties = value.properties ?? {};
  if (!isRecord(properties))
    failCapture(`${path}.properties`, `Expected an object, got ${describe(value.properties)}`);
  const out: CaptureEvent = { ...value, event: value.event, properties };
  if (value.uuid !== undefined && value.uuid !== null) {
    if (typeof value.uuid !== "string")
      failCapture(`${path}.uuid`, `Expected a string, got ${describe(value.uuid)}`);
  } else delete out.uuid;
  if (value.timestamp !== undefined && value.timestamp !== null) {
    if (typeof value.timestamp === "number" && Number.isFinite(value.timestamp)) {
      out.timestamp = isoOrFail(value.timestamp, `${path}.timestamp`);
    } else if (typeof value.timestamp !== "string") {
      failCapture(`${path}.timestamp`, `Expected an ISO time string, got ${describe(value.timestamp)}`);
    }
  } else delete out.timestamp;
  if (value.offset !== undefined && value.offset !== null) {
    if (typeof value.offset !== "number" || !Number.isFinite(value.offset)) {
      failCapture(`${path}.offset`, `Expected a number of milliseconds, got ${describe(value.offset)}`);
    }
  } else delete out.offset;
  if (value.distinct_id !== undefined && value.distinct_id !== null) {
    if (typeof value.distinct_id === "number") out.distinct_id = String(value.distinct_id);
    else if (typeof value.distinct_id !== "string") {
      failCapture(`${path}.distinct_id`, `Expected a string, got ${describe(value.distinct_id)}`);
    }
  } else delete out.distinct_id;
  for (const key of ["$set", "$set_once"] as const) {
    if (value[key] !== undefined && !isRecord(value[key]))
      failCapture(`${path}.${key}`, `Expected an object, got ${describe(value[key])}`);
  }
  return out;
}

function isoOrFail(ms: number, path: string): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) failCapture(path, `Timestamp ${ms} is out of range`);
  return date.toISOString();
}
