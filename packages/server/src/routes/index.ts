import type { Route } from "../context.js";
import { capture } from "./capture.js";
import { doctor } from "./doctor.js";
import { findings } from "./findings.js";
import { flags } from "./flags.js";
import { health } from "./health.js";
import { exportRecording } from "./export.js";
import { importFile } from "./import.js";
import { posthogStatic } from "./posthog-static.js";
import { deleteRecording } from "./recording-delete.js";
import { getRecording } from "./recording-get.js";
import { listRecordings } from "./recordings-list.js";
import { recordingEvents } from "./events.js";
import { recordingEventsNdjson } from "./events-ndjson.js";
import { recordingLogs } from "./logs.js";
import { recordingPosthogEvents } from "./posthog-events.js";
import { remoteConfigJs } from "./remote-config-js.js";
import { remoteConfigJson } from "./remote-config-json.js";
import { rrwebIngest } from "./rrweb.js";
import { stream } from "./stream.js";
import { pinnedAsset, recordingAssets } from "./assets.js";
import { recordingVideo } from "./video.js";

export { inspectorStatic } from "./inspector-static.js";

/**
 * Every route, in one table. Paths match with or without a trailing slash; anything GET that
 * matches nothing here falls through to the inspector's static files.
 */
export const ROUTES: readonly Route[] = [
  // posthog-js capture protocol
  ...["/e", "/i/v0/e", "/batch", "/capture", "/track", "/engage", "/s"].map((path): Route => ({
    name: "capture",
    method: "POST",
    path,
    handler: capture,
    open: true,
  })),
  { name: "flags", method: "POST", path: "/flags", handler: flags, open: true },
  { name: "flags", method: "GET", path: "/flags", handler: flags, open: true },
  { name: "decide", method: "POST", path: "/decide", handler: flags, open: true },
  { name: "decide", method: "GET", path: "/decide", handler: flags, open: true },
  {
    name: "remote-config-js",
    method: "GET",
    path: "/array/:token/config.js",
    handler: remoteConfigJs,
    open: true,
  },
  {
    name: "remote-config",
    method: "GET",
    path: "/array/:token/config",
    handler: remoteConfigJson,
    open: true,
  },
  { name: "posthog-static", method: "GET", path: "/static/*rest", handler: posthogStatic, open: true },
  // replay-devkit
  { name: "health", method: "GET", path: "/health", handler: health, open: true },
  { name: "rrweb-ingest", method: "POST", path: "/api/rrweb/:sessionId", handler: rrwebIngest, open: true },
  { name: "rrweb-ingest", method: "POST", path: "/api/rrweb", handler: rrwebIngest, open: true },
  { name: "import", method: "POST", path: "/api/import", handler: importFile },
  { name: "stream", method: "GET", path: "/api/stream", handler: stream },
  { name: "recordings", method: "GET", path: "/api/recordings", handler: listRecordings },
  { name: "recording", method: "GET", path: "/api/recordings/:id", handler: getRecording },
  { name: "recording-delete", method: "DELETE", path: "/api/recordings/:id", handler: deleteRecording },
  { name: "events", method: "GET", path: "/api/recordings/:id/events", handler: recordingEvents },
  {
    name: "events-ndjson",
    method: "GET",
    path: "/api/recordings/:id/events.ndjson",
    handler: recordingEventsNdjson,
  },
  {
    name: "posthog-events",
    method: "GET",
    path: "/api/recordings/:id/posthog-events",
    handler: recordingPosthogEvents,
  },
  { name: "logs", method: "GET", path: "/api/recordings/:id/logs", handler: recordingLogs },
  { name: "export", method: "GET", path: "/api/recordings/:id/export", handler: exportRecording },
  { name: "video", method: "GET", path: "/api/recordings/:id/video", handler: recordingVideo },
  { name: "findings", method: "GET", path: "/api/recordings/:id/findings", handler: findings },
  { name: "doctor", method: "GET", path: "/api/doctor", handler: doctor },
  { name: "asset", method: "GET", path: "/api/assets/:sha256", handler: pinnedAsset },
  { name: "recording-assets", method: "GET", path: "/api/recordings/:id/assets", handler: recordingAssets },
];
