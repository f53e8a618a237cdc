import type { S3Client } from "@replay-devkit/s3";
import { checkRelativePath, type ExportTarget } from "./target.js";

/**
 * An S3 target (`s3://BUCKET/PREFIX`), configured from AWS_ENDPOINT_URL, AWS_REGION,
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (path-style addressing when an endpoint is set). A
 * PUT is atomic, so a killed run leaves no partial objects and there are no leftovers to remove.
 */
class S3Target implements ExportTarget {
  readonly label: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {
    this.label = `s3://${bucket}${prefix ? `/${prefix}` : ""}`;
  }

  async removeLeftovers(): Promise<number> {
    return 0;
  }

  async read(path: string): Promise<Uint8Array | null> {
    const { isS3Error } = await import("@replay-devkit/s3");
    try {
      return await this.client.get(this.key(path));
    } catch (error) {
      if (isS3Error(error) && error.code === "NOT_FOUND") return null;
      throw error;
    }
  }

  async write(path: string, bytes: Uint8Array | string): Promise<void> {
    const body = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    await this.client.put(this.key(path), body, {
      contentType: path.endsWith(".jsonl")
        ? "application/x-ndjson"
        : path.endsWith(".zip")
          ? "application/zip"
          : "application/json",
    });
  }

  async list(): Promise<string[]> {
    const out: string[] = [];
    const base = this.prefix ? `${this.prefix}/` : "";
    for await (const { key } of this.client.list(base)) out.push(key.slice(base.length));
    return out.sort();
  }

  private key(path: string): string {
    return this.prefix ? `${this.prefix}/${checkRelativePath(path)}` : checkRelativePath(path);
  }
}

export async function s3Target(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ExportTarget> {
  const s3 = await import("@replay-devkit/s3");
  const { bucket, prefix } = s3.parseS3Url(url);
  const client = new s3.S3Client(s3.s3ConfigFromEnv(env), bucket);
  await client.checkBucket();
  return new S3Target(client, bucket, prefix);
}
