export { API_ROUTES, apiPath } from "./routes.js";
export type { ApiRoute, RouteParams } from "./routes.js";
export { API_HEADERS } from "./headers.js";
export { API_ERROR_CODES, parseApiError } from "./errors.js";
export type { ApiErrorBody, ApiErrorCode } from "./errors.js";
export { EXPORT_FORMATS, SCRUB_MODES } from "./formats.js";
export type { ExportFormat, ScrubMode } from "./formats.js";
export { RECORDING_SORT_FIELDS } from "./sort.js";
export type { RecordingSort, RecordingSortField } from "./sort.js";
export type {
  EventsQuery,
  ExportQuery,
  ImportQuery,
  ListRecordingsQuery,
  LogsQuery,
  RrwebIngestQuery,
} from "./query.js";
export { STREAM_EVENTS } from "./responses.js";
export type {
  AppLogLineJson,
  DeleteResponse,
  EventsPageResponse,
  FindingsResponse,
  HealthResponse,
  ImportResponse,
  LogsResponse,
  PosthogEventsResponse,
  RecordingAssetJson,
  RecordingAssetsResponse,
  RecordingListResponse,
  RecordingSummary,
  RrwebIngestResponse,
  StreamMessage,
  WindowEvent,
} from "./responses.js";
export { DIAGNOSTIC_SEVERITIES } from "./doctor.js";
export type {
  DiagnosticCode,
  DiagnosticFinding,
  DiagnosticSeverity,
  DoctorClient,
  DoctorClientInfo,
  DoctorReport,
} from "./doctor.js";
