// Reads the payload and the pinned assets out of the page itself: no fetch, no network.
import { decodeBinaryText } from "../binary-text.js";
import {
  HTML_PAYLOAD_FORMAT,
  HTML_PAYLOAD_VERSION,
  PAYLOAD_ELEMENT_ID,
  type HtmlPayload,
} from "../payload.js";

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function elementBytes(id: string): Promise<Uint8Array<ArrayBuffer>> {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the file has no #${id} element: it was cut short`);
  if (document.characterSet.toLowerCase() !== "windows-1252") {
    throw new Error(
      `the file was opened as ${document.characterSet}, not windows-1252, so its data is garbled; ` +
        "download it and open the downloaded file",
    );
  }
  return gunzip(decodeBinaryText(element.textContent ?? ""));
}

export async function loadPayload(): Promise<HtmlPayload> {
  const text = new TextDecoder().decode(await elementBytes(PAYLOAD_ELEMENT_ID));
  const payload = JSON.parse(text) as Partial<HtmlPayload>;
  if (payload.format !== HTML_PAYLOAD_FORMAT || payload.version !== HTML_PAYLOAD_VERSION) {
    throw new Error(`unsupported payload ${String(payload.format)} version ${String(payload.version)}`);
  }
  return payload as HtmlPayload;
}

/** Pinned assets as `blob:` URLs, keyed by the URL the recording references. */
export async function loadAssets(payload: HtmlPayload): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const asset of payload.assets) {
    const bytes = await elementBytes(asset.element);
    urls.set(asset.url, URL.createObjectURL(new Blob([bytes], { type: asset.contentType })));
  }
  return urls;
}
