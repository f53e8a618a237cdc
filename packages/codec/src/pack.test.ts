import { describe, expect, it } from "vitest";
import { CodecError } from "./errors.js";
import { PACKED_EVENT_VERSION, packEvent, unpackEvent } from "./pack.js";
import type { RrwebEvent } from "./types.js";

const fullSnapshot = {
  type: 2,
  timestamp: 1700000000000,
  data: {
    node: { type: 0, id: 1, childNodes: [{ type: 3, id: 2, textContent: "héllo ✓ 𝄞" }] },
    initialOffset: { top: 0, left: 0 },
  },
} as unknown as RrwebEvent;
const mutation = {
  type: 3,
  timestamp: 1700000000100,
  data: {
    source: 0,
    texts: [{ id: 2, value: "x" }],
    attributes: [],
    removes: [{ parentId: 1, id: 3 }],
    adds: [],
    isAttachIframe: true,
  },
} as unknown as RrwebEvent;
const styleRule = {
  type: 3,
  timestamp: 1700000000200,
  data: { source: 8, id: 4, adds: [{ rule: "a{}", index: 0 }] },
} as unknown as RrwebEvent;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error.code;
    throw error;
  }
  return undefined;
}

describe("packEvent / unpackEvent", () => {
  it("packs the same fields posthog-js packs, as latin-1 gzip strings", () => {
    const packed = packEvent(fullSnapshot) as unknown as Record<string, unknown>;
    expect(packed.cv).toBe(PACKED_EVENT_VERSION);
    expect(typeof packed.data).toBe("string");
    expect((packed.data as string).charCodeAt(0)).toBe(0x1f);
    expect((packed.data as string).charCodeAt(1)).toBe(0x8b);
    const m = packEvent(mutation) as unknown as { data: Record<string, unknown> };
    for (const key of ["texts", "attributes", "removes", "adds"]) expect(typeof m.data[key]).toBe("string");
    expect(m.data.source).toBe(0);
    expect(m.data.isAttachIframe).toBe(true);
    const s = packEvent(styleRule) as unknown as { data: Record<string, unknown> };
    expect(typeof s.data.adds).toBe("string");
    expect(s.data.removes).toBeUndefined();
  });

  it("round-trips exactly, including non-ASCII text", () => {
    for (const event of [fullSnapshot, mutation, styleRule])
      expect(unpackEvent(packEvent(event))).toEqual(event);
  });

  it("leaves other events alone", () => {
    const meta = {
      type: 4,
      timestamp: 1,
      data: { href: "https://x", width: 1, height: 1 },
    } as unknown as RrwebEvent;
    expect(packEvent(meta)).toBe(meta);
    expect(unpackEvent(meta)).toEqual(meta);
  });

  it("decodes the packed empty array from the protocol notes", () => {
    const texts =
      "\u001f\u008b\b\u0000\u0000\u0000\u0000\u0000\u0000\u0003\u008b\u008e\u0005\u0000)»L\r\u0002\u0000\u0000\u0000";
    const event = unpackEvent({
      type: 3,
      timestamp: 5,
      cv: "2024-10",
      data: { source: 0, texts, attributes: [], removes: [], adds: [] },
    });
    expect((event.data as { texts: unknown }).texts).toEqual([]);
  });

  it("rejects an unknown cv, naming it", () => {
    let error: unknown;
    try {
      unpackEvent({ ...fullSnapshot, cv: "2099-01" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).code).toBe("UNKNOWN_VERSION");
    expect((error as CodecError).message).toContain("2099-01");
  });

  it("rejects a packed field that was UTF-8 encoded twice or is not gzip", () => {
    const packed = packEvent(fullSnapshot) as unknown as { data: string };
    const doubled = Buffer.from(packed.data, "utf8").toString("latin1");
    expect(codeOf(() => unpackEvent({ ...packed, data: doubled }))).toBe("INVALID_GZIP");
    expect(codeOf(() => unpackEvent({ ...packed, data: "\u0100abc" }))).toBe("INVALID_EVENT");
    expect(codeOf(() => unpackEvent({ ...packed, data: "plain text" }))).toBe("INVALID_GZIP");
  });

  it("caps a packed gzip bomb by limits.maxDecompressedBytes", () => {
    const big = {
      ...fullSnapshot,
      data: {
        node: { type: 0, id: 1, childNodes: [], pad: "a".repeat(2_000_000) },
        initialOffset: { top: 0, left: 0 },
      },
    } as unknown as RrwebEvent;
    const packed = packEvent(big);
    expect(codeOf(() => unpackEvent(packed, { limits: { maxDecompressedBytes: 100_000 } }))).toBe(
      "TOO_LARGE",
    );
    expect(unpackEvent(packed)).toEqual(big);
  });

  it("reports where a packed event's JSON is broken", () => {
    const packed = packEvent(mutation) as unknown as { data: Record<string, unknown> };
    const broken = {
      ...packed,
      data: {
        ...packed.data,
        adds: (packEvent({ ...fullSnapshot } as RrwebEvent) as unknown as { data: string }).data,
      },
    };
    // A valid packed field holding an object where an array belongs fails validation at that path.
    try {
      unpackEvent(broken, { path: "batch[0]" });
      expect.unreachable();
    } catch (error) {
      expect((error as CodecError).code).toBe("INVALID_EVENT");
      expect((error as CodecError).path).toBe("batch[0].data.adds");
    }
  });
});
