import { openPostgresStore } from "./postgres/store.js";
import type { OpenOptions, RecordingStore, StoreDescriptor } from "./seam.js";
import { openSqliteRecordingStore } from "./sqlite-driver.js";

/**
 * Opens the store a descriptor names: `{ driver: "sqlite", path }`, `{ driver: "postgres", url }` or
 * `{ driver: "postgres", url, blobStore: "s3://BUCKET/PREFIX" }` (S3 endpoint and credentials from
 * the AWS_* environment). A store's `descriptor` opens the same storage again, in another process.
 */
export async function openRecordingStore(
  descriptor: StoreDescriptor,
  opts: OpenOptions = {},
): Promise<RecordingStore> {
  if (descriptor.driver === "sqlite") return openSqliteRecordingStore(descriptor.path, opts);
  return openPostgresStore({
    ...opts,
    url: descriptor.url,
    ...(descriptor.blobStore === undefined ? {} : { blobStore: descriptor.blobStore }),
  });
}
