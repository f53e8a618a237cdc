import type { ScrubMode } from "@replay-devkit/api";
import type { Recording, RedactionEntry } from "@replay-devkit/codec";
import { scrubRecording } from "@replay-devkit/privacy";

export interface ScrubbedRecording {
  recording: Recording;
  /** One entry per changed field and rule; empty for `raw`. */
  redactions: RedactionEntry[];
}

/**
 * The one place an export's privacy is decided: `scrubbed` replaces secrets and personal data by
 * stable markers (values rrweb masked with `*` stay masked); `raw` passes the stored values on.
 */
export function applyScrubMode(recording: Recording, mode: ScrubMode): ScrubbedRecording {
  if (mode === "raw") return { recording, redactions: [] };
  return scrubRecording(recording);
}

/** How many values the redaction log replaced (an entry may stand for several). */
export function redactionCount(redactions: readonly RedactionEntry[]): number {
  return redactions.reduce((n, r) => n + (r.count ?? 1), 0);
}
