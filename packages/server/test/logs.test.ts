// GET /api/recordings/:id/logs: the app's output within a recording's time range, paged, behind
// the same Origin/Host lockdown as the rest of the JSON API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RrwebEvent } from "@replay-devkit/codec";
import { raw, startServer, type TestServer } from "./helpers.js";

// Recent: lines older than the store's retention (24 h) are deleted as they are written.
const START = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const END = START + 10_000;
const SESSION = "logs-session-1";

interface LogsBody {
  lines: { seq: number; timestamp: number; offsetMs: number | null; stream: string; text: string }[];
  next: string | null;
  from: number;
  to: number;
}

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  const events = [
    { type: 4, timestamp: START, data: { href: "https://shop.test/", width: 1, height: 1 } },
    { type: 3, timestamp: END, data: { source: 2, type: 2, id: 5, x: 1, y: 2 } },
  ] as RrwebEvent[];
  server.store.ingestRrweb(SESSION, "w1", events);
  server.store.appendAppLogs([
    { timestamp: START - 60_000, stream: "stdout", text: "long before" },
    { timestamp: START - 4000, stream: "stdout", text: "in the leading margin" },
    ...Array.from({ length: 25 }, (_, i) => ({
      timestamp: START + i * 400,
      stream: i % 5 === 0 ? ("stderr" as const) : ("stdout" as const),
      text: `during ${i}`,
    })),
    { timestamp: END + 3000, stream: "stderr", text: "Error: in the trailing margin" },
    { timestamp: END + 60_000, stream: "stdout", text: "long after" },
  ]);
});
afterAll(async () => {
  await server.close();
});

async function logs(query = ""): Promise<LogsBody> {
  const res = await raw(server, "GET", `/api/recordings/${SESSION}/logs${query}`);
  expect(res.status, res.text).toBe(200);
  return res.json<LogsBody>();
}

describe("GET /api/recordings/:id/logs", () => {
  it("returns the lines within the recording plus the default 5 s margin, with offsets", async () => {
    const body = await logs();
    expect(body.next).toBeNull();
    expect(body.from).toBe(START - 5000);
    expect(body.to).toBe(END + 5000);
    const texts = body.lines.map((l) => l.text);
    expect(texts[0]).toBe("in the leading margin");
    expect(texts.at(-1)).toBe("Error: in the trailing margin");
    expect(texts).not.toContain("long before");
    expect(texts).not.toContain("long after");
    expect(body.lines).toHaveLength(27);
    expect(body.lines[0]?.offsetMs).toBe(-4000);
    expect(body.lines[1]).toMatchObject({ offsetMs: 0, stream: "stderr", text: "during 0" });
    expect(body.lines[2]).toMatchObject({ offsetMs: 400, stream: "stdout", text: "during 1" });
  });

  it("narrows or widens with margin", async () => {
    expect((await logs("?margin=0")).lines).toHaveLength(25);
    const wide = await logs("?margin=600000");
    expect(wide.lines.map((l) => l.text)).toContain("long before");
    expect(wide.lines.map((l) => l.text)).toContain("long after");
  });

  it("pages with the next cursor without repeats or gaps", async () => {
    const all = (await logs()).lines.map((l) => l.seq);
    const seen: number[] = [];
    let page = await logs("?limit=4");
    for (;;) {
      expect(page.lines.length).toBeLessThanOrEqual(4);
      seen.push(...page.lines.map((l) => l.seq));
      if (page.next === null) break;
      page = await logs(`?limit=4&after=${encodeURIComponent(page.next)}`);
    }
    expect(seen).toEqual(all);
  });

  it("is 404 for an unknown recording", async () => {
    const res = await raw(server, "GET", "/api/recordings/nope/logs");
    expect(res.status).toBe(404);
    expect(res.json<{ error: { code: string } }>().error.code).toBe("NOT_FOUND");
  });

  it("is refused to a foreign origin and a rebinding Host", async () => {
    const foreign = await raw(server, "GET", `/api/recordings/${SESSION}/logs`, {
      headers: { origin: "http://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.json<{ error: { code: string } }>().error.code).toBe("FORBIDDEN_ORIGIN");
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
    const rebound = await raw(server, "GET", `/api/recordings/${SESSION}/logs`, {
      headers: { host: "evil.example" },
    });
    expect(rebound.status).toBe(403);
  });
});
