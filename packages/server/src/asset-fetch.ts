import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import type { AssetMissingReason } from "@replay-devkit/store";

/**
 * One asset GET, the way a pinned copy must be fetched: no cookies, no auth, no headers of the
 * user's (node:http has no cookie jar and we send only Accept and User-Agent), bounded in size and
 * time, redirects followed by hand and only within the same origin.
 */

export interface AssetFetchLimits {
  maxAssetBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export type AssetFetchResult =
  | { ok: true; url: string; contentType: string; data: Buffer }
  | { ok: false; reason: AssetMissingReason; detail: string };

/** Media types a pinned copy may have; anything else is recorded as `wrong-type`. */
export const ASSET_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "text/css",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/svg+xml",
  "image/x-icon",
  "image/vnd.microsoft.icon",
  "image/bmp",
  "font/woff",
  "font/woff2",
  "font/ttf",
  "font/otf",
  "font/sfnt",
  "font/collection",
  "application/font-woff",
  "application/font-woff2",
  "application/x-font-woff",
  "application/x-font-ttf",
  "application/x-font-otf",
  "application/vnd.ms-fontobject",
]);

/** `foo.localhost` names loopback (RFC 6761); Node's resolver does not always know that, so we do. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === "::1"
  );
}

const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname.toLowerCase().endsWith(".localhost")) {
    const address: LookupAddress = { address: "127.0.0.1", family: 4 };
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: LookupAddress[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
    return;
  }
  dnsLookup(hostname, options, callback as never);
};

/** `text/css; charset=utf-8` → `text/css`. */
export function bareMediaType(header: string | null | undefined): string {
  return (header ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
}

/** The media type without parameters, or, for an untyped font file, the type its magic bytes say. */
function mediaType(header: string | undefined, data: Buffer): string {
  const declared = bareMediaType(header);
  if (declared !== "" && declared !== "application/octet-stream") return declared;
  const magic = data.subarray(0, 4).toString("latin1");
  if (magic === "wOFF") return "font/woff";
  if (magic === "wOF2") return "font/woff2";
  if (magic === "OTTO") return "font/otf";
  if (magic === "\u0000\u0001\u0000\u0000") return "font/ttf";
  return declared === "" ? "(none)" : declared;
}

function getOnce(url: URL, limits: AssetFetchLimits, signal: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "GET",
      headers: { accept: "*/*", "user-agent": "replay-devkit (asset pinning)" },
      lookup: loopbackLookup,
      signal,
    });
    req.on("response", resolve);
    req.on("error", reject);
    req.end();
  });
}

function readCapped(res: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    res.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        resolve(null);
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on("end", () => resolve(Buffer.concat(chunks)));
    res.on("error", (error) => (over ? undefined : reject(error)));
    res.on("aborted", () => (over ? undefined : reject(new Error("the response was cut off"))));
  });
}

/** Fetches `url` within `limits`; never throws, every failure is a reason. */
export async function fetchAsset(url: string, limits: AssetFetchLimits): Promise<AssetFetchResult> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return { ok: false, reason: "invalid-url", detail: "not a URL" };
  }
  const origin = current.origin;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      const res = await getOnce(current, limits, controller.signal);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location !== undefined) {
        res.resume();
        const next = new URL(res.headers.location, current);
        if (next.origin !== origin)
          return {
            ok: false,
            reason: "redirect-other-origin",
            detail: `${status} to ${next.origin}; only redirects within ${origin} are followed`,
          };
        if (hop >= limits.maxRedirects)
          return { ok: false, reason: "too-many-redirects", detail: `more than ${limits.maxRedirects}` };
        current = next;
        continue;
      }
      if (status !== 200) {
        res.resume();
        return { ok: false, reason: "http-error", detail: `HTTP ${status}` };
      }
      const length = Number(res.headers["content-length"]);
      if (Number.isFinite(length) && length > limits.maxAssetBytes) {
        res.destroy();
        return {
          ok: false,
          reason: "too-large",
          detail: `${length} bytes, over the ${limits.maxAssetBytes}-byte cap per asset`,
        };
      }
      const declared = bareMediaType(res.headers["content-type"]);
      if (declared !== "" && declared !== "application/octet-stream" && !ASSET_CONTENT_TYPES.has(declared)) {
        res.destroy();
        return {
          ok: false,
          reason: "wrong-type",
          detail: `${declared} is not an image, font or stylesheet type`,
        };
      }
      const data = await readCapped(res, limits.maxAssetBytes);
      if (data === null)
        return {
          ok: false,
          reason: "too-large",
          detail: `over the ${limits.maxAssetBytes}-byte cap per asset`,
        };
      if (data.length === 0) return { ok: false, reason: "empty", detail: "the answer had no body" };
      const contentType = mediaType(res.headers["content-type"], data);
      if (!ASSET_CONTENT_TYPES.has(contentType))
        return {
          ok: false,
          reason: "wrong-type",
          detail: `${contentType} is not an image, font or stylesheet type`,
        };
      return { ok: true, url: current.href, contentType, data };
    }
  } catch (error) {
    if (controller.signal.aborted)
      return { ok: false, reason: "timeout", detail: `no complete answer within ${limits.timeoutMs} ms` };
    return {
      ok: false,
      reason: "network-error",
      detail: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
