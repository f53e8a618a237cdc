import { gzipSync } from "fflate";
import * as snappyjs from "snappyjs";

/** Python's `str.encode("utf-16")` on x86: a little-endian BOM, then little-endian code units. */
export function utf16WithBom(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 + i * 2] = unit & 0xff;
    out[3 + i * 2] = unit >> 8;
  }
  return out;
}

export interface ChunkOptions {
  /** How many pieces to cut the base64 text into (the last may be shorter). */
  pieces: number;
  chunkId?: string;
  /** Encode the JSON as UTF-8 instead of PostHog's UTF-16. */
  utf8?: boolean;
  hasFullSnapshot?: boolean;
}

/** Chunk pieces as PostHog's 2021 server stored a list of snapshots: gzip, base64, text cut in slices. */
export function chunkPieces(events: unknown[], opts: ChunkOptions): Record<string, unknown>[] {
  const json = JSON.stringify(events);
  const encoded = opts.utf8 ? new TextEncoder().encode(json) : utf16WithBom(json);
  const base64 = Buffer.from(gzipSync(encoded)).toString("base64");
  const size = Math.ceil(base64.length / opts.pieces);
  const pieces: Record<string, unknown>[] = [];
  for (let i = 0; i * size < base64.length; i++) {
    pieces.push({
      chunk_id: opts.chunkId ?? "0178a3ab-d163-0000-4b55-ceadcafe0001",
      chunk_index: i,
      chunk_count: Math.ceil(base64.length / size),
      data: base64.slice(i * size, (i + 1) * size),
      compression: "gzip-base64",
      has_full_snapshot: opts.hasFullSnapshot ?? true,
    });
  }
  return pieces;
}

/** `[4-byte big-endian length][raw Snappy block]` records, PostHog's `decompress=false` download. */
export function lengthPrefixedSnappy(blocks: Uint8Array[]): Uint8Array {
  const compressed = blocks.map((b) => snappyjs.compress(b));
  const out = new Uint8Array(compressed.reduce((n, b) => n + 4 + b.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const block of compressed) {
    view.setUint32(at, block.length);
    out.set(block, at + 4);
    at += 4 + block.length;
  }
  return out;
}

/** Splits JSONL into blocks of whole lines (each keeps its newline), as PostHog's session blocks are. */
export function jsonlBlocks(jsonl: string, linesPerBlock: number): Uint8Array[] {
  const lines = jsonl.split("\n").filter((l) => l !== "");
  const blocks: Uint8Array[] = [];
  for (let i = 0; i < lines.length; i += linesPerBlock) {
    blocks.push(new TextEncoder().encode(`${lines.slice(i, i + linesPerBlock).join("\n")}\n`));
  }
  return blocks;
}
