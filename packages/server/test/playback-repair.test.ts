// The playback doctor on live capture, with the request shapes posthog-js 1.180 sends when it loses
// the second page's Meta (see e2e/checks.ts MetaEvents): page one's /s/ body has Meta and
// FullSnapshot, the $pageview of page two goes to /e/, and page two's /s/ body starts with a bare
// FullSnapshot. Deterministic, unlike the Chromium e2e where the SDK only sometimes loses it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw, startServer, type TestServer } from "./helpers.js";

const SESSION = "0190b000-0000-7000-8000-000000000001";
const WINDOW = "0190b000-0000-7000-8000-0000000000w1";
const T0 = 1_760_000_000_000;

const fullSnapshot = (t: number) => ({
  type: 2,
  timestamp: t,
  data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } },
});

function snapshotBody(uuid: string, events: unknown[]): string {
  return JSON.stringify([
    {
      event: "$snapshot",
      uuid,
      properties: { $session_id: SESSION, $window_id: WINDOW, $snapshot_data: events },
    },
  ]);
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("playback repairs on live capture", () => {
  it("gives page two the Meta posthog-js 1.180 lost, from page one's size and page two's $pageview", async () => {
    const page1 = snapshotBody("0190b000-0000-7000-8000-0000000000a1", [
      { type: 4, timestamp: T0, data: { href: "http://app.test/", width: 1024, height: 700 } },
      fullSnapshot(T0 + 1),
      { type: 3, timestamp: T0 + 50, data: { source: 1, positions: [{ x: 1, y: 1, id: 1, timeOffset: 0 }] } },
    ]);
    expect((await raw(server, "POST", "/s/", { body: page1 })).status).toBe(200);
    const pageview = JSON.stringify([
      {
        event: "$pageview",
        uuid: "0190b000-0000-7000-8000-0000000000b1",
        timestamp: new Date(T0 + 4000).toISOString(),
        properties: { $session_id: SESSION, $window_id: WINDOW, $current_url: "http://app.test/second" },
      },
    ]);
    expect((await raw(server, "POST", "/e/", { body: pageview })).status).toBe(200);
    const page2 = snapshotBody("0190b000-0000-7000-8000-0000000000a2", [fullSnapshot(T0 + 4010)]);
    expect((await raw(server, "POST", "/s/", { body: page2 })).status).toBe(200);

    const events = [...server.store.iterateEvents(SESSION)].map((e) => e.event);
    expect(events.map((e) => e.type)).toEqual([4, 2, 3, 4, 2]);
    expect(events[3]).toEqual({
      type: 4,
      timestamp: T0 + 4010,
      data: { href: "http://app.test/second", width: 1024, height: 700 },
    });
    const summary = (await raw(server, "GET", `/api/recordings/${SESSION}`)).json<{ repairs?: unknown[] }>();
    expect(summary.repairs).toEqual([
      expect.objectContaining({ code: "synthesized-meta", windowId: WINDOW, count: 1, timestamp: T0 + 4010 }),
    ]);
  });
});
