export { createHandler } from "./handler.js";
export type { ExportWorkerOptions, HandlerOptions, ReplayDevkitHandler } from "./handler.js";
export type { ExportPoolStats } from "./export-pool.js";
export { listen } from "./listen.js";
export type { ListenOptions, Listening } from "./listen.js";
export { HttpError, HTTP_STATUS, isHttpError, toHttpError } from "./errors.js";
export type { HttpErrorCode } from "./errors.js";
export { DEFAULT_SERVER_LIMITS } from "./http.js";
export type { ServerLimits } from "./http.js";
export type { RecordingConfig, UrlTrigger } from "./remote-config.js";
export { ROUTES } from "./routes/index.js";
export type { Route, RouteContext, RouteHandler } from "./context.js";
export { DEFAULT_ALLOWED_ORIGINS } from "./access.js";
export { BOT_UA_MARKERS, botMarker, browserName } from "./user-agent.js";
export type {
  Diagnostic,
  DiagnosticCode,
  DiagnosticFinding,
  DiagnosticSeverity,
  DoctorClient,
  DoctorClientInfo,
  DoctorOptions,
  DoctorReport,
} from "./doctor.js";
export { importStream, DEFAULT_MAX_WHOLE_FILE_BYTES } from "./import-stream.js";
export type { ImportProgress, StreamImportOptions, StreamImportResult } from "./import-stream.js";
