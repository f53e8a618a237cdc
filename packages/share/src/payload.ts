// The data the HTML player reads: one JSON document, gzip-compressed inside the file. Written by
// html.ts in Node and read by player/ in the browser, so both sides share these types.
import type { CaptureEvent, RedactionEntry, RrwebEvent } from "@replay-devkit/codec";
import type { ScanReport } from "@replay-devkit/privacy";

export const HTML_PAYLOAD_FORMAT = "replay-devkit-html";
export const HTML_PAYLOAD_VERSION = 1;

/** The id of the `<script type="application/octet-stream">` that holds the payload. */
export const PAYLOAD_ELEMENT_ID = "replay-payload";

/**
 * One asset a recording references, fetched and pinned by content (the asset-pinning side feeds
 * these in). Its bytes travel beside the payload; the player serves them as `blob:` URLs.
 */
export interface PinnedAsset {
  /** The absolute URL as the recording references it. */
  url: string;
  sha256: string;
  contentType: string;
  bytes: Uint8Array;
}

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
