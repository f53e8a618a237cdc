import { gunzipSync } from "node:zlib";
import { decodeBinaryText, PAYLOAD_ELEMENT_ID, type HtmlPayload } from "../src/index.js";

/** The file as a browser reads it: windows-1252 text. */
export function fileText(bytes: Uint8Array): string {
  return new TextDecoder("windows-1252").decode(bytes);
}

/** The JSON payload inside an HTML export, decoded the way the player decodes it. */
export function payloadOf(bytes: Uint8Array): { json: string; payload: HtmlPayload } {
  const text = fileText(bytes);
  const open = `<script type="application/octet-stream" id="${PAYLOAD_ELEMENT_ID}"`;
  const at = text.indexOf(open);
  if (at === -1) throw new Error("no payload element");
  const body = text.indexOf(">", at) + 1;
  const end = text.indexOf("</script>", body);
  const json = gunzipSync(decodeBinaryText(text.slice(body, end))).toString("utf8");
  return { json, payload: JSON.parse(json) as HtmlPayload };
}
