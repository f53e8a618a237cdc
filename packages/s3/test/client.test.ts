import { startS3Server, type TestS3Server } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { parseS3Url, S3Client, s3ConfigFromEnv, S3Error, type S3Config } from "../src/index.js";

let server: TestS3Server;
let config: S3Config;

beforeAll(async () => {
  server = await startS3Server();
  config = s3ConfigFromEnv(server.env);
});
afterAll(async () => {
  await server.stop();
});

async function caught(promise: Promise<unknown>): Promise<S3Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error("expected an S3Error");
}

describe("S3Client against s3rver", () => {
  it("puts, heads, gets whole and by range, and deletes", async () => {
    const s3 = new S3Client(config, server.bucket);
    const bytes = new TextEncoder().encode("0123456789abcdef");
    await s3.put("rec/one.block", bytes, { contentType: "application/x-ndjson" });
    const head = await s3.head("rec/one.block");
    expect(head?.size).toBe(16);
    expect(head?.contentType).toBe("application/x-ndjson");
    expect(new TextDecoder().decode(await s3.get("rec/one.block"))).toBe("0123456789abcdef");
    expect(new TextDecoder().decode(await s3.get("rec/one.block", { range: { start: 3, end: 7 } }))).toBe(
      "3456",
    );
    expect(new TextDecoder().decode(await s3.get("rec/one.block", { range: { start: 15, end: 16 } }))).toBe(
      "f",
    );
    await s3.delete("rec/one.block");
    expect(await s3.head("rec/one.block")).toBeUndefined();
    expect((await caught(s3.get("rec/one.block"))).code).toBe("NOT_FOUND");
    // Deleting what is gone is not an error, as in S3.
    await s3.delete("rec/one.block");
  });

  it("rejects a range past the end or an empty one", async () => {
    const s3 = new S3Client(config, server.bucket);
    await s3.put("short", new Uint8Array([1, 2, 3]));
    expect((await caught(s3.get("short", { range: { start: 1, end: 10 } }))).code).toBe("INVALID_RANGE");
    expect((await caught(s3.get("short", { range: { start: 2, end: 2 } }))).code).toBe("INVALID_RANGE");
  });

  it("lists every key under a prefix across pages", async () => {
    const s3 = new S3Client(config, server.bucket);
    const keys = Array.from({ length: 8 }, (_, i) => `paged/k${i}`);
    await Promise.all(keys.map((key, i) => s3.put(key, new Uint8Array(i + 1))));
    await s3.put("other/x", new Uint8Array([0]));
    const listed: { key: string; size: number }[] = [];
    // Pages of 3: the continuation token is followed twice.
    for await (const object of s3.list("paged/", { pageSize: 3 }))
      listed.push({ key: object.key, size: object.size });
    expect(listed).toEqual(keys.map((key, i) => ({ key, size: i + 1 })));
  });

  it("keeps keys with spaces, plus signs and unicode intact", async () => {
    const s3 = new S3Client(config, server.bucket);
    const key = "odd/a b+c(1)!é.txt";
    await s3.put(key, new TextEncoder().encode("x"));
    expect(new TextDecoder().decode(await s3.get(key))).toBe("x");
    const listed: string[] = [];
    for await (const object of s3.list("odd/")) listed.push(object.key);
    expect(listed).toEqual([key]);
  });

  it("says clearly that a bucket is missing", async () => {
    const s3 = new S3Client(config, "no-such-bucket-here");
    const error = await caught(s3.checkBucket());
    expect(error.code).toBe("NO_SUCH_BUCKET");
    expect(error.message).toContain('"no-such-bucket-here" does not exist');
    expect((await caught(s3.put("k", new Uint8Array([1])))).code).toBe("NO_SUCH_BUCKET");
    await new S3Client(config, server.bucket).checkBucket();
  });

  it("reports refused credentials as ACCESS_DENIED without printing the secret", async () => {
    // s3rver 3.7 checks the access key id but not the SigV4 signature, so an unknown key id is the refusal
    // it can give; the secret must stay out of the message and out of the client's printable state.
    const secret = "wrong-secret-value-1234";
    const s3 = new S3Client({ ...config, accessKeyId: "UNKNOWN", secretAccessKey: secret }, server.bucket);
    const error = await caught(s3.put("k", new Uint8Array([1])));
    expect(error.code).toBe("ACCESS_DENIED");
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(s3)).not.toContain(secret);
    const { inspect } = await import("node:util");
    expect(inspect(s3, { depth: 5 })).not.toContain(secret);
  });

  it("reports an unreachable endpoint as NETWORK", async () => {
    const s3 = new S3Client({ ...config, endpoint: "http://127.0.0.1:1" }, server.bucket, { retries: 0 });
    const error = await caught(s3.head("k"));
    expect(error.code).toBe("NETWORK");
    expect(error.message).toContain("http://127.0.0.1:1");
  });
});

describe("configuration", () => {
  it("reads the standard AWS variables, S3-specific endpoint first", () => {
    const cfg = s3ConfigFromEnv({
      AWS_ENDPOINT_URL: "http://general:1",
      AWS_ENDPOINT_URL_S3: "http://s3-only:2/",
      AWS_ACCESS_KEY_ID: "id",
      AWS_SECRET_ACCESS_KEY: "secret",
    });
    expect(cfg).toEqual({
      endpoint: "http://s3-only:2",
      region: "us-east-1",
      accessKeyId: "id",
      secretAccessKey: "secret",
    });
    expect(new S3Client(cfg, "b").endpoint).toBe("http://s3-only:2");
    expect(new S3Client({ region: "eu-west-1", accessKeyId: "a", secretAccessKey: "s" }, "b").endpoint).toBe(
      "https://b.s3.eu-west-1.amazonaws.com",
    );
  });

  it("refuses missing credentials and credentials in the endpoint", () => {
    expect(() => s3ConfigFromEnv({})).toThrow(/AWS_ACCESS_KEY_ID/);
    expect(() =>
      s3ConfigFromEnv({
        AWS_ENDPOINT_URL: "http://u:p@h",
        AWS_ACCESS_KEY_ID: "a",
        AWS_SECRET_ACCESS_KEY: "s",
      }),
    ).toThrow(/must not carry credentials/);
  });

  it("parses s3:// URLs", () => {
    expect(parseS3Url("s3://my-bucket")).toEqual({ bucket: "my-bucket", prefix: "" });
    expect(parseS3Url("s3://my-bucket/team/replays/")).toEqual({
      bucket: "my-bucket",
      prefix: "team/replays",
    });
    for (const bad of ["http://b/p", "s3://", "s3://UPPER/x", "s3://b", "s3://bucket/../x"]) {
      expect(() => parseS3Url(bad), bad).toThrow(S3Error);
    }
  });
});
