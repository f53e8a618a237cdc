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
