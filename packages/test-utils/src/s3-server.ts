import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** s3rver's built-in account. s3rver 3.7 checks the key id but not SigV4 signatures themselves. */
const S3RVER_KEY = "S3RVER";

export interface TestS3Server {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The bucket created at start-up. */
  bucket: string;
  /** AWS_* variables pointing at this server, for a child process or `s3ConfigFromEnv()`. */
  env: Record<string, string>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A real S3 API server (s3rver in a child process, objects on disk in a temp dir) on a free loopback port,
 * with one bucket. `await using s3 = await startS3Server()`, or call `stop()`.
 * @see https://github.com/jamhall/s3rver
 */
export async function startS3Server(options: { bucket?: string } = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? "replay-devkit-test";
  const directory = mkdtempSync(join(tmpdir(), "replay-devkit-s3-"));
  // From dist/ the child sits beside us; test-utils' own tests run this file from src/, next to no .js.
  const fromSource = import.meta.url.endsWith(".ts");
  const script = fileURLToPath(
    new URL(fromSource ? "../dist/s3-server-child.js" : "./s3-server-child.js", import.meta.url),
  );
  const child = spawn(
    process.execPath,
    ["--openssl-legacy-provider", script, JSON.stringify({ directory, bucket })],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code) =>
        reject(new Error(`s3rver exited with code ${String(code)} before listening`)),
      );
      const lines = createInterface({ input: child.stdout });
      lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
    });
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const region = "us-east-1";
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill("SIGTERM");
    await exited;
    rmSync(directory, { recursive: true, force: true });
  };
  return {
    endpoint,
    region,
    accessKeyId: S3RVER_KEY,
    secretAccessKey: S3RVER_KEY,
    bucket,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: S3RVER_KEY,
      AWS_SECRET_ACCESS_KEY: S3RVER_KEY,
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
