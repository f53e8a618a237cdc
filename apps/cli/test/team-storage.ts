// The storage a set of `serve` processes shares in the team-server tests: one SQLite data
// directory, or a fresh PostgreSQL database (from the run's private cluster) with event blocks in a
// real S3 API server's bucket.
import { join } from "node:path";
import { inject } from "vitest";
import {
  createDatabase,
  startS3Server,
  type PostgresAddress,
  type TestS3Server,
} from "@replay-devkit/test-utils";

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresAddress;
  }
}

export interface TeamStorage {
  name: string;
  /** serve's arguments naming the store. */
  args: string[];
  /** serve's environment (S3 endpoint and keys). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export type StorageKind = "sqlite" | "postgres+s3";

export async function teamStorage(kind: StorageKind, dir: string): Promise<TeamStorage> {
  if (kind === "sqlite") {
    return { name: kind, args: ["--data", join(dir, "shared")], env: {}, close: async () => {} };
  }
  const url = await createDatabase(inject("postgres"));
  const s3: TestS3Server = await startS3Server();
  return {
    name: kind,
    args: ["--database-url", url, "--blob-store", `s3://${s3.bucket}/team`],
    env: s3.env,
    close: () => s3.stop(),
  };
}
