import { gzipSync, strToU8 } from "fflate";
import { compressToBase64 } from "lz-string";
import { describe, expect, it } from "vitest";
import { decodeCaptureBody, groupRecordings, splitCaptureEvents } from "./capture.js";
import { CodecError } from "./errors.js";
import { packEvent } from "./pack.js";
import type { RrwebEvent } from "./types.js";

const meta = {
  type: 4,
  timestamp: 1_700_000_000_000,
  data: { href: "https://app.test/", width: 800, height: 600 },
};
const snapshot = (
  sessionId: string,
  windowId: string,
  events: unknown[],
  extra: Record<string, unknown> = {},
) => ({
  event: "$snapshot",
  properties: { $session_id: sessionId, $window_id: windowId, $snapshot_data: events, distinct_id: "user-1" },
  ...extra,
});
const json = (value: unknown) => strToU8(JSON.stringify(value));
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64");

function error(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error("expected a CodecError");
}

describe("decodeCaptureBody encodings", () => {
  const batch = [snapshot("s1", "w1", [meta], { timestamp: "2023-11-14T22:13:20.000Z" })];

  it("gzip by magic bytes, with and without the gzip-js query", () => {
    const body = gzipSync(json(batch));
    expect(decodeCaptureBody(body).encoding).toBe("gzip");
    const old = decodeCaptureBody(body, { query: new URLSearchParams("compression=gzip-js&ver=1.300.0") });
    expect(old.encoding).toBe("gzip-js");
    expect(old.events).toEqual(batch);
  });

  it("reads a body the caller already inflated as the gzip it was, without looking for gzip again", () => {
    const inflated = json(batch);
    const query = new URLSearchParams("compression=gzip-js");
    const decoded = decodeCaptureBody(inflated, { query, inflated: true });
    expect(decoded.encoding).toBe("gzip-js");
    expect(decoded.events).toEqual(batch);
    expect(decodeCaptureBody(inflated, { inflated: true }).encoding).toBe("gzip");
    // Without the option the same bytes and hint are a mismatch, as before.
    expect(
      error(() => decodeCaptureBody(inflated, { query: new URLSearchParams("compression=gzip") })).code,
    ).toBe("INVALID_GZIP");
  });

  it("base64 form (data= urlencoded) as sent with compression=base64", () => {
    const body = strToU8(`data=${encodeURIComponent(b64(batch))}`);
    const decoded = decodeCaptureBody(body, {
      contentType: "application/x-www-form-urlencoded",
      query: { compression: "base64" },
    });
    expect(decoded.encoding).toBe("base64");
    expect(decoded.events).toEqual(batch);
  });

  it("base64 form whose + signs were turned into spaces", () => {
    const value = [
      snapshot("s1", "w1", [{ ...meta, data: { ...meta.data, href: "https://app.test/?q=>>>??>>>" } }]),
    ];
    const raw = b64(value);
    expect(raw).toContain("+");
    const body = strToU8(`data=${raw}`);
    expect(decodeCaptureBody(body, { contentType: "application/x-www-form-urlencoded" }).events).toEqual(
      value,
    );
  });

  it("form field compression= and sendBeacon text/plain base64 without a hint", () => {
    expect(
      decodeCaptureBody(strToU8(`compression=base64&data=${encodeURIComponent(b64(batch))}`)).events,
    ).toEqual(batch);
    expect(decodeCaptureBody(strToU8(b64(batch)), { contentType: "text/plain" }).encoding).toBe("base64");
  });

  it("legacy lz64, raw and in a form", () => {
    const lz = compressToBase64(JSON.stringify(batch));
    expect(decodeCaptureBody(strToU8(lz), { query: { compression: "lz64" } })).toMatchObject({
      encoding: "lz64",
      events: batch,
    });
    const form = decodeCaptureBody(strToU8(`data=${encodeURIComponent(lz)}&compression=lz64`), {
      contentType: "application/x-www-form-urlencoded",
    });
    expect(form.events).toEqual(batch);
  });

  it("form-encoded plain JSON and plain JSON", () => {
    expect(decodeCaptureBody(strToU8(`data=${encodeURIComponent(JSON.stringify(batch))}`))).toMatchObject({
      encoding: "form",
      events: batch,
    });
    expect(decodeCaptureBody(json(batch), { contentType: "application/json" })).toMatchObject({
      encoding: "json",
      shape: "array",
    });
  });

  it("legacy GET with the payload in ?data=", () => {
    const decoded = decodeCaptureBody(new Uint8Array(), {
      query: new URLSearchParams({ data: b64(batch), compression: "base64" }),
    });
    expect(decoded).toMatchObject({ encoding: "base64", events: batch });
  });

  it("rejects an unknown compression hint and a gzip hint on non-gzip bytes", () => {
    expect(error(() => decodeCaptureBody(json(batch), { query: { compression: "brotli" } })).code).toBe(
      "UNSUPPORTED_ENCODING",
    );
    expect(error(() => decodeCaptureBody(json(batch), { query: { compression: "gzip-js" } })).code).toBe(
      "INVALID_GZIP",
    );
  });
});

describe("decodeCaptureBody shapes and times", () => {
  it("reads {api_key, batch, sent_at} and resolves offsets against sent_at", () => {
    const body = {
      api_key: "phc_x",
      sent_at: "2024-01-01T00:00:10.000Z",
      batch: [{ event: "$pageview", properties: {}, offset: 2500 }],
    };
    const decoded = decodeCaptureBody(gzipSync(json(body)));
    expect(decoded).toMatchObject({ shape: "batch", apiKey: "phc_x", sentAt: "2024-01-01T00:00:10.000Z" });
    expect(decoded.events[0]).toMatchObject({ offset: 2500, timestamp: "2024-01-01T00:00:07.500Z" });
  });

  it("uses the _ query param (pre-1.407) and then receivedAt as the offset base", () => {
    const body = json([{ event: "e", properties: {}, offset: 1000 }]);
    const fromQuery = decodeCaptureBody(body, { query: { _: String(Date.UTC(2024, 0, 1, 0, 0, 5)) } });
    expect(fromQuery.events[0]!.timestamp).toBe("2024-01-01T00:00:04.000Z");
    const fromReceived = decodeCaptureBody(body, { receivedAt: new Date("2024-02-02T00:00:00.000Z") });
    expect(fromReceived.events[0]!.timestamp).toBe("2024-02-01T23:59:59.000Z");
  });

  it("keeps an explicit timestamp and reads a single event object", () => {
    const decoded = decodeCaptureBody(
      json({ event: "$pageleave", properties: { token: "phc_y" }, timestamp: "2024-01-01T00:00:00.000Z" }),
    );
    expect(decoded).toMatchObject({ shape: "single", apiKey: "phc_y" });
    expect(decoded.events[0]!.timestamp).toBe("2024-01-01T00:00:00.000Z");
  });

  it("names the bad event and field", () => {
    const e = error(() =>
      decodeCaptureBody(json({ batch: [{ event: "ok", properties: {} }, { event: 5 }] })),
    );
    expect(e.code).toBe("INVALID_CAPTURE");
    expect(e.path).toBe("batch[1].event");
    expect(e.message).toContain("batch[1].event");
    expect(error(() => decodeCaptureBody(json({ hello: 1 }))).code).toBe("INVALID_CAPTURE");
    expect(error(() => decodeCaptureBody(strToU8('{"batch": ['))).code).toBe("INVALID_JSON");
    expect(error(() => decodeCaptureBody(new Uint8Array())).code).toBe("INVALID_CAPTURE");
  });

  it("enforces maxEvents and maxDecompressedBytes", () => {
    const many = json(Array.from({ length: 20 }, () => ({ event: "e", properties: {} })));
    expect(error(() => decodeCaptureBody(many, { limits: { maxEvents: 10 } })).code).toBe("TOO_LARGE");
    expect(error(() => decodeCaptureBody(many, { limits: { maxDecompressedBytes: 100 } })).code).toBe(
      "TOO_LARGE",
    );
    expect(
      error(() => decodeCaptureBody(gzipSync(many), { limits: { maxDecompressedBytes: 100 } })).code,
    ).toBe("TOO_LARGE");
  });
});

describe("splitCaptureEvents", () => {
  it("unpacks snapshots per capture event, keeps sessions apart and passes other events through", () => {
    const full = {
      type: 2,
      timestamp: meta.timestamp + 1,
      data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } },
    };
    const events = decodeCaptureBody(
      json([
        snapshot("s1", "w1", [meta, packEvent(full as unknown as RrwebEvent)]),
        snapshot("s2", "w9", [{ ...meta, timestamp: meta.timestamp + 5 }]),
        { event: "$pageview", properties: { $session_id: "s1", $current_url: "https://app.test/" } },
      ]),
    ).events;
    const { snapshots, others } = splitCaptureEvents(events);
    expect(snapshots.map((s) => [s.sessionId, s.windowId, s.events.length])).toEqual([
      ["s1", "w1", 2],
      ["s2", "w9", 1],
    ]);
    expect(snapshots[0]!.events[1]).toEqual(full);
    expect(snapshots[0]!.distinctId).toBe("user-1");
    expect(others.map((o) => o.event)).toEqual(["$pageview"]);
    const recordings = groupRecordings(snapshots, others);
    expect(recordings.map((r) => [r.sessionId, r.posthogEvents.length])).toEqual([
      ["s1", 1],
      ["s2", 0],
    ]);
  });

  it("falls back to the session id for a missing window id and accepts a single $snapshot_data object", () => {
    const { snapshots } = splitCaptureEvents([
      { event: "$snapshot", properties: { $session_id: "s1", $snapshot_data: meta } },
    ]);
    expect(snapshots[0]).toMatchObject({ sessionId: "s1", windowId: "s1", distinctId: null });
  });

  it("reports the path of a bad rrweb event inside a batch", () => {
    const e = error(() =>
      splitCaptureEvents([snapshot("s1", "w1", [meta, { type: 3, timestamp: 1, data: { source: "x" } }])]),
    );
    expect(e.code).toBe("INVALID_EVENT");
    expect(e.path).toBe("events[0].properties.$snapshot_data[1].data.source");
    expect(
      error(() => splitCaptureEvents([{ event: "$snapshot", properties: { $snapshot_data: [] } }])).code,
    ).toBe("INVALID_CAPTURE");
  });

  it("partial: keeps the readable events of a body and names each unreadable $snapshot", () => {
    const click = { type: 3, timestamp: 1_700_000_000_500, data: { source: 2, type: 2, id: 1, x: 1, y: 2 } };
    const pageview = { event: "$pageview", properties: { $session_id: "s1" } };
    const events = [
      snapshot("s1", "w1", [meta]),
      snapshot("s1", "w1", [meta, { type: 3, timestamp: 1, data: { source: "x" } }]),
      pageview,
      { event: "$snapshot", properties: { $snapshot_data: [] } },
      snapshot("s1", "w1", [click]),
    ];
    const split = splitCaptureEvents(events, { partial: true });
    expect(split.snapshots.map((b) => b.events.length)).toEqual([1, 1]);
    expect(split.others).toEqual([pageview]);
    expect(split.rejected.map((r) => [r.index, r.error.code])).toEqual([
      [1, "INVALID_EVENT"],
      [3, "INVALID_CAPTURE"],
    ]);
    expect(split.rejected[0]?.error.path).toBe("events[1].properties.$snapshot_data[1].data.source");
    // Without partial the first bad event still refuses the body; limits refuse it in both modes.
    expect(error(() => splitCaptureEvents(events)).code).toBe("INVALID_EVENT");
    expect(splitCaptureEvents([snapshot("s1", "w1", [meta])]).rejected).toEqual([]);
    expect(error(() => splitCaptureEvents(events, { partial: true, limits: { maxEvents: 2 } })).code).toBe(
      "TOO_LARGE",
    );
  });
});
