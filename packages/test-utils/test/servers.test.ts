import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { postgresBinDir, startPostgres, startS3Server } from "../src/index.js";

describe("startPostgres", () => {
  it("starts a private cluster, hands out fresh databases, and removes everything on stop", async () => {
    const cluster = await startPostgres();
    const psql = (url: string, sql: string) =>
      execFileSync(join(postgresBinDir(), "psql"), [url, "-At", "-c", sql], { encoding: "utf8" }).trim();
    const a = await cluster.createDatabase();
    const b = await cluster.createDatabase();
    expect(a).not.toBe(b);
    psql(a, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)");
    expect(psql(a, "SELECT count(*) FROM t")).toBe("1");
    // A fresh database really is fresh.
    expect(psql(b, "SELECT count(*) FROM pg_tables WHERE tablename = 't'")).toBe("0");
    expect(psql(cluster.url(), "SHOW listen_addresses")).toBe("127.0.0.1");
    const dataDir = psql(cluster.url(), "SHOW data_directory");
    expect(dataDir).not.toMatch(/^\/var\/lib\/postgresql/);
    await cluster.stop();
    expect(existsSync(dataDir)).toBe(false);
    expect(() => psql(a, "SELECT 1")).toThrow();
  }, 60_000);
});

describe("startS3Server", () => {
  it("serves a bucket over the S3 API and stops", async () => {
    const s3 = await startS3Server({ bucket: "utils-test" });
    // Signed round trips are tested in packages/s3; here: the bucket exists and answers as S3 does.
    const bucket = await fetch(`${s3.endpoint}/utils-test?list-type=2`);
    expect(bucket.status).toBe(200);
    expect(await bucket.text()).toContain("<Name>utils-test</Name>");
    const missing = await fetch(`${s3.endpoint}/not-there?list-type=2`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("<Code>NoSuchBucket</Code>");
    await s3.stop();
    await expect(fetch(s3.endpoint)).rejects.toThrow();
  }, 30_000);
});
