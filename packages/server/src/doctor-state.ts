import type { DiagnosticCode, DoctorClientInfo } from "@replay-devkit/api";

// What the capture doctor remembers about each client, read by the rules in doctor-rules.ts and
// written by the Doctor in doctor.ts.

/** What the server itself tells posthog-js, so findings can tell the devkit's choices from the app's. */
export interface DoctorContext {
  recordingEnabled: boolean;
  sampleRate: number | null;
  minimumDurationMs: number | null;
  hasTriggers: boolean;
  /** The posthog-js version served under /static, when known. */
  servedSdkVersion: string | null;
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

/** posthog-js's recorder bundles under /static/ (names without `.js`). */
export const RECORDER_SCRIPTS = new Set(["lazy-recorder", "recorder", "recorder-v2", "posthog-recorder"]);

export interface SessionState {
  firstEventAt: number;
  snapshots: number;
  lastSnapshotAt: number | null;
  /** `$recording_status` of the latest event sent after the remote config was served. */
  status: string | null;
}

export interface ScriptState {
  name: string;
  version: string | null;
  status: number;
}

export interface ClientState {
  info: DoctorClientInfo;
  botMarker: string | null;
  pageHosts: Set<string>;
  firstSeen: number;
  lastSeen: number;
  configs: number;
  firstConfigAt: number | null;
  flags: number;
  flagsWithConfig: number;
  decide: number;
  scripts: Map<string, ScriptState>;
  scriptRequests: number;
  uploads: number;
  events: number;
  sessions: Map<string, SessionState>;
  recordedSessions: Set<string>;
  lastUploadAt: number | null;
  retries: number;
  maxRetry: number;
  rejectedUploads: number;
  lastRejection: string | null;
  rejectedEvents: number;
  largestBody: { bytes: number; limit: number; kind: "sent" | "decoded" } | null;
  /** First time each finding applied. */
  found: Map<DiagnosticCode, number>;
  /** Codes already handed to onDiagnostic. */
  emitted: Set<DiagnosticCode>;
  /** Which VERSION_SOURCE set `info.sdkVersion`. */
  versionSource: number;
}
