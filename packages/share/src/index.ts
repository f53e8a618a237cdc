export { renderHtml, HTML_CONTENT_TYPE, type HtmlExportOptions } from "./html.js";
export {
  HTML_PAYLOAD_FORMAT,
  HTML_PAYLOAD_VERSION,
  PAYLOAD_ELEMENT_ID,
  type HtmlPayload,
  type HtmlAssetRef,
} from "./payload.js";
export { encodeBinaryText, decodeBinaryText, BINARY_TEXT_ENCODING } from "./binary-text.js";
