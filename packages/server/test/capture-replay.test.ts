import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaptureEvent, RrwebEvent } from "@replay-devkit/codec";
import { decodeBinaryText, PAYLOAD_ELEMENT_ID, type HtmlPayload } from "@replay-devkit/share";
import type { RecordingSummary } from "@replay-devkit/store";
import {
  capturedBody,
  capturedRequests,
  capturedRrwebEvents,
  type CapturedRequest,
} from "@replay-devkit/test-utils";
import { POSTHOG_JS_DIST, getJson, raw, startServer, type TestServer } from "./helpers.js";

/** The JSON payload of an HTML export (see @replay-devkit/share). */
function htmlPayload(body: Buffer): HtmlPayload {
  const text = body.toString("latin1");
  const start = text.indexOf(">", text.indexOf(`id="${PAYLOAD_ELEMENT_ID}"`)) + 1;
  const bytes = decodeBinaryText(text.slice(start, text.indexOf("</script>", start)));
  return JSON.parse(gunzipSync(bytes).toString("utf8")) as HtmlPayload;
}

// Replays every request posthog-js 1.449.2 really sent (shared/fixtures/posthog-js-capture)
// through the handler, then reads the recording back through the JSON API and every export.

function pathOf(r: CapturedRequest): string {
  const query = new URLSearchParams(r.query).toString();
  return query ? `${r.path}?${query}` : r.path;
}

async function replay(server: TestServer, run: "A" | "B"): Promise<void> {
  for (const r of capturedRequests().filter((x) => x.run === run)) {
    const body = capturedBody(r);
    const headers: Record<string, string> = { origin: r.headers.origin ?? "http://app.harness.test" };
    if (r.content_type) headers["content-type"] = r.content_type;
    const res = await raw(server, r.method, pathOf(r), body ? { headers, body } : { headers });
    expect(res.status, `${r.method} ${pathOf(r)}`).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe(headers.origin);
    if (r.kind === "capture" || r.kind === "recording") expect(res.text).toBe('{"status":1}');
  }
}

/** The non-snapshot events in the captured capture bodies, straight from the fixture's decoded copy. */
function expectedPosthogEvents(run: "A" | "B", sessionId: string): string[] {
  const uuids: string[] = [];
  for (const r of capturedRequests().filter((x) => x.run === run && x.kind === "capture")) {
    const body = capturedBody(r)!;
    const doc = JSON.parse(gunzipSync(body).toString("utf8")) as
      { batch?: CaptureEvent[] } | CaptureEvent[] | CaptureEvent;
    const events = Array.isArray(doc) ? doc : "batch" in doc && doc.batch ? doc.batch : [doc as CaptureEvent];
    for (const e of events)
      if (e.event !== "$snapshot" && e.properties.$session_id === sessionId) uuids.push(e.uuid!);
  }
  return uuids;
}

describe.each(["A", "B"] as const)("captured posthog-js run %s", (run) => {
  let server: TestServer;
  const expected = capturedRrwebEvents(run);
  const sessionId = expected[0]!.session_id;
  const windowId = expected[0]!.window_id;
  // The fixture keeps the `cv` marker on events whose fields it expanded; unpacked events drop it.
  const expectedEvents = expected.map(({ event }) => {
    const { cv: _cv, ...rest } = event as Record<string, unknown>;
    return rest as unknown as RrwebEvent;
  });

  beforeAll(async () => {
    server = await startServer({ staticDirs: { posthogJs: POSTHOG_JS_DIST } });
    await replay(server, run);
  });
  afterAll(() => server.close());

  it("lists exactly one recording with the session's metadata", async () => {
    const list = await getJson<{ recordings: RecordingSummary[]; total: number }>(server, "/api/recordings");
    expect(list.total).toBe(1);
    const rec = list.recordings[0]!;
    expect(rec).toMatchObject({
      id: sessionId,
      windowIds: [windowId],
      eventCount: expected.length,
      source: "capture",
    });
    expect(rec.distinctId).toMatch(/^01a202c2-/);
    expect(rec.startTime).toBe(new Date(expectedEvents[0]!.timestamp).toISOString());
    expect(rec.endTime).toBe(new Date(expectedEvents.at(-1)!.timestamp).toISOString());
    // The scripted session: 12 clicks, console log+warn+error (POSTHOG-JS-OBSERVED.md §7).
    expect(rec.clickCount).toBe(12);
    expect([rec.consoleLogCount, rec.consoleWarnCount, rec.consoleErrorCount]).toEqual([1, 1, 1]);
    expect(rec.firstUrl).toMatch(/^http:\/\/app\.harness\.test:\d+\/$/);
    expect(rec.urls.some((u) => u.endsWith("/second.html"))).toBe(true);
  });

  it("returns exactly the recorded events through the paged events API", async () => {
    const events: RrwebEvent[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const query: string = `window=${windowId}&limit=7${next ? `&after=${encodeURIComponent(next)}` : ""}`;
      const page: { events: { windowId: string; event: RrwebEvent }[]; next: string | null } = await getJson(
        server,
        `/api/recordings/${sessionId}/events?${query}`,
      );
      for (const item of page.events) {
        expect(item.windowId).toBe(windowId);
        events.push(item.event);
      }
      next = page.next;
      pages++;
    } while (next && pages < 100);
    expect(events).toEqual(expectedEvents);
  });

  it("streams the same events as NDJSON", async () => {
    const res = await raw(server, "GET", `/api/recordings/${sessionId}/events.ndjson`);
    expect(res.headers["content-type"]).toContain("application/x-ndjson");
    const lines = res.text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: RrwebEvent });
    expect(lines.map((l) => l.event)).toEqual(expectedEvents);
  });

  it("exports the same events as rrweb JSON and as a PostHog export", async () => {
    const rrweb = await raw(server, "GET", `/api/recordings/${sessionId}/export?format=rrweb&scrub=false`);
    expect(rrweb.status).toBe(200);
    expect(rrweb.headers["content-disposition"]).toBe(`attachment; filename="${sessionId}.rrweb.json"`);
    expect(JSON.parse(rrweb.text)).toEqual(expectedEvents);

    const posthog = await raw(
      server,
      "GET",
      `/api/recordings/${sessionId}/export?format=posthog&scrub=false`,
    );
    const doc = JSON.parse(posthog.text) as {
      version: string;
      data: { id: string; snapshots: (RrwebEvent & { windowId: string })[] };
    };
    expect(doc.version).toBe("2023-04-28");
    expect(doc.data.id).toBe(sessionId);
    expect(doc.data.snapshots.map(({ windowId: w, ...event }) => (expect(w).toBe(windowId), event))).toEqual(
      expectedEvents,
    );
  });

  it("exports HAR entries for the app's fetches and a bundle", async () => {
    const har = await raw(server, "GET", `/api/recordings/${sessionId}/export?format=har`);
    const log = (JSON.parse(har.text) as { log: { entries: { request: { method: string; url: string } }[] } })
      .log;
    expect(log.entries.some((e) => e.request.method === "POST" && e.request.url.endsWith("/api/items"))).toBe(
      true,
    );
    const bundle = await raw(server, "GET", `/api/recordings/${sessionId}/export?format=bundle`);
    expect(bundle.headers["content-type"]).toBe("application/zip");
    expect(bundle.body.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  });

  it("exports the offline HTML player as an attachment, scrubbed unless asked", async () => {
    const html = await raw(server, "GET", `/api/recordings/${sessionId}/export?format=html`);
    expect(html.status).toBe(200);
    expect(html.headers["content-type"]).toBe("text/html; charset=windows-1252");
    expect(html.headers["content-disposition"]).toBe(`attachment; filename="${sessionId}.replay.html"`);
    const payload = htmlPayload(html.body);
    expect(payload.sessionId).toBe(sessionId);
    expect(payload.windows.map((w) => w.events.length)).toEqual([expectedEvents.length]);
    expect(payload.privacy.scrubbed).toBe(true);
    const rawHtml = await raw(server, "GET", `/api/recordings/${sessionId}/export?format=html&scrub=false`);
    expect(htmlPayload(rawHtml.body).privacy).toMatchObject({ scrubbed: false, redactions: [] });
  });

  it("stores every non-snapshot event and links it to the session", async () => {
    const { events } = await getJson<{ events: CaptureEvent[] }>(
      server,
      `/api/recordings/${sessionId}/posthog-events`,
    );
    const want = expectedPosthogEvents(run, sessionId);
    expect(events.map((e) => e.uuid).sort()).toEqual([...want].sort());
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === "$pageview")).toHaveLength(2);
    expect(names.filter((n) => n === "$pageleave")).toHaveLength(2);
    expect(names).toContain("harness_note_saved");
  });

  it("stores nothing twice when posthog-js retries every request", async () => {
    const before = await raw(server, "GET", `/api/recordings/${sessionId}/export?format=posthog&scrub=false`);
    const posthogBefore = await getJson<{ events: unknown[] }>(
      server,
      `/api/recordings/${sessionId}/posthog-events`,
    );
    await replay(server, run);
    const after = await raw(server, "GET", `/api/recordings/${sessionId}/export?format=posthog&scrub=false`);
    expect(after.body.equals(before.body)).toBe(true);
    const posthogAfter = await getJson<{ events: unknown[] }>(
      server,
      `/api/recordings/${sessionId}/posthog-events`,
    );
    expect(posthogAfter.events).toHaveLength(posthogBefore.events.length);
    expect((await getJson<{ total: number }>(server, "/api/recordings")).total).toBe(1);
  });
});
