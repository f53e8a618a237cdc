import { S3Error } from "./errors.js";

/** Where and as whom to talk S3. Built by `s3ConfigFromEnv()` or by hand. */
export interface S3Config {
  /** A non-AWS endpoint (`http://127.0.0.1:9000`, an R2 account URL, ...). Unset means AWS S3 itself. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /**
   * Address buckets as `ENDPOINT/BUCKET/KEY` instead of `BUCKET.ENDPOINT/KEY`. Defaults to true when an
   * endpoint is set: SeaweedFS, Garage, s3rver and most self-hosted stores have no wildcard DNS for buckets.
   */
  forcePathStyle?: boolean;
}

/** A bucket and a key prefix, from `s3://BUCKET/PREFIX`. The prefix has no leading or trailing slash. */
export interface S3Location {
  bucket: string;
  prefix: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The standard AWS variables: AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL), AWS_REGION (or AWS_DEFAULT_REGION,
 * default us-east-1), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
 */
export function s3ConfigFromEnv(env: Env = process.env): S3Config {
  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new S3Error(
      "INVALID_CONFIG",
      "S3 credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_ENDPOINT_URL for a non-AWS store).",
    );
  }
  const config: S3Config = {
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? "us-east-1",
    accessKeyId,
    secretAccessKey,
  };
  if (endpoint !== undefined) config.endpoint = checkEndpoint(endpoint);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  if (sessionToken !== undefined) config.sessionToken = sessionToken;
  return config;
}

/** Parses `s3://BUCKET` or `s3://BUCKET/PREFIX/`, with a clear error for anything else. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/.exec(url.trim());
  if (!match) {
    throw new S3Error(
      "INVALID_CONFIG",
      `"${url}" is not an s3:// URL: write s3://BUCKET or s3://BUCKET/PREFIX.`,
    );
  }
  const bucket = match[1] ?? "";
  // The rules S3 itself applies to new bucket names: 3-63 of a-z 0-9 . -, starting and ending alphanumeric.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new S3Error(
      "INVALID_CONFIG",
      `"${bucket}" is not a valid bucket name: 3-63 lower-case letters, digits, dots and hyphens.`,
    );
  }
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((part) => part === "." || part === "..")) {
    throw new S3Error("INVALID_CONFIG", `The prefix in "${url}" may not contain "." or ".." segments.`);
  }
  return { bucket, prefix };
}

export function checkEndpoint(endpoint: string): string {
  let parsed: URL;
  try {
    parsed = new URL(endpoint);
  } catch (error) {
    throw new S3Error("INVALID_CONFIG", `The S3 endpoint "${endpoint}" is not a URL.`, { cause: error });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new S3Error("INVALID_CONFIG", `The S3 endpoint "${endpoint}" must start with http:// or https://.`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new S3Error(
      "INVALID_CONFIG",
      "The S3 endpoint URL must not carry credentials: use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    );
  }
  return parsed.origin + parsed.pathname.replace(/\/+$/, "");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
