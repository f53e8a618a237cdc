export { openStore, RECORDING_SORTS, RECORDING_SORT_FIELDS } from "./store.js";
export type {
  CaptureRequest,
  ChangeListener,
  CompactResult,
  ImportOptions,
  ImportResult,
  IngestResult,
  IterateOptions,
  RecordingFilter,
  RecordingSort,
  RecordingSortField,
  RecordingSummary,
  Store,
  StoreChange,
  StoreOptions,
  WindowEvent,
} from "./store.js";
export { StoreError, isStoreError } from "./errors.js";
export type { StoreErrorCode } from "./errors.js";
export { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";
export type { Migration } from "./schema.js";
export { DEFAULT_APP_LOG_LIMITS, MAX_APP_LOG_PAGE } from "./app-logs.js";
export type {
  AppendAppLogsResult,
  AppLogLimits,
  AppLogLine,
  AppLogPage,
  AppLogQuery,
  AppLogStream,
  StoredAppLogLine,
} from "./app-logs.js";
export { openRecordingStore } from "./open.js";
export type { BlockStore, OpenOptions, RecordingStore, StoreDescriptor } from "./seam.js";
export { openSqliteRecordingStore, SqliteRecordingStore, toRecordingStore } from "./sqlite-driver.js";
export { openPostgresStore } from "./postgres/store.js";
export { redactUrl as redactDatabaseUrl } from "./postgres/errors.js";
export type { PostgresStoreOptions } from "./postgres/store.js";
export { PG_SCHEMA_VERSION } from "./postgres/schema.js";
export { PgBlockStore, S3BlockStore, recordingPrefix } from "./block-stores.js";
export { ASSET_MISSING_REASONS, ASSET_STATUSES, MAX_ASSET_URL_CHARS, assetKey, sha256Hex } from "./assets.js";
export type {
  AssetMissingReason,
  AssetStatus,
  AssetStore,
  AssetSummary,
  PinnedAsset,
  RecordingAsset,
  StoredAsset,
} from "./assets.js";
