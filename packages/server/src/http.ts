import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { gunzipCapped, isGzip } from "@replay-devkit/codec";
import { HttpError } from "./errors.js";

/** Caps on what one request may make the server hold in memory. */
export interface ServerLimits {
  /** Largest capture or rrweb body accepted as sent on the wire (default 20 MiB; posthog-js flushes well under 1 MiB). */
  maxBodyBytes: number;
  /** Largest capture or rrweb body after gzip/base64 decoding (default 64 MiB); a gzip bomb is refused at this size. */
  maxDecompressedBytes: number;
  /** Largest file `POST /api/import` accepts as sent (default 256 MiB). */
  maxImportBytes: number;
  /** Largest imported file after decompression (default 512 MiB: hour-long PostHog exports are large). */
  maxImportDecompressedBytes: number;
}

export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxBodyBytes: 20 * 1024 * 1024,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxImportBytes: 256 * 1024 * 1024,
  maxImportDecompressedBytes: 512 * 1024 * 1024,
});

// After refusing an oversized body, read (and drop) at most this much more so the client sees the
// 413 instead of a reset; past it the socket is cut.
const DRAIN_AFTER_REFUSAL_BYTES = 8 * 1024 * 1024;

/**
 * Reads a request body up to `maxBytes`. An announced or actual larger body is refused with 413
 * while memory stays at `maxBytes`.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const announced = Number(req.headers["content-length"]);
  if (Number.isFinite(announced) && announced > maxBytes) {
    refuseRest(req);
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        chunks.length = 0;
        cleanup();
        refuseRest(req);
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (done) return;
      done = true;
      cleanup();
      // Small bodies arrive in one chunk; concat would copy it for nothing.
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      if (done) return;
      done = true;
      cleanup();
      reject(
        new HttpError("BAD_REQUEST", `The request body could not be read: ${error.message}`, {
          cause: error,
        }),
      );
    };
    const onAborted = () =>
      onError(new Error("the client closed the connection before the body was complete"));
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

export function refuseRest(req: IncomingMessage): void {
  let extra = 0;
  req.on("data", (chunk: Buffer) => {
    extra += chunk.length;
    if (extra > DRAIN_AFTER_REFUSAL_BYTES) req.socket.destroy();
  });
  req.resume();
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    "PAYLOAD_TOO_LARGE",
    `The request body is larger than the limit of ${maxBytes} bytes. Raise the server's maxBodyBytes limit if this is legitimate.`,
  );
}

/**
 * Undoes `Content-Encoding: gzip` (curl, plain rrweb senders). posthog-js never sets the header and
 * sends gzip as text/plain; the codec recognises that from the magic bytes instead.
 */
export function decodeContentEncoding(
  req: IncomingMessage,
  body: Buffer,
  maxDecompressedBytes: number,
): Uint8Array {
  const encoding = String(req.headers["content-encoding"] ?? "identity")
    .trim()
    .toLowerCase();
  if (encoding === "" || encoding === "identity") {
    return isGzip(body) ? gunzipCapped(body, maxDecompressedBytes) : body;
  }
  if (encoding === "gzip" || encoding === "x-gzip") return gunzipCapped(body, maxDecompressedBytes);
  throw new HttpError(
    "UNSUPPORTED_MEDIA_TYPE",
    `Content-Encoding ${JSON.stringify(encoding)} is not supported; send gzip or no encoding.`,
  );
}

const EXPOSED_HEADERS =
  "Retry-After, Content-Disposition, X-Replay-Devkit, X-Replay-Devkit-Redactions, X-Replay-Devkit-Rejected";

function plausibleOrigin(raw: string | undefined): string | undefined {
  // Echo only a plausible origin; anything else would be unsafe (or invalid) to put in a header.
  return typeof raw === "string" && raw.length <= 512 && /^[\x21-\x7e]+$/.test(raw) ? raw : undefined;
}

/** CORS for open routes: posthog-js runs on the app's origin and loads scripts with crossorigin. */
export function corsHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const origin = plausibleOrigin(req.headers.origin);
  const headers: OutgoingHttpHeaders = {
    "access-control-allow-origin": origin && origin !== "null" ? origin : "*",
    "access-control-expose-headers": EXPOSED_HEADERS,
    vary: "Origin",
  };
  if (origin && origin !== "null") headers["access-control-allow-credentials"] = "true";
  return headers;
}

/**
 * CORS for private routes: only an origin the access policy allowed is echoed. Without an Origin
 * (same-origin GETs, curl, the CLI) there is no Access-Control-Allow-Origin at all, never `*`.
 */
export function privateCorsHeaders(allowedOrigin: string | undefined): OutgoingHttpHeaders {
  if (allowedOrigin === undefined) return { vary: "Origin" };
  return {
    "access-control-allow-origin": allowedOrigin,
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": EXPOSED_HEADERS,
    vary: "Origin",
  };
}

export function preflightHeaders(
  req: IncomingMessage,
  cors: OutgoingHttpHeaders = corsHeaders(req),
): OutgoingHttpHeaders {
  const requested = req.headers["access-control-request-headers"];
  return {
    ...cors,
    "access-control-allow-methods": "GET, HEAD, POST, DELETE, OPTIONS",
    "access-control-allow-headers":
      typeof requested === "string" && /^[\w\s,-]{1,1000}$/.test(requested) ? requested : "content-type",
    // Chrome asks before a public page may call a loopback address.
    "access-control-allow-private-network": "true",
    "access-control-max-age": "600",
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  send(res, status, JSON.stringify(value), { "content-type": "application/json; charset=utf-8", ...headers });
}

export function send(
  res: ServerResponse,
  status: number,
  body: string | Uint8Array,
  headers: OutgoingHttpHeaders = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const length = typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.length;
  res.writeHead(status, { "content-length": String(length), "cache-control": "no-store", ...headers });
  // A string body goes out in the same write as the headers; a Buffer costs a writev of two.
  res.end(body);
}

const ACK_BODY = '{"status":1}';
const ACK_HEADERS: OutgoingHttpHeaders = Object.freeze({
  "content-type": "application/json; charset=utf-8",
  "content-length": String(ACK_BODY.length),
  "cache-control": "no-store",
});

/** The capture success answer, `200 {"status":1}`: prebuilt because every posthog-js flush gets it. */
export function sendAck(res: ServerResponse): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(200, ACK_HEADERS);
  res.end(ACK_BODY);
}

export function sendError(res: ServerResponse, error: HttpError, headers: OutgoingHttpHeaders = {}): void {
  const extra: OutgoingHttpHeaders = { ...headers };
  if (error.status === 503) extra["retry-after"] = "2";
  if (error.code === "PAYLOAD_TOO_LARGE") extra.connection = "close";
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, extra);
}

/** Writes with backpressure: resolves when the socket can take more (or the client left). */
export function writeChunk(res: ServerResponse, chunk: string): Promise<void> | undefined {
  if (res.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
