import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors.js";
import { ServerStartError } from "./start-errors.js";

/**
 * Who may use the private part of the server (recordings API, SSE, import, delete, the inspector).
 * Capture routes are open by design: posthog-js posts from whatever origin and Host the app has.
 */
export interface AccessPolicy {
  /** Normalised origins (`scheme://host[:port]`) allowed besides the server's own. */
  readonly origins: ReadonlySet<string>;
  /** Exact host names (lowercase, no port, IPv6 in brackets). */
  readonly hosts: Set<string>;
  /** Suffixes from `*.example.test` / `.example.test` entries, stored as `.example.test`. */
  readonly hostSuffixes: readonly string[];
  /** `*` in allowedHosts: the Host check is off (the origin check still applies). */
  readonly anyHost: boolean;
}

/** The inspector's `next dev` (apps/inspector) talks to the API from here while it is being worked on. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = Object.freeze([
  "http://localhost:3010",
  "http://127.0.0.1:3010",
  "http://[::1]:3010",
]);

const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

function normaliseOrigin(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ServerStartError(
      "INVALID_OPTIONS",
      `${source}: ${JSON.stringify(value)} is not an origin; write it like http://localhost:3000.`,
    );
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.pathname.length > 1 || url.search) {
    throw new ServerStartError(
      "INVALID_OPTIONS",
      `${source}: ${JSON.stringify(value)} is not an origin; use scheme://host[:port] with http or https and no path.`,
    );
  }
  return url.origin;
}

/** Lowercase host name without port or trailing dot; IPv6 literals keep their brackets. */
export function hostName(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(":");
  const name = colon === -1 ? host : host.slice(0, colon);
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

function hostPort(hostHeader: string): string {
  const host = hostHeader.trim();
  const afterName = host.startsWith("[") ? host.slice(host.indexOf("]") + 1) : host;
  const colon = afterName.lastIndexOf(":");
  return colon === -1 ? "" : afterName.slice(colon + 1);
}

export function resolveAccessPolicy(
  allowedOrigins: readonly string[],
  allowedHosts: readonly string[],
  source: { origins: string; hosts: string },
): AccessPolicy {
  const origins = new Set<string>(DEFAULT_ALLOWED_ORIGINS);
  for (const origin of allowedOrigins) {
    if (typeof origin !== "string")
      throw new ServerStartError("INVALID_OPTIONS", `${source.origins} must be a list of origin strings.`);
    origins.add(normaliseOrigin(origin, source.origins));
  }
  const hosts = new Set<string>(LOOPBACK_HOSTS);
  const hostSuffixes: string[] = [".localhost"];
  let anyHost = false;
  for (const entry of allowedHosts) {
    if (typeof entry !== "string" || entry.trim() === "" || /[\s/@?#]/.test(entry.trim())) {
      throw new ServerStartError(
        "INVALID_OPTIONS",
        `${source.hosts}: ${JSON.stringify(entry)} is not a host name; write it like devbox.local, *.test or [::1].`,
      );
    }
    const value = entry.trim().toLowerCase();
    if (value === "*") anyHost = true;
    else if (value.startsWith("*.")) hostSuffixes.push(value.slice(1));
    else if (value.startsWith(".")) hostSuffixes.push(value);
    else hosts.add(hostName(value));
  }
  return { origins, hosts, hostSuffixes, anyHost };
}

/** Adds the address the server is bound to (listen() calls this), so its own Host is accepted. */
export function allowBoundHost(policy: AccessPolicy, host: string): void {
  const name = host.includes(":") && !host.startsWith("[") ? `[${host.toLowerCase()}]` : hostName(host);
  policy.hosts.add(name);
}

/** A missing Host (HTTP/1.0 tools) is not a browser, so it cannot be a DNS-rebinding attack. */
export function hostAllowed(policy: AccessPolicy, hostHeader: string | undefined): boolean {
  if (policy.anyHost || hostHeader === undefined) return true;
  const name = hostName(hostHeader);
  if (policy.hosts.has(name)) return true;
  return policy.hostSuffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
}

/**
 * The server's own origin (the page was served by this server under the Host it was asked for, or
 * under another loopback name on the same port), the inspector's dev origins and configured ones.
 */
export function originAllowed(policy: AccessPolicy, origin: string, hostHeader: string | undefined): boolean {
  if (policy.origins.has(origin)) return true;
  if (hostHeader === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (url.host === hostHeader.trim().toLowerCase()) return true;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return LOOPBACK_HOSTS.includes(url.hostname) && port === (hostPort(hostHeader) || "80");
}

/** The request's Origin when it is one a header can carry; `null` (sandboxed pages, file://) counts as present. */
export function requestOrigin(req: IncomingMessage): string | undefined {
  const raw = req.headers.origin;
  if (typeof raw !== "string" || raw === "") return undefined;
  return raw;
}

/**
 * A `<script>`, `<img>` or `<link>` on another site's page (no Origin header, no CORS) pointing at
 * the API. Its answer is unreadable anyway, but a JSON array export loaded as a script is the old
 * JSON-hijacking shape, and nothing legitimate loads recordings that way. Navigations (a download
 * link, a bookmarked inspector page) stay allowed.
 */
export function crossSiteSubresource(req: IncomingMessage): boolean {
  const site = req.headers["sec-fetch-site"];
  if (site !== "cross-site" && site !== "same-site") return false;
  return req.headers["sec-fetch-mode"] !== "navigate";
}

export function forbiddenHost(hostHeader: string): HttpError {
  const name = hostName(hostHeader).slice(0, 200);
  return new HttpError(
    "FORBIDDEN_HOST",
    `Requests for host ${JSON.stringify(name)} are refused to protect your recordings from DNS rebinding. ` +
      `If you reach replay-devkit under this name on purpose, allow it with the allowedHosts option or ` +
      `REPLAY_DEVKIT_ALLOWED_HOSTS=${name}.`,
  );
}

export function forbiddenOrigin(origin: string): HttpError {
  const shown = origin.length > 200 ? `${origin.slice(0, 200)}…` : origin;
  return new HttpError(
    "FORBIDDEN_ORIGIN",
    `Pages from ${JSON.stringify(shown)} may not use the recordings API. If this is your own tool, allow it ` +
      `with the allowedOrigins option or REPLAY_DEVKIT_ALLOWED_ORIGINS=${shown}.`,
  );
}
