export { TestingError, isTestingError, type TestingErrorCode } from "./errors.js";
export { formatOffset } from "./time.js";
export {
  loadRecording,
  fromRecording,
  LoadedRecording,
  type LoadOptions,
  type Moment,
  type Marker,
  type LocatedEvent,
} from "./load.js";
export { rebuildDom, findClick, type RebuildOptions, type RebuiltDom } from "./dom.js";
export { pinnedAssets, withPinnedAssets, type PinnedAssetMap } from "./assets.js";
export { stableSelector, isVolatileClass, isVolatileId } from "./selectors.js";
export { domDigest, type DigestEntry } from "./digest.js";
export {
  normalizeText,
  normalizeDigest,
  diffDigests,
  isMasked,
  type NormalizeOptions,
  type NormalEntry,
  type DomDifference,
} from "./normalize.js";
export {
  RecordedRoutes,
  VOLATILE_PARAMS,
  type NetworkSource,
  type MatchStrategy,
  type RouteOptions,
  type RecordedResponse,
} from "./match.js";
export { handlersFromRecording, type HandlersOptions, type RecordingHandlers } from "./msw.js";
export {
  redrive,
  type RedriveOptions,
  type RedriveAction,
  type Checkpoint,
  type DivergenceReport,
} from "./redrive.js";
export type {
  Recording,
  NetworkEntry,
  ConsoleEntry,
  CaptureEvent,
  Har,
  RrwebEvent,
} from "@replay-devkit/codec";
