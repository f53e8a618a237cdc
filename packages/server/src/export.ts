import type { Recording, RedactionEntry } from "@replay-devkit/codec";
import { scanRecording, scrubRecording, type ScanReport } from "@replay-devkit/privacy";

export interface PreparedExport {
  recording: Recording;
  redactions: RedactionEntry[];
}

/**
 * The single place every export passes through before it leaves the server: scrubbed by default
 * (secrets and personal data replaced by stable markers), raw only when the caller asked with
 * `?scrub=false`.
 */
export function prepareExport(recording: Recording, scrub: boolean): PreparedExport {
  if (!scrub) return { recording, redactions: [] };
  return scrubRecording(recording);
}

/** The privacy scan report for a stored recording: what an unscrubbed export would leak. */
export function scanExport(recording: Recording): ScanReport {
  return scanRecording(recording);
}
