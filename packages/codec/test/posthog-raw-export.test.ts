import { zipSync } from "fflate";
import {
  posthogRawExportZip as rawExportZip,
  standInRecording,
  type StandInRecording,
} from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import { CodecError, POSTHOG_RAW_EXPORT, readRecordingFile, sniffFormat } from "../src/index.js";

// PostHog's raw export zip as its export_recording workflow writes it
// (posthog/temporal/export_recording/activities.py): clickhouse/session-replay-events.json and
// clickhouse/events.json as ClickHouse FORMAT JSON, s3_prefix.txt, and data/<batch file> holding a
// block at its original offset (zeros before it) then 1,024 zeros; the metadata row's block_urls end
// in ?range=bytes=START-END. The blocks are raw Snappy of the shared capture's blob_v2 lines, `cv`
// events still packed.

const utf8 = (text: string) => new TextEncoder().encode(text);

function sortedWindows(rec: StandInRecording) {
  return new Map(
    [...rec.expected].map(([w, events]) => [
      w,
      events
        .map((e, i) => ({ e, i }))
        .sort((a, b) => (a.e.timestamp as number) - (b.e.timestamp as number) || a.i - b.i)
        .map((x) => x.e),
    ]),
  );
}

async function codecError(bytes: Uint8Array, limits = {}): Promise<CodecError> {
  try {
    await readRecordingFile(bytes, { limits });
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error("expected a CodecError");
}

/** Overwrites a file's uncompressed size in its local header and the central directory. */
function lieAboutSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const target = utf8(name);
  for (let at = 0; at + 46 < out.length; at++) {
    const sig = view.getUint32(at, true);
    const nameAt = sig === 0x04034b50 ? at + 30 : sig === 0x02014b50 ? at + 46 : -1;
    if (nameAt === -1) continue;
    const nameLength = view.getUint16(at + (sig === 0x04034b50 ? 26 : 28), true);
    if (nameLength !== target.length || !target.every((b, i) => out[nameAt + i] === b)) continue;
    view.setUint32(at + (sig === 0x04034b50 ? 22 : 24), size, true);
  }
  return out;
}

describe("PostHog's raw export zip", () => {
  const rec = standInRecording(["A", "B"], 20);

  it("reads every window's events exactly, cv unpacked, and the session's events without person columns", async () => {
    const { zip } = rawExportZip(rec);
    expect(sniffFormat(zip)).toBe("posthog-export");
    const read = await readRecordingFile(zip);
    expect(read.formatVersion).toBe(POSTHOG_RAW_EXPORT);
    const [recording] = read.recordings;
    expect(recording!.sessionId).toBe(rec.sessionId);
    expect(recording!.distinctId).toBe(rec.distinctId);
    expect(new Map(recording!.windows.map((w) => [w.windowId, w.events]))).toEqual(sortedWindows(rec));
    expect(recording!.posthogEvents.map((e) => e.uuid)).toEqual(rec.events.map((e) => e.uuid));
    expect(JSON.stringify(recording!.posthogEvents)).not.toContain("someone@example.com");
    expect(recording!.posthogEvents[0]!.timestamp).toBe(new Date(rec.events[0]!.timestamp).toISOString());
  });

  it("finds the blocks by their padding when the row lists no block URLs", async () => {
    const read = await readRecordingFile(rawExportZip(rec, { blockUrls: false }).zip);
    expect(new Map(read.recordings[0]!.windows.map((w) => [w.windowId, w.events]))).toEqual(
      sortedWindows(rec),
    );
  });

  it("refuses hostile and broken zips with a code", async () => {
    const { zip, files } = rawExportZip(rec);
    expect((await codecError(zip.subarray(0, Math.floor(zip.length / 2)))).code).toBe("INVALID_BUNDLE");
    // A zip bomb: an entry declaring more than the limit is refused before anything is inflated.
    const bomb = lieAboutSize(zip, "clickhouse/events.json", 3_000_000_000);
    expect((await codecError(bomb, { maxDecompressedBytes: 64 << 20 })).code).toBe("TOO_LARGE");
    // A size that lies low truncates the entry; the reader notices, never returns half a recording.
    const first = Object.keys(files).find((f) => f.startsWith("data/"))!;
    expect((await codecError(lieAboutSize(zip, first, 1100))).code).toMatch(
      /^(INVALID_BUNDLE|INVALID_EVENT|INVALID_SNAPPY)$/,
    );
    const zeroed = { ...files, [first]: new Uint8Array(files[first]!.length) };
    expect((await codecError(zipSync(zeroed))).message).toMatch(/only zeros: the export lost it/);
    const corrupt = files[first]!.slice();
    corrupt.fill(0xff, 1000, 1040);
    expect((await codecError(zipSync({ ...files, [first]: corrupt }))).code).toBe("INVALID_SNAPPY");
    const missing = { ...files };
    delete missing[first];
    expect((await codecError(zipSync(missing))).message).toMatch(/which the zip does not contain/);
  });
});
