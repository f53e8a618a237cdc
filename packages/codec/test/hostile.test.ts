import fc from "fast-check";
import { gzipSync, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  CodecError,
  decodeCaptureBody,
  readRecordingFile,
  sniffFormat,
  splitCaptureEvents,
  writeBlobV2,
  writeBundle,
  writePosthogExport,
  type CodecErrorCode,
} from "../src/index.js";
import { captureRecording, utf8 } from "./helpers.js";

const recording = captureRecording("A");

async function codeOf(fn: () => unknown): Promise<CodecErrorCode | "ok"> {
  try {
    await fn();
    return "ok";
  } catch (error) {
    if (error instanceof CodecError) return error.code;
    throw error;
  }
}

/** A gzip stream that inflates to `members` x 8 MiB of zeros while being ~8 KiB per member. */
function multiMemberBomb(members: number): Uint8Array {
  const member = gzipSync(new Uint8Array(8 * 1024 * 1024), { level: 9 });
  const out = new Uint8Array(member.length * members);
  for (let i = 0; i < members; i++) out.set(member, i * member.length);
  return out;
}

describe("decompression bombs are stopped at the cap", () => {
  it("a 1 GiB capture body bomb fails with TOO_LARGE without allocating near 1 GiB", async () => {
    const bomb = multiMemberBomb(128);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    expect(
      await codeOf(() => decodeCaptureBody(bomb, { limits: { maxDecompressedBytes: 16 * 1024 * 1024 } })),
    ).toBe("TOO_LARGE");
    expect(
      await codeOf(() => readRecordingFile(bomb, { limits: { maxDecompressedBytes: 16 * 1024 * 1024 } })),
    ).toBe("TOO_LARGE");
    // Uncapped, this would hold 1 GiB; capped it stays within a small multiple of the 16 MiB cap.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * 1024 * 1024);
  });

  it("the default 64 MiB cap applies when no limit is given", async () => {
    expect(await codeOf(() => decodeCaptureBody(multiMemberBomb(9)))).toBe("TOO_LARGE");
  });

  it("a bundle entry that declares more than the cap is refused before inflating", async () => {
    const zip = zipSync({ "manifest.json": [new Uint8Array(4 * 1024 * 1024), { level: 9 }] });
    expect(
      await codeOf(() => readRecordingFile(zip, { limits: { maxDecompressedBytes: 1024 * 1024 } })),
    ).toBe("TOO_LARGE");
  });

  it("a bundle entry that lies about its size is truncated, then caught by its checksum", async () => {
    const bundle = await writeBundle(recording, { producer: "test" });
    const files = unzipSync(bundle);
    const windowPath = Object.keys(files).find((p) => p.startsWith("events/"))!;
    const huge = zipSync({
      ...Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: 0 }]])),
      [windowPath]: [new Uint8Array(32 * 1024 * 1024), { level: 9 }],
    } as never);
    // Rewrite the declared uncompressed size of every entry in the central directory to 10 bytes.
    const view = new DataView(huge.buffer, huge.byteOffset, huge.byteLength);
    for (let i = 0; i + 46 <= huge.length; i++) {
      if (view.getUint32(i, true) === 0x02014b50 && view.getUint16(i + 10, true) === 8)
        view.setUint32(i + 24, 10, true);
    }
    const code = await codeOf(() => readRecordingFile(huge));
    expect(["CHECKSUM_MISMATCH", "INVALID_BUNDLE"]).toContain(code);
  });
});

describe("bundles are verified", () => {
  it("a modified file fails its checksum, a missing one is named, a bad version is rejected", async () => {
    const bundle = await writeBundle(recording, { producer: "test" });
    const files = unzipSync(bundle);
    const eventsPath = Object.keys(files).find((p) => p.startsWith("events/"))!;
    const tampered = {
      ...files,
      [eventsPath]: gzipSync(
        strToU8(`${JSON.stringify({ type: 5, timestamp: 1, data: { tag: "injected", payload: {} } })}\n`),
      ),
    };
    expect(await codeOf(() => readRecordingFile(zipSync(tampered)))).toBe("CHECKSUM_MISMATCH");
    const { [eventsPath]: _gone, ...missing } = files;
    expect(await codeOf(() => readRecordingFile(zipSync(missing)))).toBe("INVALID_BUNDLE");
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"])) as Record<string, unknown>;
    const future = { ...files, "manifest.json": strToU8(JSON.stringify({ ...manifest, formatVersion: 99 })) };
    const error = await readRecordingFile(zipSync(future)).catch((e: unknown) => e as CodecError);
    expect(error).toMatchObject({ code: "UNKNOWN_VERSION" });
    expect((error as CodecError).message).toContain("99");
    expect(await codeOf(() => readRecordingFile(zipSync({ "other.txt": strToU8("hi") })))).toBe(
      "INVALID_BUNDLE",
    );
  });

  it("truncated bundles give INVALID_BUNDLE", async () => {
    const bundle = await writeBundle(recording, { producer: "test" });
    for (const cut of [10, 100, Math.floor(bundle.length / 2), bundle.length - 10]) {
      const code = await codeOf(() => readRecordingFile(bundle.subarray(0, cut)));
      expect(["INVALID_BUNDLE", "CHECKSUM_MISMATCH"], `cut ${cut}`).toContain(code);
    }
  });
});

describe("truncated, corrupt and wrongly typed files give typed errors", () => {
  it("truncated text formats", async () => {
    const exported = writePosthogExport(recording);
    for (const cut of [1, 50, Math.floor(exported.length / 3), exported.length - 2]) {
      expect(await codeOf(() => readRecordingFile(utf8(exported.slice(0, cut))))).toMatch(
        /INVALID_JSON|UNKNOWN_FORMAT/,
      );
    }
    const blob = writeBlobV2(recording);
    const error = await readRecordingFile(utf8(blob.slice(0, blob.length - 5))).catch(
      (e: unknown) => e as CodecError,
    );
    expect(error).toMatchObject({ code: "INVALID_JSON" });
    expect((error as CodecError).path).toMatch(/^line \d+$/);
    expect(await codeOf(() => readRecordingFile(gzipSync(utf8(blob)).subarray(0, 200)))).toBe("INVALID_GZIP");
  });

  it("wrong types name the event and field", async () => {
    const events = recording.windows[0]!.events.map((e) => ({ ...e }));
    (events[3] as Record<string, unknown>).timestamp = "yesterday";
    const error = await readRecordingFile(utf8(JSON.stringify(events))).catch(
      (e: unknown) => e as CodecError,
    );
    expect(error).toMatchObject({ code: "INVALID_EVENT", path: "events[3].timestamp" });
    expect(await codeOf(() => readRecordingFile(utf8(JSON.stringify([1, 2, 3]))))).toBe("INVALID_EVENT");
    expect(await codeOf(() => readRecordingFile(utf8("hello")))).toBe("UNKNOWN_FORMAT");
    expect(await codeOf(() => readRecordingFile(new Uint8Array()))).toBe("UNKNOWN_FORMAT");
    expect(() => sniffFormat(utf8("{}"))).toThrow(CodecError);
  });

  it("huge strings are refused by the size cap, not by running out of memory", async () => {
    const huge = JSON.stringify([
      { type: 5, timestamp: 1, data: { tag: "x", payload: "y".repeat(8 * 1024 * 1024) } },
    ]);
    expect(
      await codeOf(() => readRecordingFile(utf8(huge), { limits: { maxDecompressedBytes: 1024 * 1024 } })),
    ).toBe("TOO_LARGE");
    expect(
      await codeOf(() =>
        readRecordingFile(gzipSync(utf8(huge)), { limits: { maxDecompressedBytes: 1024 * 1024 } }),
      ),
    ).toBe("TOO_LARGE");
    expect(
      await codeOf(() =>
        decodeCaptureBody(gzipSync(utf8(huge)), { limits: { maxDecompressedBytes: 1024 * 1024 } }),
      ),
    ).toBe("TOO_LARGE");
  });

  it("absurdly deep nesting is refused before anything recurses over it", async () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    const event = (n: number) => `{"type":5,"timestamp":1,"data":{"tag":"x","payload":${deep(n)}}}`;
    expect(await codeOf(() => readRecordingFile(utf8(`[${event(100_000)}]`)))).toBe("TOO_LARGE");
    expect(await codeOf(() => readRecordingFile(utf8(`["w",${event(100_000)}]\n["w",${event(1)}]`)))).toBe(
      "TOO_LARGE",
    );
    const body = `[{"event":"$snapshot","properties":{"$session_id":"s","$snapshot_data":[${event(100_000)}]}}]`;
    expect(await codeOf(() => decodeCaptureBody(gzipSync(utf8(body))))).toBe("TOO_LARGE");
    // Depth that real DOM trees reach is fine.
    expect(await codeOf(() => readRecordingFile(utf8(`[${event(1000)}]`)))).toBe("ok");
  });

  it("maxEvents bounds files too", async () => {
    expect(
      await codeOf(() =>
        readRecordingFile(utf8(writeBlobV2(recording)), {
          limits: { maxDecompressedBytes: 1 << 26, maxEvents: 10 },
        }),
      ),
    ).toBe("TOO_LARGE");
  });
});

describe("fuzz: arbitrary and mutated input only ever throws CodecError", () => {
  const realBody = gzipSync(
    utf8(
      JSON.stringify([
        {
          event: "$snapshot",
          properties: {
            $session_id: "s",
            $window_id: "w",
            $snapshot_data: recording.windows[0]!.events.slice(0, 20),
          },
        },
      ]),
    ),
  );

  it("random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        for (const fn of [
          () => splitCaptureEvents(decodeCaptureBody(bytes).events),
          () => readRecordingFile(bytes),
        ]) {
          await codeOf(fn);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("bit flips and cuts in a real gzip body", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(realBody.length - 1), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(realBody.length),
        async (flips, cut) => {
          const mutated = realBody.slice(0, Math.max(1, cut));
          for (const [at, mask] of flips) if (at < mutated.length) mutated[at]! ^= mask;
          await codeOf(() => splitCaptureEvents(decodeCaptureBody(mutated).events));
          await codeOf(() => readRecordingFile(mutated));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("random JSON documents", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        const bytes = utf8(JSON.stringify(value) ?? "null");
        await codeOf(() => splitCaptureEvents(decodeCaptureBody(bytes).events));
        await codeOf(() => readRecordingFile(bytes));
      }),
      { numRuns: 300 },
    );
  });
});
