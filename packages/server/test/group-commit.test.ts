// Concurrent posthog-js flushes share one commit; each is still answered only after it is stored,
// and one bad body among them fails alone.
import { afterEach, describe, expect, it } from "vitest";
import { raw, startServer, type TestServer } from "./helpers.js";

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function snapshotBody(sessionId: string, uuid: string, timestamp: number): string {
  return JSON.stringify([
    {
      event: "$snapshot",
      uuid,
      properties: {
        $session_id: sessionId,
        $window_id: "w1",
        distinct_id: "dev",
        $snapshot_data: [{ type: 3, timestamp, data: { source: 2, type: 2, id: 5, x: 1, y: 2 } }],
      },
    },
  ]);
}

describe("partial batches", () => {
  it("stores the readable events of a body with unreadable $snapshots and counts the rest", async () => {
    const lines: string[] = [];
    const server = await startServer({ log: (line) => lines.push(line) });
    servers.push(server);
    const good = JSON.parse(
      snapshotBody("partial", "0190a000-0000-7000-8000-000000000001", 1_700_000_000_000),
    );
    const body = JSON.stringify([
      good[0],
      {
        event: "$snapshot",
        uuid: "0190a000-0000-7000-8000-000000000002",
        properties: { $snapshot_data: [] },
      },
      {
        event: "$snapshot",
        uuid: "0190a000-0000-7000-8000-000000000003",
        properties: {
          $session_id: "partial",
          $window_id: "w1",
          $snapshot_data: [{ type: 2, timestamp: 1_700_000_000_001, cv: "2024-10", data: "not gzip at all" }],
        },
      },
      {
        event: "$pageview",
        uuid: "0190a000-0000-7000-8000-000000000004",
        properties: { $session_id: "partial" },
      },
    ]);
    const res = await raw(server, "POST", "/s/", { headers: { "content-type": "text/plain" }, body });
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"status":1}');
    expect(res.headers["x-replay-devkit-rejected"]).toBe("2");
    expect(server.store.getRecording("partial")?.eventCount).toBe(1);
    expect(server.store.posthogEvents("partial").map((e) => e.event)).toEqual(["$pageview"]);
    expect((await raw(server, "GET", "/health")).json()).toMatchObject({ rejectedEvents: 2 });
    expect(lines.join("\n")).toContain("dropped 2 unreadable $snapshot event(s)");

    const nothingGood = JSON.stringify([JSON.parse(body)[1]]);
    const refused = await raw(server, "POST", "/s/", { body: nothingGood });
    expect(refused.status).toBe(400);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe("INVALID_BODY");
  });
});

describe("group commit", () => {
  it("stores every one of many concurrent capture bodies before answering 200", async () => {
    const server = await startServer();
    servers.push(server);
    const n = 40;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        raw(server, "POST", "/s/", {
          headers: { "content-type": "text/plain" },
          body: snapshotBody(
            i % 2 === 0 ? "even" : "odd",
            `0190a000-0000-7000-8000-${String(i).padStart(12, "0")}`,
            1_700_000_000_000 + i,
          ),
        }).then((res) => ({
          res,
          storedAtAnswer: server.store.getRecording(i % 2 === 0 ? "even" : "odd")?.eventCount ?? 0,
        })),
      ),
    );
    for (const { res, storedAtAnswer } of answers) {
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"status":1}');
      expect(storedAtAnswer).toBeGreaterThan(0);
    }
    expect(server.store.getRecording("even")?.eventCount).toBe(n / 2);
    expect(server.store.getRecording("odd")?.eventCount).toBe(n / 2);
    const times = Array.from(server.store.iterateEvents("even"), (e) => e.event.timestamp);
    expect(times).toEqual(Array.from({ length: n / 2 }, (_, k) => 1_700_000_000_000 + 2 * k));
  });

  it("answers 400 to the one body the store refuses and stores the others", async () => {
    const server = await startServer();
    servers.push(server);
    const bodies = Array.from({ length: 12 }, (_, i) =>
      snapshotBody(
        i === 5 ? "../../etc" : "fine",
        `0190a000-0000-7000-8000-${String(i).padStart(12, "0")}`,
        1_700_000_000_000 + i,
      ),
    );
    const answers = await Promise.all(
      bodies.map((body) =>
        raw(server, "POST", "/i/v0/e/", { headers: { "content-type": "text/plain" }, body }),
      ),
    );
    answers.forEach((res, i) => expect(res.status, `request ${i}`).toBe(i === 5 ? 400 : 200));
    expect(answers[5]!.json<{ error: { code: string; message: string } }>().error.message).toContain(
      "$session_id",
    );
    expect(server.store.getRecording("fine")?.eventCount).toBe(11);
  });
});
