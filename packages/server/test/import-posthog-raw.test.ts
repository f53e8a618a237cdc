import { posthogRawExportZip, standInRecording } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw, startServer, type TestServer } from "./helpers.js";

// PostHog's raw export zip (its staff export: ClickHouse JSON of the metadata row and events, data/
// batch files with each Snappy block at its offset; see posthogRawExportZip in test-utils) through
// POST /api/import, the path the inspector's drop zone uses. The recording is the shared capture's
// runs A and B as two tabs.

const rec = standInRecording(["A", "B"], 25);
const { zip } = posthogRawExportZip(rec);
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describe("POST /api/import of PostHog's raw export zip", () => {
  it("stores every window's events and the session's events, and stores nothing twice", async () => {
    const res = await raw(server, "POST", "/api/import", { body: Buffer.from(zip) });
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toEqual({
      imported: [rec.sessionId],
      format: "posthog-export",
      formatVersion: "posthog-raw-export",
    });
    const meta = (await raw(server, "GET", `/api/recordings/${rec.sessionId}`)).json<{
      windowIds: string[];
      eventCount: number;
      distinctId: string;
    }>();
    expect(meta.windowIds.sort()).toEqual([...rec.expected.keys()].sort());
    expect(meta.eventCount).toBe([...rec.expected.values()].reduce((n, e) => n + e.length, 0));
    expect(meta.distinctId).toBe(rec.distinctId);
    const events = (await raw(server, "GET", `/api/recordings/${rec.sessionId}/posthog-events`)).text;
    expect(events).toContain(rec.events[0]!.uuid);
    expect(events).not.toContain("someone@example.com");
    const again = await raw(server, "POST", "/api/import", { body: Buffer.from(zip) });
    expect(again.status).toBe(200);
    const after = (await raw(server, "GET", `/api/recordings/${rec.sessionId}`)).json<{
      eventCount: number;
    }>();
    expect(after.eventCount).toBe(meta.eventCount);
  });

  it.each([
    ["a truncated zip", Buffer.from(zip.subarray(0, zip.length - 300)), /Corrupt or truncated zip/],
    [
      "a zip without one of its listed blocks",
      Buffer.from(posthogRawExportZip(rec, { omitBlocks: [1] }).zip),
      /which the zip does not contain/,
    ],
  ])("refuses %s with a 400 naming the problem, storing nothing", async (_name, body, reason) => {
    const before = (await raw(server, "GET", "/api/recordings")).json<{ total: number }>().total;
    const res = await raw(server, "POST", "/api/import", { body });
    expect(res.status).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(reason);
    expect((await raw(server, "GET", "/api/recordings")).json<{ total: number }>().total).toBe(before);
  });
});
