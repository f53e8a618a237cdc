export { openStore } from "./store.js";
export type {
  CaptureRequest,
  ChangeListener,
  CompactResult,
  ImportResult,
  IngestResult,
  IterateOptions,
  RecordingFilter,
  RecordingSort,
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
