// The data the HTML player reads: one JSON document, gzip-compressed inside the file. Written by
// html.ts in Node and read by player/ in the browser, so both sides share these types.
import type { CaptureEvent, RedactionEntry, RrwebEvent } from "@replay-devkit/codec";
import type { ScanReport } from "@replay-devkit/privacy";

export const HTML_PAYLOAD_FORMAT = "replay-devkit-html";
export const HTML_PAYLOAD_VERSION = 1;

/** The id of the `<script type="application/octet-stream">` that holds the payload. */
export const PAYLOAD_ELEMENT_ID = "replay-payload";

/** A pinned asset in the file: its bytes sit in their own element; the player serves them as `blob:` URLs. */
export interface HtmlAssetRef {
  url: string;
  sha256: string;
  contentType: string;
  /** The id of the element holding the asset's bytes (same encoding as the payload). */
  element: string;
}

export interface HtmlPayload {
  format: typeof HTML_PAYLOAD_FORMAT;
  version: typeof HTML_PAYLOAD_VERSION;
  producer: string;
  sessionId: string;
  distinctId: string | null;
  windows: { windowId: string; events: RrwebEvent[] }[];
  posthogEvents: CaptureEvent[];
  privacy: {
    /** False for `--no-scrub` exports. */
    scrubbed: boolean;
    redactions: RedactionEntry[];
    /** The leak scan of exactly what the file holds. */
    scan: ScanReport;
  };
  assets: HtmlAssetRef[];
}
