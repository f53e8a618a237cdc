export { PosthogApiError, isPosthogApiError, redactSecret, type PosthogApiErrorCode } from "./errors.js";
export {
  parseRecordingUrl,
  parseHostUrl,
  isRecordingUrl,
  checkSessionId,
  checkProjectId,
  type RecordingLocation,
} from "./url.js";
export {
  PosthogClient,
  type ClientOptions,
  type WaitNotice,
  type ApiPrefix,
  type RequestSpec,
} from "./client.js";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
export {
  listSources,
  fetchBlobV2,
  fetchBlobV2Lts,
  wholeBlocks,
  MAX_BLOCKS_PER_REQUEST,
  type SnapshotSource,
  type BlockEncoding,
  type BlockProgress,
  type FetchedBody,
} from "./snapshots.js";
export {
  getRecording,
  listRecordings,
  listQuery,
  type PosthogRecording,
  type ListFilter,
} from "./recordings.js";
export { fetchSessionEvents, eventsQuery, MAX_SESSION_EVENTS, type EventsResult } from "./events.js";
export { pullRecording, type PullOptions, type PullStep, type PulledRecording } from "./pull.js";
