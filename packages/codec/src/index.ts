export { CodecError, isCodecError, type CodecErrorCode, type CodecErrorOptions } from "./errors.js";
export { DEFAULT_LIMITS, type Limits } from "./limits.js";
export {
  EventType,
  IncrementalSource,
  MouseInteractions,
  type eventWithTime,
  type RrwebEvent,
  type CaptureEvent,
  type CaptureEncoding,
  type CaptureShape,
  type DecodedCapture,
  type SnapshotBatch,
  type RecordingWindow,
  type Recording,
  type SessionMetadata,
  type RecordingFormat,
  type RedactionEntry,
  type ReadResult,
  type ConsoleEntry,
  type NetworkEntry,
} from "./types.js";
export { gunzipCapped, isGzip } from "./bytes.js";
export {
  validateRrwebEvent,
  validateRrwebEvents,
  validateCaptureEvent,
  CONSOLE_PLUGIN,
  NETWORK_PLUGIN,
} from "./validate.js";
export { unpackEvent, packEvent, PACKED_EVENT_VERSION } from "./pack.js";
export {
  decodeCaptureBody,
  splitCaptureEvents,
  groupRecordings,
  type DecodeCaptureOptions,
  type SplitCaptureOptions,
  type SplitCapture,
  type RejectedCaptureEvent,
} from "./capture.js";
export {
  computeMetadata,
  MetadataAccumulator,
  ACTIVITY_GAP_MS,
  utf8Length,
  type MetadataState,
} from "./metadata.js";
export {
  consoleEntries,
  networkEntries,
  windowConsoleEntries,
  windowNetworkEntries,
  type ExtractableEvent,
} from "./extract.js";
export {
  toHar,
  type Har,
  type HarLog,
  type HarEntry,
  type HarRequest,
  type HarResponse,
  type HarTimings,
  type HarNameValue,
  type HarContent,
  type HarPostData,
  type HarPage,
} from "./har.js";
export { sniffFormat, FIXTURE_FORMAT, BUNDLE_FORMAT } from "./formats/sniff.js";
export {
  readRecordingFile,
  POSTHOG_EXPORT_VERSIONS,
  BLOB_V2_SNAPPY,
  LEGACY_EVENTS,
  type ReadOptions,
} from "./formats/read.js";
export { POSTHOG_RAW_EXPORT, RAW_EXPORT_METADATA, RAW_EXPORT_EVENTS } from "./formats/posthog-raw-export.js";
export { snappyUncompressCapped, decodeLengthPrefixedSnappy, isLengthPrefixedSnappy } from "./snappy.js";
export { writePosthogExport, writeRrwebJson, writeBlobV2, POSTHOG_EXPORT_VERSION } from "./formats/write.js";
export {
  writeBundle,
  BUNDLE_FORMAT_VERSION,
  type BundleManifest,
  type BundleFileEntry,
  type WriteBundleOptions,
} from "./formats/bundle.js";
export {
  writeFixture,
  FIXTURE_FORMAT_VERSION,
  type FixtureHeader,
  type WriteFixtureOptions,
} from "./formats/fixture.js";
export type { SearchParamsLike } from "./platform.js";
export { JsonlDecoder, type JsonlValue } from "./jsonl.js";
export { MAX_JSON_DEPTH, isRecord } from "./json.js";
export { formatBytes, formatOffset, formatDuration } from "./format.js";
export {
  findAssetRefs,
  cssAssetRefs,
  absoluteAssetUrl,
  rewriteAssetUrls,
  rewriteCss,
  metaHref,
  recordedAsset,
  type AssetKind,
  type AssetRef,
  type AssetResolver,
  type RecordedAsset,
  type SerializedNode,
} from "./assets.js";
