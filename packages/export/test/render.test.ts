import { readRecordingFile, type Recording, type RrwebEvent } from "@replay-devkit/codec";
import { capturedRrwebEvents } from "@replay-devkit/test-utils";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { EXPORT_FORMATS, ExportError, renderExport, SCRUB_MODES, type ExportRequest } from "../src/index.js";

// The real rrweb events posthog-js 1.449.2 recorded (runs A and B of the shared captures), as two
// windows of one session: each run is one tab.
const SECRET = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

function windowOf(run: "A" | "B"): { windowId: string; events: RrwebEvent[] } {
  const events = capturedRrwebEvents(run);
  return { windowId: events[0]!.window_id, events: events.map((e) => e.event as RrwebEvent) };
}

function recording(): Recording {
  const [a, b] = [windowOf("A"), windowOf("B")];
  const leak: RrwebEvent = {
    type: 5,
    timestamp: a.events[1]!.timestamp + 1,
    data: { tag: "token", payload: { authorization: `Bearer ${SECRET}` } },
  };
  a.events.splice(2, 0, leak);
  return {
    sessionId: "two-tabs",
    distinctId: "dev@example.com",
    windows: [a, b],
    posthogEvents: [],
  };
}

const UPDATED = "2026-11-30T10:00:00.000Z";
const PRODUCER = { name: "replay-devkit", version: "9.8.7" };
const text = (body: string | Uint8Array) => (typeof body === "string" ? body : strFromU8(body));

describe("renderExport", () => {
  it("renders every format in every scrub mode, the same bytes each time", async () => {
    for (const format of EXPORT_FORMATS) {
      for (const scrub of SCRUB_MODES) {
        const request: ExportRequest = { format, scrub };
        const first = await renderExport({ recording: recording(), updatedAt: UPDATED }, request, PRODUCER);
        const again = await renderExport({ recording: recording(), updatedAt: UPDATED }, request, PRODUCER);
        expect(Buffer.from(first.body).equals(Buffer.from(again.body)), `${format} ${scrub}`).toBe(true);
        expect(first.binary).toBe(format === "bundle");
        if (format !== "bundle" && format !== "har") {
          expect(text(first.body).includes(SECRET), `${format} ${scrub}`).toBe(scrub === "raw");
        }
        expect(first.redactionCount > 0, `${format} ${scrub}`).toBe(scrub === "scrubbed");
      }
    }
  });

  it("exports ONE rrweb window: the first by default, another by name", async () => {
    const source = { recording: recording(), updatedAt: UPDATED };
    const [a, b] = source.recording.windows;
    const byDefault = await renderExport(source, { format: "rrweb", scrub: "raw" }, PRODUCER);
    expect(JSON.parse(text(byDefault.body))).toEqual(a!.events);
    expect(byDefault.filename).toBe("two-tabs.rrweb.json");
    const second = await renderExport(
      source,
      { format: "rrweb", scrub: "raw", window: b!.windowId },
      PRODUCER,
    );
    expect(JSON.parse(text(second.body))).toEqual(b!.events);
    expect(second.filename).toBe(`two-tabs.${b!.windowId}.rrweb.json`);
  });

  it("refuses an unknown window with UNKNOWN_WINDOW naming the valid ids", async () => {
    const source = { recording: recording(), updatedAt: UPDATED };
    const ids = source.recording.windows.map((w) => w.windowId);
    for (const format of EXPORT_FORMATS) {
      const error = await renderExport(
        source,
        { format, scrub: "scrubbed", window: "tab-9" },
        PRODUCER,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExportError);
      expect((error as ExportError).code).toBe("UNKNOWN_WINDOW");
      expect((error as ExportError).message).toBe(
        `Recording two-tabs has no window "tab-9"; it has ${ids.join(", ")}.`,
      );
    }
  });

  it("refuses an unknown format or scrub mode", async () => {
    const source = { recording: recording(), updatedAt: UPDATED };
    const pdf = { format: "pdf", scrub: "raw" } as unknown as ExportRequest;
    await expect(renderExport(source, pdf, PRODUCER)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    const half = { format: "posthog", scrub: "half" } as unknown as ExportRequest;
    await expect(renderExport(source, half, PRODUCER)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
  });

  it("stamps the bundle with the recording's last update, never now, and keeps earlier redactions", async () => {
    const prior = [{ rule: "earlier", location: "x", field: "y", action: "replaced" as const }];
    const rendered = await renderExport(
      { recording: recording(), updatedAt: UPDATED, priorRedactions: prior },
      { format: "bundle", scrub: "scrubbed" },
      PRODUCER,
    );
    const files = unzipSync(rendered.body as Uint8Array);
    const manifest = JSON.parse(strFromU8(files["manifest.json"]!)) as {
      createdAt: string;
      producer: string;
      redactions: { rule: string }[];
    };
    expect(manifest.createdAt).toBe(UPDATED);
    expect(manifest.producer).toBe("replay-devkit 9.8.7");
    expect(manifest.redactions[0]).toEqual(prior[0]);
    expect(manifest.redactions.length).toBe(rendered.redactions.length + 1);
    const read = await readRecordingFile(rendered.body as Uint8Array);
    expect(read.recordings[0]?.windows.map((w) => w.events.length)).toEqual(
      recording().windows.map((w) => w.events.length),
    );
  });

  it("names the producer and its version as the HAR creator", async () => {
    const rendered = await renderExport(
      { recording: recording(), updatedAt: UPDATED },
      { format: "har", scrub: "raw" },
      PRODUCER,
    );
    expect((JSON.parse(text(rendered.body)) as { log: { creator: unknown } }).log.creator).toEqual({
      name: "replay-devkit",
      version: "9.8.7",
    });
  });
});
