import { formatFindings, scanRecording, type ScanOptions } from "@replay-devkit/privacy";
import { expect } from "vitest";
import type { LoadedRecording } from "./load.js";
import { LoadedRecording as LoadedRecordingClass } from "./load.js";
import type { DivergenceReport } from "./redrive.js";
import { formatOffset } from "@replay-devkit/codec";

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function asRecording(received: unknown, matcher: string): LoadedRecording {
  if (received instanceof LoadedRecordingClass) return received;
  throw new TypeError(`${matcher}: expected a LoadedRecording (from loadRecording), got ${typeof received}.`);
}

function momentOf(rec: LoadedRecording, windowId: string, timestamp: number): string {
  const offset = rec.offsetOf(timestamp);
  let eventIndex = 0;
  try {
    eventIndex = rec.at(offset, windowId).eventIndex;
  } catch {
    eventIndex = -1;
  }
  return rec.describeMoment({ offsetMs: offset, eventIndex, windowId });
}

/**
 * Passes when the recording has no `console.error` calls; the failure lists each with its moment.
 * @see LoadedRecording.consoleEntries
 */
export function toHaveNoConsoleErrors(received: unknown): MatcherResult {
  const rec = asRecording(received, "toHaveNoConsoleErrors");
  const errors = rec.consoleEntries({ level: "error" });
  return {
    pass: errors.length === 0,
    message: () =>
      errors.length === 0
        ? `expected recording ${rec.sessionId} to have console errors, but it has none`
        : `expected recording ${rec.sessionId} to have no console errors, but it has ${errors.length}:\n` +
          errors
            .slice(0, 10)
            .map((e) => `  ${momentOf(rec, e.windowId, e.timestamp)}: ${e.payload.join(" ").slice(0, 200)}`)
            .join("\n"),
  };
}

/**
 * Passes when the recording made a request with this method to a URL containing `url` (string) or
 * matching it (RegExp).
 * @see LoadedRecording.networkEntries
 */
export function toHaveRequested(received: unknown, method: string, url: string | RegExp): MatcherResult {
  const rec = asRecording(received, "toHaveRequested");
  const all = rec.networkEntries();
  const m = method.toUpperCase();
  const urlMatches = (u: string) => (typeof url === "string" ? u.includes(url) : url.test(u));
  const hit = all.find((e) => e.method === m && urlMatches(e.url));
  const sameUrl = all.filter((e) => urlMatches(e.url));
  return {
    pass: hit !== undefined,
    message: () =>
      hit
        ? `expected recording ${rec.sessionId} not to request ${m} ${String(url)}, but it did at ${momentOf(rec, hit.windowId, hit.timestamp)} (status ${hit.status ?? "unknown"})`
        : `expected recording ${rec.sessionId} to request ${m} ${String(url)}, but it did not.` +
          (sameUrl.length > 0
            ? ` Requests to that URL used ${[...new Set(sameUrl.map((e) => e.method))].join(", ")}.`
            : all.length === 0
              ? " The recording has no network data at all (network capture off?)."
              : `\n  Recorded requests:\n${all
                  .slice(0, 15)
                  .map((e) => `    ${formatOffset(rec.offsetOf(e.timestamp))} ${e.method} ${e.url}`)
                  .join("\n")}`),
  };
}

/**
 * Passes when a re-drive matched the recording; the failure message is `report.format()`.
 * @see redrive
 * @see DivergenceReport
 */
export function toMatchRecordedDom(received: unknown): MatcherResult {
  const report = received as DivergenceReport;
  if (!report || typeof report.format !== "function" || !Array.isArray(report.checkpoints))
    throw new TypeError("toMatchRecordedDom: expected the DivergenceReport returned by redrive().");
  return {
    pass: report.ok,
    message: () =>
      report.ok
        ? `expected the re-drive of ${report.sessionId} to diverge, but all ${report.checkpoints.length} checkpoints matched`
        : report.format(),
  };
}

/**
 * Passes when privacy's scanner finds no personal data or secrets in the recording (above
 * `options.threshold`); the failure lists each finding with its moment.
 * @see scanRecording
 */
export function toHaveNoPII(received: unknown, options?: ScanOptions): MatcherResult {
  const rec = asRecording(received, "toHaveNoPII");
  const report = scanRecording(rec.recording, options);
  return {
    pass: report.ok,
    message: () =>
      report.ok
        ? `expected recording ${rec.sessionId} to contain personal data, but the scan found ${report.totals.findings} finding(s) within the threshold`
        : `expected recording ${rec.sessionId} to have no personal data or secrets:\n${formatFindings(report)}\n` +
          report.findings
            .slice(0, 10)
            .map(
              (f) =>
                `  ${formatOffset(f.location.offsetMs ?? 0)} (event #${f.location.eventIndex}) ${f.detector} in ${f.location.event}${f.location.selector ? ` at ${f.location.selector}` : ""}`,
            )
            .join("\n"),
  };
}

/** Every matcher of this module, for `expect.extend`. @see installMatchers */
export const replayMatchers = { toHaveNoConsoleErrors, toHaveRequested, toMatchRecordedDom, toHaveNoPII };

/**
 * Registers the matchers with vitest's `expect` (importing this module already does it once).
 * @see replayMatchers
 */
export function installMatchers(target: { extend: (m: typeof replayMatchers) => void } = expect): void {
  target.extend(replayMatchers);
}

installMatchers();

/** The matcher signatures, merged into vitest's `Assertion` by the declaration below. */
export interface ReplayMatchers<R = unknown> {
  toHaveNoConsoleErrors(): R;
  toHaveRequested(method: string, url: string | RegExp): R;
  toMatchRecordedDom(): R;
  toHaveNoPII(options?: ScanOptions): R;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends ReplayMatchers<T> {}
}
