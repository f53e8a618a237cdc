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
export type { CommitOptions, StagedImport, StagedImportResult } from "./staged-import.js";
