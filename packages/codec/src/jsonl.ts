import { Gunzip } from "fflate";
import { isGzip, tooLargeMessage, errorText } from "./bytes.js";
import { CodecError } from "./errors.js";
import { parseJson } from "./json.js";
import { resolveLimits, type Limits } from "./limits.js";

interface StreamingTextDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
const platform = globalThis as unknown as { TextDecoder: new (label?: string) => StreamingTextDecoder };

export interface JsonlValue {
  value: unknown;
  lineNumber: number;
}

/**
 * Incremental JSONL reader for large files (blob_v2, fixtures, bundle event files): push byte chunks
 * as they arrive, get back the parsed lines completed so far. gzip is detected from the first bytes
 * and inflated as it streams. Only one partial line is buffered; `limits.maxDecompressedBytes` caps
 * the total decoded size and therefore any single line.
 */
export class JsonlDecoder {
  private readonly limits: Limits;
  private readonly text = new platform.TextDecoder("utf-8");
  private gunzip: Gunzip | null = null;
  private sniffed = false;
  private head = new Uint8Array(0);
  private pending = "";
  private lineNumber = 0;
  private total = 0;
  private out: JsonlValue[] = [];
  // For the end-of-stream trailer check (fflate accepts a stream cut inside the trailer).
  private tail = new Uint8Array(0);
  private compressedTotal = 0;
  private memberStart = 0;

  constructor(opts: { limits?: Partial<Limits> } = {}) {
    this.limits = resolveLimits(opts.limits);
  }

  push(chunk: Uint8Array): JsonlValue[] {
    if (!this.sniffed) {
      // Two bytes decide gzip or not; hold tiny first chunks until they arrive.
      const joined = new Uint8Array(this.head.length + chunk.length);
      joined.set(this.head);
      joined.set(chunk, this.head.length);
      if (joined.length < 2) {
        this.head = joined;
        return [];
      }
      this.sniffed = true;
      this.head = new Uint8Array(0);
      if (isGzip(joined)) {
        this.gunzip = new Gunzip((data) => this.bytes(data, false));
        this.gunzip.onmember = () => {
          this.memberStart = this.total;
        };
      }
      chunk = joined;
    }
    if (this.gunzip) this.inflate(chunk, false);
    else this.bytes(chunk, false);
    return this.drain();
  }

  /** Flushes the last line; throws if the input ended inside a gzip stream. */
  end(): JsonlValue[] {
    if (!this.sniffed) {
      this.sniffed = true;
      this.bytes(this.head, false);
    }
    if (this.gunzip) {
      this.inflate(new Uint8Array(0), true);
      const t = this.tail;
      const isize =
        t.length === 4
          ? ((t[0] ?? 0) | ((t[1] ?? 0) << 8) | ((t[2] ?? 0) << 16) | ((t[3] ?? 0) << 24)) >>> 0
          : -1;
      if (this.compressedTotal < 18 || isize !== (this.total - this.memberStart) % 0x100000000) {
        throw new CodecError(
          "INVALID_GZIP",
          "Truncated gzip data: the trailer does not match the decompressed length",
        );
      }
    }
    this.bytes(new Uint8Array(0), true);
    return this.drain();
  }

  private inflate(chunk: Uint8Array, final: boolean): void {
    this.compressedTotal += chunk.length;
    if (chunk.length >= 4) this.tail = chunk.slice(chunk.length - 4);
    else if (chunk.length > 0) {
      const joined = new Uint8Array(this.tail.length + chunk.length);
      joined.set(this.tail);
      joined.set(chunk, this.tail.length);
      this.tail = joined.slice(Math.max(0, joined.length - 4));
    }
    try {
      // Same bounded slicing as gunzipCapped: at most (budget / 1032) input bytes per push.
      let offset = 0;
      do {
        const size = Math.min(
          256 * 1024,
          Math.max(256, Math.floor((this.limits.maxDecompressedBytes - this.total) / 1032)),
        );
        const end = Math.min(chunk.length, offset + size);
        (this.gunzip as Gunzip).push(chunk.subarray(offset, end), final && end === chunk.length);
        offset = end;
      } while (offset < chunk.length);
    } catch (error) {
      if (error instanceof CodecError) throw error;
      throw new CodecError("INVALID_GZIP", `Corrupt or truncated gzip data: ${errorText(error)}`, {
        cause: error,
      });
    }
  }

  private bytes(data: Uint8Array, final: boolean): void {
    this.total += data.length;
    if (this.total > this.limits.maxDecompressedBytes)
      throw new CodecError("TOO_LARGE", tooLargeMessage(this.limits.maxDecompressedBytes));
    let text = this.pending + this.text.decode(data, { stream: !final });
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    text = text.slice(start);
    if (final) {
      this.line(text);
      text = "";
    }
    this.pending = text;
  }

  private line(raw: string): void {
    this.lineNumber++;
    const line = this.lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1).trim() : raw.trim();
    if (line === "") return;
    if (this.limits.maxEvents !== undefined && this.out.length >= this.limits.maxEvents) {
      throw new CodecError("TOO_LARGE", `More than the limit of ${this.limits.maxEvents} lines`);
    }
    this.out.push({
      value: parseJson(line, `Line ${this.lineNumber}`, `line ${this.lineNumber}`),
      lineNumber: this.lineNumber,
    });
  }

  private drain(): JsonlValue[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}
