import { API_ROUTES } from "@replay-devkit/api";
import type { Route } from "../context.js";
import { capture } from "./capture.js";
import { doctor } from "./doctor.js";
import { findings } from "./findings.js";
import { flags } from "./flags.js";
import { health } from "./health.js";
import { exportRecording } from "./export.js";
import { importFile } from "./import.js";
import { posthogStatic } from "./posthog-static.js";
import { recordingProfile } from "./profile.js";
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
import { recordingTimeline } from "./timeline.js";
import { signIn, signInForm, signOut } from "./session.js";
import { shareRecording } from "./share.js";

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
    tokenFree: true,
  })),
  { name: "flags", method: "POST", path: "/flags", handler: flags, open: true, tokenFree: true },
  { name: "flags", method: "GET", path: "/flags", handler: flags, open: true, tokenFree: true },
  { name: "decide", method: "POST", path: "/decide", handler: flags, open: true, tokenFree: true },
  { name: "decide", method: "GET", path: "/decide", handler: flags, open: true, tokenFree: true },
  {
    name: "remote-config-js",
    method: "GET",
    path: "/array/:token/config.js",
    handler: remoteConfigJs,
    open: true,
    tokenFree: true,
  },
  {
    name: "remote-config",
    method: "GET",
    path: "/array/:token/config",
    handler: remoteConfigJson,
    open: true,
    tokenFree: true,
  },
  {
    name: "posthog-static",
    method: "GET",
    path: "/static/*rest",
    handler: posthogStatic,
    open: true,
    tokenFree: true,
  },
  // replay-devkit
  { name: "health", method: "GET", path: API_ROUTES.health, handler: health, open: true, tokenFree: true },
  { name: "rrweb-ingest", method: "POST", path: API_ROUTES.rrwebSession, handler: rrwebIngest, open: true },
  { name: "rrweb-ingest", method: "POST", path: API_ROUTES.rrweb, handler: rrwebIngest, open: true },
  { name: "sign-in", method: "GET", path: API_ROUTES.signIn, handler: signInForm, tokenFree: true },
  { name: "session", method: "POST", path: API_ROUTES.session, handler: signIn, tokenFree: true },
  { name: "session", method: "DELETE", path: API_ROUTES.session, handler: signOut, tokenFree: true },
  { name: "import", method: "POST", path: API_ROUTES.import, handler: importFile },
  { name: "stream", method: "GET", path: API_ROUTES.stream, handler: stream },
  { name: "recordings", method: "GET", path: API_ROUTES.recordings, handler: listRecordings },
  { name: "recording", method: "GET", path: API_ROUTES.recording, handler: getRecording },
  { name: "recording-delete", method: "DELETE", path: API_ROUTES.recording, handler: deleteRecording },
  { name: "events", method: "GET", path: API_ROUTES.events, handler: recordingEvents },
  {
    name: "events-ndjson",
    method: "GET",
    path: API_ROUTES.eventsNdjson,
    handler: recordingEventsNdjson,
  },
  {
    name: "posthog-events",
    method: "GET",
    path: API_ROUTES.posthogEvents,
    handler: recordingPosthogEvents,
  },
  { name: "logs", method: "GET", path: API_ROUTES.logs, handler: recordingLogs },
  { name: "export", method: "GET", path: API_ROUTES.export, handler: exportRecording },
  { name: "findings", method: "GET", path: API_ROUTES.findings, handler: findings },
  { name: "timeline", method: "GET", path: API_ROUTES.timeline, handler: recordingTimeline },
  { name: "profile", method: "GET", path: API_ROUTES.profile, handler: recordingProfile },
  { name: "share", method: "POST", path: API_ROUTES.share, handler: shareRecording },
  { name: "doctor", method: "GET", path: API_ROUTES.doctor, handler: doctor },
  { name: "recording-assets", method: "GET", path: API_ROUTES.assets, handler: recordingAssets },
  { name: "recording-asset", method: "GET", path: API_ROUTES.asset, handler: pinnedAsset },
];
