import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

/** One HTTP exchange as the client sees it. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpOptions {
  /** Accept self-signed or otherwise untrusted certificates (an explicit user choice, never a default). */
  insecure: boolean;
  /** Give up on a response body larger than this (memory stays bounded). */
  maxResponseBytes: number;
  /** No byte for this long ends the request as a dropped connection. */
  timeoutMs: number;
}

/** The connection failed or dropped; `partial` holds the body bytes that had arrived. */
export class TransportError extends Error {
  readonly errorCode: string | undefined;
  readonly partial: Buffer;
  /** The status line had arrived before the drop (the body was cut short). */
  readonly status: number | undefined;

  constructor(message: string, errorCode: string | undefined, partial: Buffer, status?: number) {
    super(message);
    this.name = "TransportError";
    this.errorCode = errorCode;
    this.partial = partial;
    this.status = status;
  }
}

/** The body would pass `maxResponseBytes`. */
export class ResponseTooLargeError extends Error {}

/** OpenSSL's codes for a certificate chain Node would not trust. */
export const UNTRUSTED_CERT_CODES: ReadonlySet<string> = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
]);

/**
 * Sends one request with node:http(s). Not `fetch`: accepting an untrusted certificate for one host
 * needs `rejectUnauthorized` per request, and a dropped body must hand back what did arrive so a
 * pull can resume after the last whole block.
 */
export function send(req: HttpRequest, opts: HttpOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const isHttps = req.url.protocol === "https:";
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
    const options = {
      method: req.method,
      headers,
      timeout: opts.timeoutMs,
      ...(isHttps ? { rejectUnauthorized: !opts.insecure } : {}),
    };
    const handle = (isHttps ? httpsRequest : httpRequest)(req.url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        res.destroy();
        reject(error);
      };
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxResponseBytes) {
          fail(new ResponseTooLargeError(`the response is over ${opts.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      const dropped = () =>
        fail(
          new TransportError(
            "the connection dropped mid-response",
            "ECONNRESET",
            Buffer.concat(chunks),
            res.statusCode,
          ),
        );
      res.on("aborted", dropped);
      res.on("error", (error: NodeJS.ErrnoException) =>
        fail(new TransportError(error.message, error.code, Buffer.concat(chunks), res.statusCode)),
      );
      res.on("end", () => {
        if (failed) return;
        if (!res.complete) {
          dropped();
          return;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    handle.on("timeout", () =>
      handle.destroy(new TransportError("no answer in time", "ETIMEDOUT", Buffer.alloc(0))),
    );
    handle.on("error", (error: NodeJS.ErrnoException) => {
      if (error instanceof TransportError) reject(error);
      else reject(new TransportError(error.message, error.code, Buffer.alloc(0)));
    });
    handle.end(req.body);
  });
}
