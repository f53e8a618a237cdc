export { AnalysisError, isAnalysisError, type AnalysisErrorCode, type AnalysisField } from "./errors.js";
export {
  stableSelector,
  stableSelectorOf,
  isVolatileId,
  isVolatileClass,
  cssIdentEscape,
  cssStringEscape,
  candidateCss,
  TEST_ID_ATTRIBUTES,
  type DomElement,
  type SelectorSource,
  type SelectorCandidate,
} from "./selector.js";
export { NodeMirror, type MirrorNode } from "./mirror.js";
export { recordingMarkers, windowMarkers, type RecordingMarker } from "./markers.js";
export { classifyRequest, type RequestClass } from "./requests.js";
export { parseDuration, parseTimePoint, recordingSpan } from "./time.js";
export { printable } from "./text.js";
export {
  buildTimeline,
  summarizeDom,
  TIMELINE_FORMAT_VERSION,
  type Anchor,
  type Timeline,
  type TimelineEntry,
  type TimelineOptions,
  type PageEntry,
  type ClickEntry,
  type InputEntry,
  type DomEntry,
  type DomChange,
  type ConsoleTimelineEntry,
  type RequestEntry,
  type CustomEntry,
} from "./timeline.js";
export { parseAnchor, describeAnchors, limitEntries, windowAround, type TimelineView } from "./anchors.js";
export {
  parseTimelineRequest,
  timelineView,
  TIMELINE_DEFAULTS,
  MAX_WINDOW_MS,
  MAX_BODY_CHARS,
  type TimelineRequest,
  type TimelineQuery,
} from "./timeline-query.js";
export {
  renderTimeline,
  renderText,
  renderMarkdown,
  toJsonDocument,
  type TimelineFormat,
} from "./timeline-render.js";
export {
  profileRecording,
  renderProfile,
  profileJson,
  parseBudget,
  PROFILE_FORMAT_VERSION,
  MIN_RATE_DURATION_MS,
  type RecordingProfile,
  type ProfileRow,
  type Contributor,
  type Advice,
} from "./profile.js";
