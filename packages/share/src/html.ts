import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { PinnedAsset, Recording, RedactionEntry } from "@replay-devkit/codec";
import { scanRecording } from "@replay-devkit/privacy";
import { BINARY_TEXT_ENCODING, encodeBinaryText } from "./binary-text.js";
import { PLAYER_CSS, PLAYER_SCRIPT } from "./generated/player.js";
import {
  HTML_PAYLOAD_FORMAT,
  HTML_PAYLOAD_VERSION,
  PAYLOAD_ELEMENT_ID,
  type HtmlAssetRef,
  type HtmlPayload,
} from "./payload.js";

export interface HtmlExportOptions {
  /** `replay-devkit <version>`, shown in the file. */
  producer: string;
  /** What the scrubber changed; shown in the Privacy tab. */
  redactions: RedactionEntry[];
  /** False when the caller exported raw (`--no-scrub`); the Privacy tab says so. */
  scrubbed: boolean;
  /** Pinned copies of the assets the recording references; embedded and served as `blob:` URLs. */
  assets?: readonly PinnedAsset[];
}

/** The media type the file must be served with: its payload relies on the declared charset. */
export const HTML_CONTENT_TYPE = "text/html; charset=windows-1252";

// Scripts run only by hash. Styles need 'unsafe-inline': the replayed page's own <style> elements
// and style attributes are rebuilt inline, and the about:blank replay frame inherits this policy.
// Everything that could fetch (connect, img, font, media, frame, form, base) is limited to the
// file's own data: and blob: URLs, so opening the file makes no request at all.
function contentSecurityPolicy(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src '${scriptHash}'`,
    "style-src 'unsafe-inline' blob:",
    "img-src data: blob:",
    "font-src data: blob:",
    "media-src data: blob:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** Only ASCII outside the payload elements: the document is declared windows-1252. */
function htmlText(value: string): string {
  return value.replace(/[&<>"]|[^\x20-\x7e]/g, (c) => `&#${c.codePointAt(0) ?? 0};`);
}

function binaryElement(id: string, bytes: Uint8Array): string {
  const text = encodeBinaryText(gzipSync(bytes));
  return `<script type="application/octet-stream" id="${id}" data-encoding="${BINARY_TEXT_ENCODING}">${text}</script>\n`;
}

/**
 * One self-contained HTML file that plays `recording` offline: the rrweb player with seek, speed,
 * skip-idle and markers, the URL bar, Console / Network / Events / Privacy tabs and a window
 * switcher. The recording sits inside gzip-compressed; a strict CSP keeps the opened file from
 * making any request. Pass a recording that went through the privacy scrubber (every export
 * does) unless the user asked for a raw export.
 *
 * Returns bytes, not a string: the file is windows-1252 (see binary-text.ts) and must be written
 * as-is and served with {@link HTML_CONTENT_TYPE}.
 */
export function renderHtml(recording: Recording, options: HtmlExportOptions): Uint8Array {
  const assets: HtmlAssetRef[] = [];
  let assetElements = "";
  for (const [i, asset] of (options.assets ?? []).entries()) {
    const element = `replay-asset-${i}`;
    assets.push({ url: asset.url, sha256: asset.sha256, contentType: asset.contentType, element });
    assetElements += binaryElement(element, asset.bytes);
  }
  const payload: HtmlPayload = {
    format: HTML_PAYLOAD_FORMAT,
    version: HTML_PAYLOAD_VERSION,
    producer: options.producer,
    sessionId: recording.sessionId,
    distinctId: recording.distinctId,
    windows: recording.windows.map((w) => ({ windowId: w.windowId, events: w.events })),
    posthogEvents: recording.posthogEvents,
    privacy: {
      scrubbed: options.scrubbed,
      redactions: options.redactions,
      scan: scanRecording(recording, { limit: 500 }),
    },
    assets,
  };
  const scriptHash = `sha256-${createHash("sha256").update(PLAYER_SCRIPT).digest("base64")}`;
  const title = `Recording ${recording.sessionId}`;
  const html =
    "<!doctype html>\n" +
    '<html lang="en">\n<head>\n<meta charset="windows-1252">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(scriptHash)}">\n` +
    '<meta name="referrer" content="no-referrer">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<meta name="generator" content="${htmlText(options.producer)}">\n` +
    `<title>${htmlText(title)}</title>\n` +
    `<style>${PLAYER_CSS}</style>\n</head>\n<body>\n` +
    '<div id="app" data-state="loading"><p class="boot">Loading the recording&hellip;</p>' +
    "<noscript><p>This file plays a session recording and needs JavaScript.</p></noscript></div>\n" +
    binaryElement(PAYLOAD_ELEMENT_ID, new TextEncoder().encode(JSON.stringify(payload))) +
    assetElements +
    `<script>${PLAYER_SCRIPT}</script>\n</body>\n</html>\n`;
  return Buffer.from(html, "latin1");
}
