import type { NetworkEntry } from "@replay-devkit/codec";

const HAS_SCHEME = /^[a-z][a-z\d+.-]*:/i;
/** Initiators of requests the app made itself (or a page navigation), as opposed to page resources. */
const APP_INITIATORS = new Set(["fetch", "xmlhttprequest", "navigation", "beacon", "other"]);

/** What a network entry is, by the one rule every view (timeline, inspector, tests) applies. */
export interface RequestClass {
  /**
   * The status as far as it is known: a 0 reported by Resource Timing alone is a cross-origin
   * (opaque) response whose status the browser hides, so it is null (unknown), not a failure.
   */
  status: number | null;
  /** Status 400 and above, or 0 from posthog-js's fetch/XHR wrapper (network error, blocked, aborted). */
  failed: boolean;
  /** Made by the app's code or a navigation, rather than a stylesheet, script or image the page loaded. */
  fromApp: boolean;
  /**
   * Not a request at all: posthog-js also reports paint and first-input timings through the
   * network plugin (named "first-paint" or "pointerdown", with no initiator).
   */
  timingOnly: boolean;
}

/** Classifies one network entry. @see RequestClass */
export function classifyRequest(entry: Pick<NetworkEntry, "initiatorType" | "status" | "url">): RequestClass {
  const wrapped = entry.initiatorType === "fetch" || entry.initiatorType === "xmlhttprequest";
  const status = entry.status === 0 && !wrapped ? null : entry.status;
  return {
    status,
    failed: status !== null && (status >= 400 || status === 0),
    fromApp: entry.initiatorType === null || APP_INITIATORS.has(entry.initiatorType),
    timingOnly: entry.initiatorType === null && !HAS_SCHEME.test(entry.url),
  };
}
