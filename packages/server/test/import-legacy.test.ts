import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { SHARED_FIXTURES } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw, startServer, type RawResponse, type TestServer } from "./helpers.js";

// The two formats the codec learned last, through POST /api/import: PostHog's decompress=false
// blob_v2 download (length-prefixed raw Snappy) and 2021 chunked $snapshot_data. Good files import;
// broken ones get a 400 that says where they broke, and what was stored before stays as it was.

const JSONL = readFileSync(join(SHARED_FIXTURES, "public", "posthog__blob-v2-snapshot-block.jsonl"));

/** A raw Snappy block made of literals only: valid Snappy, built by hand (no encoder under test). */
function literalSnappy(data: Uint8Array): Buffer {
  const parts: number[] = [];
  for (let n = data.length; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      parts.push(n);
      break;
    }
    parts.push((n & 0x7f) | 0x80);
  }
  const out: Buffer[] = [Buffer.from(parts)];
  for (let at = 0; at < data.length; at += 65536) {
    const piece = data.subarray(at, Math.min(data.length, at + 65536));
    const len = piece.length - 1;
    if (len < 60) out.push(Buffer.from([len << 2]));
    else if (len < 256) out.push(Buffer.from([60 << 2, len]));
    else out.push(Buffer.from([61 << 2, len & 0xff, len >> 8]));
    out.push(Buffer.from(piece));
  }
  return Buffer.concat(out);
}

function lengthPrefixed(blocks: Buffer[]): Buffer {
  return Buffer.concat(
    blocks.flatMap((block) => {
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(block.length);
      return [prefix, block];
    }),
  );
}

/** PostHog's 2021 storage: the gzip of the events' JSON, base64, cut into pieces of one chunk_id. */
function chunkPieces(events: unknown[], pieces: number): Record<string, unknown>[] {
  const base64 = gzipSync(JSON.stringify(events)).toString("base64");
  const size = Math.ceil(base64.length / pieces);
  return Array.from({ length: pieces }, (_, i) => ({
    chunk_id: "chunk-2021-a",
    chunk_index: i,
    chunk_count: pieces,
    data: base64.slice(i * size, (i + 1) * size),
    compression: "gzip-base64",
    has_full_snapshot: true,
  }));
}

const lines = JSONL.toString("utf8").trimEnd().split("\n");
const half = Math.ceil(lines.length / 2);
const SNAPPY_FILE = lengthPrefixed([
  literalSnappy(Buffer.from(`${lines.slice(0, half).join("\n")}\n`)),
  literalSnappy(Buffer.from(lines.slice(half).join("\n"))),
]);

const LEGACY_EVENTS = [
  {
    type: 4,
    timestamp: 1_620_000_000_000,
    data: { href: "https://legacy.example/", width: 1024, height: 768 },
  },
  {
    type: 2,
    timestamp: 1_620_000_000_001,
    data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } },
  },
  { type: 3, timestamp: 1_620_000_002_000, data: { source: 2, type: 2, id: 1, x: 5, y: 5 } },
];
const legacyFile = (pieces: Record<string, unknown>[]) =>
  JSON.stringify({
    result: pieces.map((piece) => ({
      event: "$snapshot",
      properties: { $session_id: "legacy-2021-session", $window_id: "legacy-window", $snapshot_data: piece },
    })),
  });

let server: TestServer;
let snappyId: string;
let stored: Buffer;

function reason(res: RawResponse): string {
  return res.json<{ error: { code: string; message: string } }>().error.message;
}

beforeAll(async () => {
  server = await startServer();
  const res = await raw(server, "POST", "/api/import", { body: SNAPPY_FILE });
  expect(res.status, res.text).toBe(200);
  const imported = res.json<{ imported: string[] }>().imported;
  expect(imported).toHaveLength(1);
  snappyId = imported[0]!;
  stored = (await raw(server, "GET", `/api/recordings/${snappyId}/export?format=rrweb&scrub=false`)).body;
});

afterAll(async () => {
  await server.close();
});

describe("POST /api/import of PostHog's binary and 2021 formats", () => {
  it("imports a decompress=false blob_v2 download with every event of its JSONL", async () => {
    const events = JSON.parse(stored.toString("utf8")) as { timestamp: number }[];
    expect(events.map((e) => e.timestamp)).toEqual(
      lines
        .map((line) => (JSON.parse(line) as [string, { timestamp: number }])[1].timestamp)
        .sort((a, b) => a - b),
    );
    // The same blocks as JSONL (decompress=true) are the same recording, not a second one.
    const again = await raw(server, "POST", "/api/import", { body: JSONL });
    expect(again.json<{ imported: string[] }>().imported).toEqual([snappyId]);
  });

  it("imports chunked 2021 snapshots whatever order the pieces come in", async () => {
    const pieces = chunkPieces(LEGACY_EVENTS, 3);
    const res = await raw(server, "POST", "/api/import", {
      body: legacyFile([pieces[2]!, pieces[0]!, pieces[1]!]),
    });
    expect(res.status, res.text).toBe(200);
    const events = (
      await raw(server, "GET", "/api/recordings/legacy-2021-session/export?format=rrweb&scrub=false")
    ).json<unknown[]>();
    expect(events).toEqual(LEGACY_EVENTS);
  });

  it.each([
    ["a download cut inside a block", SNAPPY_FILE.subarray(0, SNAPPY_FILE.length - 7), /block 1 .*declares/],
    [
      "a block whose header declares far more than it holds",
      lengthPrefixed([Buffer.from([0xff, 0xff, 0xff, 0x7f, 0x00, 0x5b])]),
      /declares \d+ bytes but 2 bytes of Snappy can hold at most/,
    ],
    [
      "a copy reaching before the start of the block",
      lengthPrefixed([Buffer.from([0x20, 0x00, 0x7b, 0x3d, 0x10])]),
      /reaches \d+ bytes back/,
    ],
    [
      "a 2021 chunk set with a piece missing",
      Buffer.from(legacyFile(chunkPieces(LEGACY_EVENTS, 4).filter((p) => p.chunk_index !== 2))),
      /Chunk "chunk-2021-a" is incomplete: 3 of 4 pieces, missing chunk_index 2/,
    ],
  ])("refuses %s with a 400 that says where", async (_what, body, message) => {
    const res = await raw(server, "POST", "/api/import", { body });
    expect(res.status, res.text).toBe(400);
    expect(res.headers["content-type"]).toContain("application/json");
    expect(reason(res)).toMatch(message);
  });

  it("keeps what was stored before the bad files byte for byte", async () => {
    const after = await raw(server, "GET", `/api/recordings/${snappyId}/export?format=rrweb&scrub=false`);
    expect(after.body.equals(stored)).toBe(true);
    expect((await raw(server, "GET", "/health")).status).toBe(200);
  });
});
