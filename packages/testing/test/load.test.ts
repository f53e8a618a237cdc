import { gzipSync } from "node:zlib";
import { EventType } from "@replay-devkit/codec";
import { capturedRrwebEvents } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import { fromRecording, isTestingError, loadRecording, TestingError } from "../src/index.js";
import { capturedRecording, mergedTwoWindows, playerExampleEvents, publicFixture } from "./helpers.js";

describe("loadRecording", () => {
  it("reads the rrweb-player example (legacy {result} wrapper) with markers and two page loads", async () => {
    const rec = await loadRecording(publicFixture("rrweb-player-example__mobile-homepage.json"), {
      sessionId: "mobile",
    });
    expect(rec.format).toBe("rrweb-json");
    expect(rec.sessionId).toBe("mobile");
    expect(rec.windowIds).toHaveLength(1);
    const pages = rec.markers({ kind: "page" });
    expect(pages).toHaveLength(2);
    expect(pages[0]?.href).toBe("https://posthog.com/docs/updating-documentation");
    expect(pages[1]?.offsetMs).toBeGreaterThan(600_000);
    expect(rec.findPage(/features\/retention$/)?.eventIndex).toBe(pages[1]?.eventIndex);
    expect(rec.findPage("no-such-page")).toBeUndefined();
    expect(rec.findPage("updating-documentation")?.offsetMs).toBe(0);
    // Taps on the mobile page count as clicks.
    expect(rec.markers({ kind: "click" }).length).toBeGreaterThan(0);
    expect(rec.durationMs).toBe(rec.endTime - rec.startTime);
    expect(rec.metadata.eventCount).toBe(rec.events().length);
  });

  it("reads gzip and plain bytes to the same recording", async () => {
    const plain = publicFixture("rrweb-player-example__local-docs.json");
    const a = await loadRecording(plain);
    const b = await loadRecording(gzipSync(plain));
    expect(b.sessionId).toBe(a.sessionId);
    expect(b.events()).toEqual(a.events());
  });

  it("reads a blob_v2 block and its console entries", async () => {
    const rec = await loadRecording(publicFixture("posthog__blob-v2-snapshot-block.jsonl"), {
      sessionId: "blob",
    });
    expect(rec.format).toBe("blob-v2");
    const entries = rec.consoleEntries();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => rec.windowIds.includes(e.windowId))).toBe(true);
  });

  it("wraps the captured posthog-js session with console, network and PostHog events", () => {
    const rec = fromRecording(capturedRecording("A"));
    // The codec's decoding of the raw bodies agrees with the fixture's own expanded event list.
    const expanded = capturedRrwebEvents("A");
    expect(rec.windowIds).toEqual([...new Set(expanded.map((e) => e.window_id))]);
    expect(
      rec
        .events()
        .map((e) => e.timestamp)
        .sort(),
    ).toEqual(expanded.map((e) => e.event.timestamp).sort());
    expect(rec.consoleEntries({ level: "error" }).map((e) => e.payload[0])).toEqual([
      '"harness console error"',
    ]);
    expect(rec.consoleEntries({ level: "warn" })).toHaveLength(1);
    const post = rec.networkEntries().find((e) => e.method === "POST" && e.url.endsWith("/api/items"));
    expect(post?.status).toBe(201);
    expect(post?.responseBody).toContain('"widget"');
    expect(rec.hasNetworkData).toBe(true);
    expect(rec.posthogEvents("harness_note_saved")).toHaveLength(1);
    expect(rec.markers({ kind: "page" }).map((m) => new URL(m.href ?? "").pathname)).toEqual([
      "/",
      "/second.html",
    ]);
    const inputs = rec.markers({ kind: "input" });
    // posthog-js masks every input by default: one star per typed character reaches the recording.
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.every((m) => /^\*+$/.test(m.text ?? ""))).toBe(true);
    expect(inputs.some((m) => m.text === "*".repeat("hello harness".length))).toBe(true);
    expect(rec.markers({ kind: "resize" }).at(-1)).toMatchObject({ width: 1024, height: 700 });
    expect(rec.har().log.entries.length).toBe(rec.networkEntries().length);
  });

  it("at() finds the last event at or before an offset, and describes moments", async () => {
    const rec = await loadRecording(publicFixture("rrweb-player-example__local-docs.json"));
    const events = rec.events();
    const target = events[10] as (typeof events)[number];
    const moment = rec.at(target.timestamp - rec.startTime);
    expect((events[moment.eventIndex] as (typeof events)[number]).timestamp).toBe(target.timestamp);
    expect(rec.at(-5).eventIndex).toBe(0);
    expect(rec.at(rec.durationMs + 10_000).eventIndex).toBe(events.length - 1);
    expect(rec.describeMoment({ offsetMs: 61_234, eventIndex: 7 })).toBe("01:01.234 (event #7)");
  });

  it("keeps windows apart in a merged multi-window session", () => {
    const a = playerExampleEvents("rrweb-player-example__local-docs.json");
    const b = playerExampleEvents("rrweb-player-example__homepage.json");
    const shift = a[0]!.timestamp + 5000 - b[0]!.timestamp;
    const rec = fromRecording(mergedTwoWindows(a, b, shift));
    expect(rec.windowIds).toEqual(["window-a", "window-b"]);
    expect(rec.primaryWindowId).toBe("window-a");
    expect(rec.events("window-b")).toHaveLength(b.length);
    const all = rec.allEvents();
    expect(all).toHaveLength(a.length + b.length);
    expect(
      all.every((e, i) => i === 0 || (all[i - 1] as (typeof all)[number]).timestamp <= e.timestamp),
    ).toBe(true);
    expect(rec.markers({ kind: "page", windowId: "window-b" })[0]?.offsetMs).toBe(5000);
    expect(rec.describeMoment({ offsetMs: 5000, eventIndex: 0, windowId: "window-b" })).toBe(
      "00:05.000 (event #0 in window window-b)",
    );
    expect(() => rec.events("nope")).toThrow(
      /Window "nope" is not in recording two-windows; it has "window-a", "window-b"/,
    );
  });

  it("recordings without network data say so", async () => {
    const rec = await loadRecording(publicFixture("rrweb-player-example__homepage.json"));
    expect(rec.networkEntries()).toEqual([]);
    expect(rec.hasNetworkData).toBe(false);
    expect(rec.har().log.entries).toEqual([]);
  });

  it("gives typed errors for missing, truncated, corrupt and oversized input", async () => {
    const missing = await loadRecording("/nonexistent/recording.json").catch((e: unknown) => e);
    expect(isTestingError(missing) && missing.code).toBe("LOAD_FAILED");
    expect((missing as Error).message).toContain("/nonexistent/recording.json");

    const bytes = publicFixture("rrweb-player-example__local-docs.json");
    const truncated = await loadRecording(bytes.subarray(0, bytes.length / 2)).catch((e: unknown) => e);
    expect(truncated).toBeInstanceOf(TestingError);
    expect((truncated as TestingError).code).toBe("LOAD_FAILED");

    const corrupt = await loadRecording(new TextEncoder().encode("\u0000\u0001 not a recording")).catch(
      (e: unknown) => e,
    );
    expect((corrupt as TestingError).code).toBe("LOAD_FAILED");

    const big = gzipSync(Buffer.alloc(4 << 20, 0x20));
    const oversized = await loadRecording(big, { limits: { maxDecompressedBytes: 1 << 20 } }).catch(
      (e: unknown) => e,
    );
    expect((oversized as TestingError).code).toBe("LOAD_FAILED");

    const pick = await loadRecording(bytes, { pick: 3 }).catch((e: unknown) => e);
    expect((pick as TestingError).code).toBe("NO_RECORDING");

    expect(() =>
      fromRecording({ sessionId: "empty", distinctId: null, windows: [], posthogEvents: [] }),
    ).toThrow(TestingError);
  });

  it("reports the event types it saw in order", async () => {
    const rec = await loadRecording(publicFixture("rrweb-player-example__local-docs.json"));
    const types = rec.events().map((e) => e.type);
    expect(types.indexOf(EventType.Meta)).toBeLessThan(types.indexOf(EventType.FullSnapshot));
  });
});
