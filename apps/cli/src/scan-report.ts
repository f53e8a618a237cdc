import type { Recording } from "@replay-devkit/codec";
import type { ScanReport } from "@replay-devkit/privacy";
import { toCliError, type CliError } from "./errors.js";

export interface ScanRequest {
  threshold: number;
  maskTextSelector?: string;
  blockSelector?: string;
}

/** The `scan` logic without its I/O, shared with the MCP server; `invalid` words a bad selector. */
export async function scanLoaded(
  recording: Recording,
  target: string,
  request: ScanRequest,
  invalid: (message: string) => CliError,
): Promise<ScanReport> {
  const { scanRecording, isPrivacyError } = await import("@replay-devkit/privacy");
  try {
    return scanRecording(recording, request);
  } catch (error) {
    if (isPrivacyError(error) && error.code === "INVALID_OPTIONS") throw invalid(error.message);
    throw toCliError(error, target);
  }
}
