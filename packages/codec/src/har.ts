import { isRecord } from "./json.js";
import { networkRequests } from "./extract.js";
import { urlQuery } from "./platform.js";
import type { Recording } from "./types.js";

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/). Custom fields start with "_".
export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}
export interface HarPostData {
  mimeType: string;
  text: string;
  params?: HarNameValue[];
  comment?: string;
}
export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}
export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}
export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
  _transferSize?: number;
}
export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}
export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _initiatorType?: string;
  _windowId?: string;
  _isInitial?: boolean;
}
export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number; comment?: string };
  comment?: string;
}
export interface HarLog {
  version: "1.2";
  creator: { name: string; version: string; comment?: string };
  browser?: { name: string; version: string; comment?: string };
  pages?: HarPage[];
  entries: HarEntry[];
  comment?: string;
}
export interface Har {
  log: HarLog;
}

function n(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function nameValues(value: unknown): HarNameValue[] {
  if (!isRecord(value)) return [];
  return Object.entries(value)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([name, v]) => ({ name, value: typeof v === "string" ? v : JSON.stringify(v) }));
}

function headerValue(headers: HarNameValue[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.value;
}

function queryString(url: string): HarNameValue[] {
  return urlQuery(url).map(([name, value]) => ({ name, value }));
}

function bodyText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function phase(end: unknown, start: unknown): number {
  const e = n(end);
  const s = n(start);
  // Resource Timing zeroes these fields for cross-origin requests without Timing-Allow-Origin.
  if (e === null || s === null || s <= 0 || e < s) return -1;
  return round(e - s);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function httpVersion(protocol: unknown): string {
  if (typeof protocol !== "string" || protocol === "") return "";
  if (protocol === "h2") return "HTTP/2.0";
  if (protocol === "h3") return "HTTP/3";
  return protocol.toUpperCase();
}

function timings(r: Record<string, unknown>): HarTimings {
  const duration = n(r.duration) ?? 0;
  const wait = phase(r.responseStart, r.requestStart);
  const receive = phase(r.responseEnd, r.responseStart);
  if (wait < 0 || receive < 0) {
    return {
      blocked: -1,
      dns: -1,
      connect: -1,
      ssl: -1,
      send: 0,
      wait: round(Math.max(0, duration)),
      receive: 0,
    };
  }
  const dns = phase(r.domainLookupEnd, r.domainLookupStart);
  const connect = phase(r.connectEnd, r.connectStart);
  const ssl = phase(r.connectEnd, r.secureConnectionStart);
  const fetchStart = n(r.fetchStart) ?? n(r.startTime) ?? 0;
  const dnsStart = n(r.domainLookupStart);
  const blocked =
    dnsStart !== null && dnsStart > 0 && dnsStart >= fetchStart ? round(dnsStart - fetchStart) : -1;
  return { blocked, dns, connect, ssl: ssl > 0 ? ssl : -1, send: 0, wait, receive };
}

/**
 * HAR 1.2 log of the requests recorded by `rrweb/network@1`. Headers and bodies appear only when
 * posthog-js recorded them; timing comes from the Resource Timing fields.
 */
export function toHar(rec: Recording, opts: { creator?: string; creatorVersion?: string } = {}): Har {
  const entries: HarEntry[] = [];
  for (const { windowId, eventTimestamp, request: r, isInitial } of networkRequests(rec)) {
    if (r.entryType === "serverTiming" || typeof r.name !== "string") continue;
    const started = n(r.timestamp) ?? eventTimestamp;
    const requestHeaders = nameValues(r.requestHeaders);
    const responseHeaders = nameValues(r.responseHeaders);
    const requestBody = bodyText(r.requestBody);
    const responseBody = bodyText(r.responseBody);
    const version = httpVersion(r.nextHopProtocol);
    const t = timings(r);
    const time = round(
      [t.blocked, t.dns, t.connect, t.send, t.wait, t.receive].reduce<number>(
        (sum, v) => sum + (v !== undefined && v > 0 ? v : 0),
        0,
      ),
    );
    const method = typeof r.method === "string" ? r.method.toUpperCase() : "GET";
    const request: HarRequest = {
      method,
      url: r.name,
      httpVersion: version,
      cookies: [],
      headers: requestHeaders,
      queryString: queryString(r.name),
      headersSize: -1,
      bodySize: requestBody === null ? (method === "GET" ? 0 : -1) : requestBody.length,
    };
    if (requestBody !== null && requestBody !== "") {
      request.postData = { mimeType: headerValue(requestHeaders, "content-type") ?? "", text: requestBody };
    }
    const mimeType =
      headerValue(responseHeaders, "content-type") ??
      (typeof r.contentType === "string" ? r.contentType : "");
    const content: HarContent = { size: n(r.decodedBodySize) ?? responseBody?.length ?? 0, mimeType };
    if (responseBody !== null) content.text = responseBody;
    const response: HarResponse = {
      status: n(r.status) ?? n(r.responseStatus) ?? 0,
      statusText: "",
      httpVersion: version,
      cookies: [],
      headers: responseHeaders,
      content,
      redirectURL: headerValue(responseHeaders, "location") ?? "",
      headersSize: -1,
      bodySize: n(r.encodedBodySize) ?? -1,
    };
    const transfer = n(r.transferSize);
    if (transfer !== null) response._transferSize = transfer;
    const entry: HarEntry = {
      startedDateTime: new Date(started).toISOString(),
      time,
      request,
      response,
      cache: {},
      timings: t,
      _windowId: windowId,
      _isInitial: isInitial,
    };
    if (typeof r.initiatorType === "string") entry._initiatorType = r.initiatorType;
    entries.push(entry);
  }
  entries.sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
  return {
    log: {
      version: "1.2",
      creator: { name: opts.creator ?? "replay-devkit", version: opts.creatorVersion ?? "0.1.0" },
      pages: [],
      entries,
      comment: `Network requests of session ${rec.sessionId}, from rrweb/network@1 events`,
    },
  };
}
