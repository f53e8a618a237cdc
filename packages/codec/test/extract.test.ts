import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CAPTURE_FIXTURES } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import {
  computeMetadata,
  consoleEntries,
  networkEntries,
  toHar,
  windowConsoleEntries,
  windowNetworkEntries,
  type ExtractableEvent,
} from "../src/index.js";
import { captureRecording } from "./helpers.js";

interface Analysis {
  rrwebTotal: number;
  rrwebLabels: Record<string, number>;
  mouseInteractions: Record<string, number>;
  inputEvents: { count: number };
  metaEvents: { href: string }[];
}
interface Session {
  sessionId: string;
  distinctId: string;
  expect: { urls: string[]; consoleMessages: string[]; networkRequests: string[] };
}

const readJson = <T>(name: string) => JSON.parse(readFileSync(join(CAPTURE_FIXTURES, name), "utf8")) as T;

describe.each(["A", "B"] as const)("run %s from raw capture bodies", (run) => {
  const rec = captureRecording(run);
  const analysis = readJson<Analysis>(`analysis-${run}.json`);
  const session = readJson<Session>(`session-${run}.json`);

  it("metadata agrees with the harness's own analysis", () => {
    const m = computeMetadata(rec);
    const label = (name: string) => analysis.rrwebLabels[name] ?? 0;
    expect(m.id).toBe(session.sessionId);
    expect(m.eventCount).toBe(analysis.rrwebTotal);
    expect(m.clickCount).toBe(analysis.mouseInteractions.Click ?? 0);
    expect(m.keypressCount).toBe(analysis.inputEvents.count);
    expect(m.mouseActivityCount).toBe(
      label("Incremental/MouseMove") + label("Incremental/MouseInteraction") + label("Incremental/TouchMove"),
    );
    expect(m.consoleLogCount + m.consoleWarnCount + m.consoleErrorCount).toBe(
      label("Plugin/rrweb/console@1"),
    );
    expect([m.consoleLogCount, m.consoleWarnCount, m.consoleErrorCount]).toEqual([1, 1, 1]);
    expect(m.firstUrl).toBe(session.expect.urls[0]);
    for (const url of session.expect.urls) expect(m.urls).toContain(url);
    expect(m.distinctId).toBe(session.distinctId);
    expect(m.activeMs).toBeGreaterThan(1000);
    expect(m.activeMs).toBeLessThanOrEqual(m.durationMs);
  });

  it("extracts the console calls the driver made", () => {
    const entries = consoleEntries(rec);
    expect(entries.map((e) => e.level)).toEqual(["log", "warn", "error"]);
    session.expect.consoleMessages.forEach((message, i) =>
      expect(entries[i]!.payload[0]).toBe(JSON.stringify(message)),
    );
    expect(entries[0]!.payload[1]).toBe(JSON.stringify({ step: 1, nested: { ok: true } }));
    expect(entries[2]!.payload[1]).toContain("harness boom");
    expect(entries.every((e) => e.windowId === rec.windows[0]!.windowId && e.trace.length > 0)).toBe(true);
  });

  it("extracts the fetches with method, status, headers and bodies", () => {
    const entries = networkEntries(rec);
    const urls = entries.map((e) => e.url);
    for (const url of session.expect.networkRequests) expect(urls).toContain(url);
    const post = entries.find((e) => e.url.endsWith("/api/items") && e.method === "POST")!;
    expect(post).toMatchObject({
      status: 201,
      initiatorType: "fetch",
      isInitial: false,
      requestBody: '{"name":"widget","qty":3}',
    });
    expect(post.requestHeaders["x-harness"]).toBe("yes");
    expect(JSON.parse(post.responseBody!)).toMatchObject({ ok: true });
    const get = entries.find((e) => e.url.endsWith("?page=1"))!;
    expect(get).toMatchObject({ method: "GET", status: 200 });
    expect(entries.some((e) => e.isInitial && e.initiatorType === "script")).toBe(true);
    expect(entries.some((e) => e.initiatorType === "navigation")).toBe(true);
    for (let i = 1; i < entries.length; i++)
      expect(entries[i]!.timestamp).toBeGreaterThanOrEqual(entries[i - 1]!.timestamp);
  });

  it("builds a HAR 1.2 log from the same requests", () => {
    const har = toHar(rec, { creator: "codec-test" });
    expect(har.log.version).toBe("1.2");
    expect(har.log.creator.name).toBe("codec-test");
    expect(har.log.entries.length).toBe(networkEntries(rec).length);
    const post = har.log.entries.find(
      (e) => e.request.method === "POST" && e.request.url.endsWith("/api/items"),
    )!;
    expect(post.request.postData).toEqual({
      mimeType: "application/json",
      text: '{"name":"widget","qty":3}',
    });
    expect(post.request.headers).toContainEqual({ name: "x-harness", value: "yes" });
    expect(post.response.status).toBe(201);
    expect(post.response.content.mimeType).toBe("application/json");
    expect(JSON.parse(post.response.content.text!)).toMatchObject({ ok: true });
    const get = har.log.entries.find((e) => e.request.url.endsWith("?page=1"))!;
    expect(get.request.queryString).toEqual([{ name: "page", value: "1" }]);
    for (const entry of har.log.entries) {
      expect(Number.isNaN(Date.parse(entry.startedDateTime))).toBe(false);
      const t = entry.timings;
      expect(t.wait).toBeGreaterThanOrEqual(0);
      const sum = [t.blocked, t.dns, t.connect, t.send, t.wait, t.receive]
        .filter((v): v is number => v !== undefined && v > 0)
        .reduce((a, b) => a + b, 0);
      expect(entry.time).toBeCloseTo(sum, 2);
    }
    // Serialises as plain JSON.
    expect(JSON.parse(JSON.stringify(har))).toEqual(har);
  });
});

describe("per-window extraction", () => {
  const rec = captureRecording("A");
  const window = rec.windows[0]!;

  it("gives one window's entries exactly as the Recording functions do", () => {
    const console = windowConsoleEntries(window.events, window.windowId);
    const network = windowNetworkEntries(window.events, window.windowId);
    expect(console.map((e) => e.level)).toEqual(["log", "warn", "error"]);
    expect(network.some((e) => e.method === "POST" && e.url.endsWith("/api/items"))).toBe(true);
    expect(console).toEqual(consoleEntries(rec));
    expect(network).toEqual(networkEntries(rec));
  });

  it("reads events parsed straight from JSON, in any order, into time order", () => {
    const loose: ExtractableEvent[] = (JSON.parse(JSON.stringify(window.events)) as ExtractableEvent[])
      .slice()
      .reverse();
    const console = windowConsoleEntries(loose, "w");
    expect(console.map((e) => e.timestamp)).toEqual(consoleEntries(rec).map((e) => e.timestamp));
    expect(console.every((e) => e.windowId === "w")).toBe(true);
    const network = windowNetworkEntries(loose, "w");
    expect(network.map((e) => e.url).sort()).toEqual(
      networkEntries(rec)
        .map((e) => e.url)
        .sort(),
    );
    for (let i = 1; i < network.length; i++)
      expect(network[i]!.timestamp).toBeGreaterThanOrEqual(network[i - 1]!.timestamp);
  });

  it("merges windows into the Recording functions' time order, window order breaking ties", () => {
    const log = (timestamp: number, text: string): ExtractableEvent => ({
      type: 6,
      timestamp,
      data: { plugin: "rrweb/console@1", payload: { level: "log", payload: [text], trace: [] } },
    });
    const fetchAt = (timestamp: number, url: string): ExtractableEvent => ({
      type: 6,
      timestamp,
      data: { plugin: "rrweb/network@1", payload: { requests: [{ name: url, timestamp }] } },
    });
    const two = {
      ...rec,
      windows: [
        { windowId: "w1", events: [log(10, "a"), log(30, "c"), fetchAt(30, "http://x/1")] },
        { windowId: "w2", events: [log(20, "b"), log(30, "d"), fetchAt(5, "http://x/2")] },
      ],
    } as unknown as typeof rec;
    expect(consoleEntries(two).map((e) => [e.windowId, e.payload[0]])).toEqual([
      ["w1", "a"],
      ["w2", "b"],
      ["w1", "c"],
      ["w2", "d"],
    ]);
    expect(networkEntries(two).map((e) => [e.windowId, e.url])).toEqual([
      ["w2", "http://x/2"],
      ["w1", "http://x/1"],
    ]);
  });

  it("skips malformed plugin payloads instead of throwing", () => {
    const hostile: ExtractableEvent[] = [
      { type: 6, timestamp: 1, data: { plugin: "rrweb/console@1", payload: null } },
      { type: 6, timestamp: 2, data: { plugin: "rrweb/console@1", payload: { level: 7, payload: "x" } } },
      { type: 6, timestamp: 3, data: "nope" },
      { type: 6, timestamp: 4 },
      { type: 6, timestamp: 5, data: { plugin: "rrweb/network@1", payload: { requests: "x" } } },
      {
        type: 6,
        timestamp: 6,
        data: {
          plugin: "rrweb/network@1",
          payload: { requests: [null, { name: 5 }, { name: "http://a/" }] },
        },
      },
    ];
    expect(windowConsoleEntries(hostile, "w")).toEqual([
      // A bad level falls back to log; a string payload is one argument, as posthog-ios sends it.
      { windowId: "w", timestamp: 2, level: "log", payload: ['"x"'], trace: [] },
    ]);
    expect(windowNetworkEntries(hostile, "w").map((e) => [e.url, e.method, e.status, e.timestamp])).toEqual([
      ["http://a/", "GET", null, 6],
    ]);
  });
});
