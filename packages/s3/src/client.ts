import { AwsClient } from "aws4fetch";

import { checkEndpoint, type S3Config } from "./config.js";
import { S3Error, type S3ErrorCode } from "./errors.js";
import { xmlElements, xmlText } from "./xml.js";

export interface S3ClientOptions {
  /** Per request, default 30 s. A hung endpoint becomes a NETWORK error instead of a hung server. */
  timeoutMs?: number;
  /** Retries for network errors and 5xx answers (S3's own advice), default 2. */
  retries?: number;
}

export interface S3Object {
  key: string;
  size: number;
  etag: string;
  lastModified?: string;
}

export interface S3Head {
  size: number;
  etag: string;
  contentType?: string;
}

/** Bytes `start` (inclusive) to `end` (exclusive), the way Uint8Array.subarray counts. */
export interface ByteRange {
  start: number;
  end: number;
}

/** ListObjectsV2 returns at most 1000 keys per page; we ask for that many unless told fewer. */
const LIST_PAGE = 1000;

/**
 * One bucket over the S3 REST API. Only what a block store needs: put, ranged get, head, list, delete.
 * Multipart upload is left out on purpose: blocks are a few MB at most, well under the 5 GB single-PUT limit.
 */
export class S3Client {
  readonly bucket: string;
  /** Where requests go, for messages. Never includes credentials. */
  readonly endpoint: string;
  readonly region: string;
  // Private fields are invisible to util.inspect and JSON.stringify, so a logged client shows no secret.
  readonly #aws: AwsClient;
  readonly #pathStyle: boolean;
  readonly #timeoutMs: number;
  readonly #retries: number;

  constructor(config: S3Config, bucket: string, options: S3ClientOptions = {}) {
    if (config.region.trim() === "")
      throw new S3Error("INVALID_CONFIG", "The S3 region is empty: set AWS_REGION.");
    this.bucket = bucket;
    this.region = config.region;
    this.#pathStyle = config.forcePathStyle ?? config.endpoint !== undefined;
    this.endpoint =
      config.endpoint === undefined
        ? this.#pathStyle
          ? `https://s3.${config.region}.amazonaws.com`
          : `https://${bucket}.s3.${config.region}.amazonaws.com`
        : checkEndpoint(config.endpoint);
    this.#aws = new AwsClient({
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      ...(config.sessionToken === undefined ? {} : { sessionToken: config.sessionToken }),
      service: "s3",
      region: config.region,
      // aws4fetch has its own retry loop; ours below also covers network errors and keeps one timeout.
      retries: 0,
    });
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 2;
  }

  async put(key: string, body: Uint8Array, options: { contentType?: string } = {}): Promise<void> {
    const headers: Record<string, string> = {
      "content-type": options.contentType ?? "application/octet-stream",
    };
    const response = await this.#request("PUT", key, { headers, body });
    await this.#expect(response, [200], "PUT", key);
    await response.body?.cancel();
  }

  /** The object's bytes, or only `range` of them. NOT_FOUND when the key is missing. */
  async get(key: string, options: { range?: ByteRange } = {}): Promise<Uint8Array> {
    const headers: Record<string, string> = {};
    const range = options.range;
    if (range !== undefined) {
      if (
        !Number.isSafeInteger(range.start) ||
        !Number.isSafeInteger(range.end) ||
        range.start < 0 ||
        range.end <= range.start
      ) {
        throw new S3Error(
          "INVALID_RANGE",
          `Invalid byte range ${range.start}-${range.end} for ${this.#where(key)}.`,
        );
      }
      headers.range = `bytes=${range.start}-${range.end - 1}`;
    }
    const response = await this.#request("GET", key, { headers });
    await this.#expect(response, range === undefined ? [200] : [200, 206], "GET", key);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (range === undefined) return bytes;
    // A server that ignores Range answers 200 with the whole object; cut it ourselves rather than fail.
    const part = response.status === 200 ? bytes.subarray(range.start, range.end) : bytes;
    if (part.byteLength !== range.end - range.start) {
      throw new S3Error(
        "INVALID_RANGE",
        `${this.#where(key)} returned ${part.byteLength} bytes for the range ${range.start}-${range.end}: the object is shorter.`,
      );
    }
    return part;
  }

  /** Size and etag, or undefined when the key does not exist. */
  async head(key: string): Promise<S3Head | undefined> {
    const response = await this.#request("HEAD", key, {});
    if (response.status === 404) return undefined;
    await this.#expect(response, [200], "HEAD", key);
    const contentType = response.headers.get("content-type");
    return {
      size: Number(response.headers.get("content-length") ?? "0"),
      etag: response.headers.get("etag") ?? "",
      ...(contentType === null ? {} : { contentType }),
    };
  }

  /** Every key under `prefix`, page by page (ListObjectsV2 with continuation tokens), in S3's key order. */
  async *list(prefix: string, options: { pageSize?: number } = {}): AsyncGenerator<S3Object> {
    const pageSize = Math.min(LIST_PAGE, Math.max(1, options.pageSize ?? LIST_PAGE));
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ "list-type": "2", prefix, "max-keys": String(pageSize) });
      if (token !== undefined) query.set("continuation-token", token);
      const response = await this.#request("GET", "", { query });
      await this.#expect(response, [200], "LIST", prefix);
      const xml = await response.text();
      if (!xml.includes("<ListBucketResult")) {
        throw new S3Error(
          "BAD_RESPONSE",
          `${this.#where(prefix)}: the list answer is not a ListBucketResult.`,
        );
      }
      for (const item of xmlElements(xml, "Contents")) {
        const key = xmlText(item, "Key");
        if (key === undefined) continue;
        const lastModified = xmlText(item, "LastModified");
        yield {
          key,
          size: Number(xmlText(item, "Size") ?? "0"),
          etag: xmlText(item, "ETag") ?? "",
          ...(lastModified === undefined ? {} : { lastModified }),
        };
      }
      token = xmlText(xml, "IsTruncated") === "true" ? xmlText(xml, "NextContinuationToken") : undefined;
    } while (token !== undefined);
  }

  /** Deletes `key`. Deleting a missing key succeeds, as in S3 itself. */
  async delete(key: string): Promise<void> {
    const response = await this.#request("DELETE", key, {});
    await this.#expect(response, [200, 204], "DELETE", key);
    await response.body?.cancel();
  }

  /** Fails with NO_SUCH_BUCKET / ACCESS_DENIED / NETWORK unless the bucket is there and readable. */
  async checkBucket(): Promise<void> {
    const response = await this.#request("HEAD", "", {});
    if (response.status === 404) throw this.#noSuchBucket(response.status);
    await this.#expect(response, [200], "HEAD", "");
  }

  #url(key: string, query?: URLSearchParams): string {
    // Encode each segment fully (RFC 3986), so the path on the wire is exactly the one aws4fetch signs.
    const path = key
      .split("/")
      .map((part) =>
        encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
      )
      .join("/");
    const base = this.#pathStyle ? `${this.endpoint}/${this.bucket}` : this.endpoint;
    const search = query === undefined ? "" : `?${query.toString()}`;
    return `${base}/${path}${search}`;
  }

  async #request(
    method: string,
    key: string,
    init: { headers?: Record<string, string>; body?: Uint8Array; query?: URLSearchParams },
  ): Promise<Response> {
    const url = this.#url(key, init.query);
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await this.#aws.fetch(url, {
          method,
          headers: init.headers ?? {},
          // fetch's BodyInit wants an ArrayBuffer-backed view; every Uint8Array we are given is one in practice.
          ...(init.body === undefined ? {} : { body: init.body as Uint8Array<ArrayBuffer> }),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        if (response.status >= 500 && attempt < this.#retries) {
          await response.body?.cancel();
          await sleep(100 * 2 ** attempt);
          continue;
        }
        return response;
      } catch (error) {
        if (attempt < this.#retries) {
          await sleep(100 * 2 ** attempt);
          continue;
        }
        throw new S3Error(
          "NETWORK",
          `Could not reach the S3 endpoint ${this.endpoint} for ${method} ${this.#where(key)}: ${networkReason(error)}. Check AWS_ENDPOINT_URL and that the store is running.`,
          { cause: error },
        );
      }
    }
  }

  async #expect(response: Response, ok: readonly number[], op: string, key: string): Promise<void> {
    if (ok.includes(response.status)) return;
    const body = op === "HEAD" ? "" : await response.text().catch(() => "");
    const s3Code = xmlText(body, "Code");
    const detail = xmlText(body, "Message");
    const status = response.status;
    const where = this.#where(key);
    const said =
      s3Code === undefined ? `HTTP ${status}` : `${s3Code}${detail === undefined ? "" : `: ${detail}`}`;
    if (s3Code === "NoSuchBucket") throw this.#noSuchBucket(status);
    let code: S3ErrorCode;
    let hint: string;
    if (s3Code === "NoSuchKey" || (status === 404 && s3Code === undefined)) {
      code = "NOT_FOUND";
      hint = "the object does not exist";
    } else if (
      status === 403 ||
      s3Code === "AccessDenied" ||
      s3Code === "SignatureDoesNotMatch" ||
      s3Code === "InvalidAccessKeyId"
    ) {
      code = "ACCESS_DENIED";
      hint = "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and the bucket's permissions";
    } else if (status === 416 || s3Code === "InvalidRange") {
      code = "INVALID_RANGE";
      hint = "the range is outside the object";
    } else {
      code = "BAD_RESPONSE";
      hint = "the endpoint did not answer as S3 does";
    }
    throw new S3Error(code, `${op} ${where} failed (${said}): ${hint}.`, { status });
  }

  #noSuchBucket(status: number): S3Error {
    return new S3Error(
      "NO_SUCH_BUCKET",
      `The bucket "${this.bucket}" does not exist at ${this.endpoint}. Create it first (replay-devkit never creates buckets), or fix the bucket name.`,
      { status },
    );
  }

  #where(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }
}

function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "timed out";
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
