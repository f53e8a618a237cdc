// posthog-ios recordings through the server: stored raw, played as rrweb DOM events by the events
// API (paged and streamed alike), with a playback report for wireframes that could not be drawn.
import { posthogIosBody, posthogIosSession } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, startServer, type TestServer } from "./helpers.js";

interface Item {
  windowId: string;
  event: { type: number; timestamp: number; data: Record<string, unknown> };
}

describe("mobile recordings on the server", () => {
  let server: TestServer;
  const session = posthogIosSession("ios-server-1");
  const post = async (events: Record<string, unknown>[]) => {
    const res = await fetch(`${server.url}/s/`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: new Uint8Array(posthogIosBody(events)),
    });
    expect(res.status, await res.text()).toBe(200);
  };

  beforeAll(async () => {
    server = await startServer();
    for (const events of session.requests) await post(events);
  });
  afterAll(() => server?.close());

  it("stores the raw events and pages the transformed ones: every page together equals the stream", async () => {
    const raw = Array.from(server.store.iterateEvents("ios-server-1"), (i) => i.event);
    expect(raw).toEqual(session.posted);
    const streamed = (await (await fetch(`${server.url}/api/recordings/ios-server-1/events.ndjson`)).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Item);
    const paged: Item[] = [];
    let after: string | null = null;
    do {
      const query: string = after === null ? "" : `&after=${encodeURIComponent(after)}`;
      const page: { events: Item[]; next: string | null } = await getJson(
        server,
        `/api/recordings/ios-server-1/events?limit=3${query}`,
      );
      paged.push(...page.events);
      after = page.next;
    } while (after !== null);
    expect(paged).toEqual(streamed);
    const fulls = streamed.filter((i) => i.event.type === 2);
    expect(fulls).toHaveLength(2);
    for (const full of fulls) expect(full.event.data.node).toMatchObject({ type: 0 });
    expect(streamed.some((i) => JSON.stringify(i).includes('"wireframe"'))).toBe(false);
    // Touches target the body, so rrweb's cursor moves.
    const touch = streamed.find((i) => i.event.type === 3 && i.event.data.source === 2);
    expect(touch?.event.data.id).not.toBe(0);
  });

  it("reports wireframes it could not draw, and still plays the rest", async () => {
    const t = session.facts.start + 5000;
    const bad = {
      event: "$snapshot",
      distinct_id: "ios-user-1",
      properties: {
        $snapshot_source: "mobile",
        $session_id: "ios-server-1",
        $snapshot_data: [
          {
            type: 3,
            timestamp: t,
            data: {
              source: 0,
              adds: [
                { parentId: 20, wireframe: { id: 500, x: 0, y: 0, width: 10, height: 10, type: "hologram" } },
                {
                  parentId: 987654,
                  wireframe: { id: 501, x: 0, y: 0, width: 10, height: 10, type: "text", text: "lost" },
                },
                {
                  parentId: 20,
                  wireframe: { id: 502, x: 5, y: 6, width: 70, height: 20, type: "text", text: "still here" },
                },
              ],
            },
          },
        ],
      },
      timestamp: new Date(t).toISOString(),
      uuid: "0193a1b2-0000-7000-8000-00000000bad1",
    };
    await post([bad]);
    const report: { mobile: boolean; notes: { code: string; wireframeId?: number; windowId: string }[] } =
      await getJson(server, "/api/recordings/ios-server-1/playback");
    expect(report.mobile).toBe(true);
    expect(report.notes.map((n) => [n.code, n.wireframeId, n.windowId])).toEqual([
      ["UNKNOWN_WIREFRAME_TYPE", 500, "ios-server-1"],
      ["UNKNOWN_PARENT", 501, "ios-server-1"],
    ]);
    const text = await (await fetch(`${server.url}/api/recordings/ios-server-1/events.ndjson`)).text();
    expect(text).toContain("still here");
    expect(text).not.toContain('"lost"');
  });
});
