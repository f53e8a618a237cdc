import { join } from "node:path";
import { inject } from "vitest";
import {
  createDatabase,
  startS3Server,
  tempDir,
  type PostgresAddress,
  type TestS3Server,
} from "@replay-devkit/test-utils";
import {
  openRecordingStore,
  type OpenOptions,
  type RecordingStore,
  type StoreDescriptor,
} from "../../src/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresAddress;
  }
}

/** One storage set-up the contract runs against: a fresh, empty store per test. */
export interface Driver {
  name: string;
  /** Fresh storage (a new file, database or bucket prefix); returns its descriptor. */
  fresh(): Promise<StoreDescriptor>;
  open(descriptor: StoreDescriptor, opts?: OpenOptions): Promise<RecordingStore>;
  /** The S3 server, for drivers with a bucket. */
  s3?: () => TestS3Server;
  cleanup(): Promise<void>;
}

let counter = 0;

export function sqliteDriver(): Driver {
  const dir = tempDir("store-contract-");
  return {
    name: "sqlite",
    fresh: async () => ({ driver: "sqlite", path: join(dir.path, `r${++counter}.db`) }),
    open: (descriptor, opts) => openRecordingStore(descriptor, { pollIntervalMs: 50, ...opts }),
    cleanup: async () => dir.cleanup(),
  };
}

export function postgresDriver(): Driver {
  return {
    name: "postgres",
    fresh: async () => ({ driver: "postgres", url: await createDatabase(inject("postgres")) }),
    open: (descriptor, opts) => openRecordingStore(descriptor, opts),
    cleanup: async () => undefined,
  };
}

export function postgresS3Driver(): Driver {
  let server: TestS3Server | null = null;
  const s3 = () => {
    if (!server) throw new Error("the S3 server is not started yet");
    return server;
  };
  return {
    name: "postgres+s3",
    fresh: async () => {
      server ??= await startS3Server({ bucket: "contract" });
      return {
        driver: "postgres",
        url: await createDatabase(inject("postgres")),
        blobStore: `s3://contract/run-${process.pid}-${++counter}`,
      };
    },
    open: (descriptor, opts) => openRecordingStore(descriptor, { env: s3().env, ...opts }),
    s3,
    cleanup: async () => {
      await server?.stop();
      server = null;
    },
  };
}

export const DRIVERS: readonly (() => Driver)[] = [sqliteDriver, postgresDriver, postgresS3Driver];
