// `GET /api/doctor`: the capture doctor's report. `replay-devkit doctor` prints it; the inspector shows it.

export const DIAGNOSTIC_SEVERITIES = ["error", "warning", "info", "ok"] as const;
export type DiagnosticSeverity = (typeof DIAGNOSTIC_SEVERITIES)[number];

/** Stable finding codes: scripts and the CLI's dedupe key on them, so a code keeps its meaning. */
export type DiagnosticCode =
  | "BOT_USER_AGENT"
  | "LOCALHOST_NO_NETWORK"
  | "NO_EVENTS"
  | "RECORDING_NOT_STARTED"
  | "RECORDING_DISABLED_BY_DEVKIT"
  | "RECORDER_SCRIPT_MISSING"
  | "STATIC_SCRIPT_MISSING"
  | "SDK_VERSION_MISMATCH"
  | "UPLOAD_RETRIES"
  | "UPLOADS_REJECTED"
  | "EVENTS_REJECTED"
  | "PAYLOAD_NEAR_LIMIT"
  | "LEGACY_SDK"
  | "SDK_VERSION"
  | "RECORDING_OK";

export interface DiagnosticFinding {
  code: DiagnosticCode;
  severity: DiagnosticSeverity;
  /** What the devkit saw, in one sentence. */
  message: string;
  /** What to change, ready to paste where possible; null when nothing needs doing. */
  fix: string | null;
  /** When this finding first applied to the client (ISO). */
  since: string;
}

/** "One app in one browser": the page origin the SDK ran on plus the browser's user agent. */
export interface DoctorClientInfo {
  /** Stable for the same origin and user agent (a short hash). */
  id: string;
  /** `http://localhost:3000 (Chrome 142, posthog-js 1.449.2)`. */
  label: string;
  origin: string | null;
  userAgent: string | null;
  browser: string;
  sdkVersion: string | null;
}

export interface DoctorClient extends DoctorClientInfo {
  /** Page host names seen in `$current_url` / `$snapshot_host` (at most 10). */
  pageHosts: string[];
  firstSeen: string;
  lastSeen: string;
  requests: { config: number; flags: number; decide: number; scripts: number; uploads: number };
  /** Sessions seen in this client's events (the most recent 20 are tracked). */
  sessions: number;
  /** Sessions with at least one `$snapshot` (or plain rrweb upload). */
  recordedSessions: number;
  lastUploadAt: string | null;
  findings: DiagnosticFinding[];
}

export interface DoctorReport {
  generatedAt: string;
  /** Most recently active first. */
  clients: DoctorClient[];
  summary: { clients: number; errors: number; warnings: number };
  /** Clients dropped to keep the table bounded (least recently seen go first). */
  evictedClients: number;
}
