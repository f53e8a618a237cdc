import type { PosthogClient } from "./client.js";
import { PosthogApiError } from "./errors.js";
import { sleep } from "./retry.js";

/** One entry of the snapshots API's source list (`SessionRecordingSnapshotsSourceSerializer`). */
export interface SnapshotSource {
  source: string;
  start_timestamp?: string | null;
  end_timestamp?: string | null;
  blob_key: string | null;
}

/**
 * Blocks per request. PostHog rejects a blob_v2 range whose `end_blob_key − start_blob_key` is over
 * 20 for a personal API key (100 otherwise); asking for 20 blocks (end − start = 19) stays inside it.
 */
export const MAX_BLOCKS_PER_REQUEST = 20;

/** `decompress=false` (length-prefixed raw Snappy, the default: smaller) or `true` (JSONL). */
export type BlockEncoding = "snappy" | "jsonl";

export interface FetchedBody {
  encoding: BlockEncoding;
  /** Length-prefixed Snappy blocks (concatenable as they are) or one JSONL text. */
  bytes: Buffer;
}

export interface BlockProgress {
  /** Blocks received so far, and how many the recording has. */
  done: number;
  total: number;
  bytes: number;
}

function snapshotsPath(sessionId: string): string {
  return `session_recordings/${encodeURIComponent(sessionId)}/snapshots`;
}

/** Step 1 of the snapshots API: the recording's sources (blob_v2 blocks, or one blob_v2_lts file). */
export async function listSources(client: PosthogClient, sessionId: string): Promise<SnapshotSource[]> {
  const body = await client.json({
    method: "GET",
    path: snapshotsPath(sessionId),
    accept: "application/json",
  });
  const sources = (body as { sources?: unknown } | null)?.sources;
  if (!Array.isArray(sources)) {
    throw new PosthogApiError("INVALID_RESPONSE", "the snapshots API answered without a sources list");
  }
  return sources.map((s, i) => {
    const item = s as Partial<SnapshotSource> | null;
    if (!item || typeof item.source !== "string") {
      throw new PosthogApiError("INVALID_RESPONSE", `snapshot source ${i} has no source name`);
    }
    return {
      source: item.source,
      blob_key: typeof item.blob_key === "string" ? item.blob_key : null,
      start_timestamp: item.start_timestamp ?? null,
      end_timestamp: item.end_timestamp ?? null,
    };
  });
}

/**
 * Splits a length-prefixed Snappy body into whole blocks: each is a 4-byte big-endian length then
 * that many bytes. Returns the whole blocks and where the first incomplete one starts.
 */
export function wholeBlocks(bytes: Buffer): { blocks: number; end: number } {
  let at = 0;
  let blocks = 0;
  while (at + 4 <= bytes.length) {
    const size = bytes.readUInt32BE(at);
    if (at + 4 + size > bytes.length) break;
    at += 4 + size;
    blocks++;
  }
  return { blocks, end: at };
}

/**
 * Step 2 for blob_v2: every block, at most {@link MAX_BLOCKS_PER_REQUEST} per request. With Snappy a
 * connection that drops mid-body keeps the whole blocks it delivered and the retry asks from the
 * next block on; JSONL lines cannot be mapped to blocks, so a dropped JSONL range is asked again.
 * A complete answer with fewer blocks than asked (PostHog skips blocks it failed to read) is
 * retried as a server error, so a pull never stores a recording with holes.
 */
export async function fetchBlobV2(
  client: PosthogClient,
  sessionId: string,
  blockCount: number,
  encoding: BlockEncoding,
  onProgress?: (progress: BlockProgress) => void,
): Promise<FetchedBody> {
  const parts: Buffer[] = [];
  let bytes = 0;
  let next = 0;
  while (next < blockCount) {
    const start = next;
    const end = Math.min(blockCount, start + MAX_BLOCKS_PER_REQUEST) - 1;
    let from = start;
    let short = 0;
    for (;;) {
      const res = await client.request(
        () => ({
          method: "GET",
          path: snapshotsPath(sessionId),
          query: new URLSearchParams({
            source: "blob_v2",
            start_blob_key: String(from),
            end_blob_key: String(end),
            decompress: encoding === "jsonl" ? "true" : "false",
          }),
          accept: encoding === "jsonl" ? "application/jsonl" : "application/octet-stream",
        }),
        encoding === "snappy"
          ? (partial) => {
              const whole = wholeBlocks(partial);
              if (whole.blocks === 0) return;
              parts.push(partial.subarray(0, whole.end));
              bytes += whole.end;
              from += whole.blocks;
              onProgress?.({ done: from, total: blockCount, bytes });
            }
          : undefined,
      );
      if (encoding === "jsonl") {
        parts.push(res.body);
        bytes += res.body.length;
        break;
      }
      const whole = wholeBlocks(res.body);
      if (whole.end !== res.body.length) {
        throw new PosthogApiError("INVALID_RESPONSE", `blocks ${from}–${end}: the body ends inside a block`);
      }
      if (whole.blocks !== end - from + 1) {
        short++;
        if (short > 3) {
          throw new PosthogApiError(
            "UNAVAILABLE",
            `PostHog returned ${whole.blocks} of blocks ${from}–${end} again and again (it could not read the rest)`,
          );
        }
        await sleep(250 * short);
        continue;
      }
      parts.push(res.body);
      bytes += res.body.length;
      break;
    }
    next = end + 1;
    onProgress?.({ done: next, total: blockCount, bytes });
  }
  return { encoding, bytes: encoding === "jsonl" ? joinJsonl(parts) : Buffer.concat(parts) };
}

/** The blob_v2_lts source: the whole recording in one file, asked for as JSONL. */
export async function fetchBlobV2Lts(
  client: PosthogClient,
  sessionId: string,
  blobKey: string,
): Promise<FetchedBody> {
  // decompress=false would hand back the stored file as it is, which is not the length-prefixed
  // framing of blob_v2 ranges, so JSONL is the one shape both sides agree on.
  const res = await client.request(() => ({
    method: "GET",
    path: snapshotsPath(sessionId),
    query: new URLSearchParams({ source: "blob_v2_lts", blob_key: blobKey, decompress: "true" }),
    accept: "application/jsonl",
  }));
  return { encoding: "jsonl", bytes: res.body };
}

/** JSONL bodies end without a newline (PostHog trims it): join them with one. */
function joinJsonl(parts: Buffer[]): Buffer {
  const out: Buffer[] = [];
  for (const part of parts) {
    if (part.length === 0) continue;
    if (out.length > 0) out.push(Buffer.from("\n"));
    out.push(part);
  }
  return Buffer.concat(out);
}
