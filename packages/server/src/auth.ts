import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors.js";
import { ServerStartError } from "./start-errors.js";

/**
 * Who may read recordings when the server leaves the developer's own machine. One shared secret (the
 * server token) opens everything: API clients send it as `Authorization: Bearer <token>`, the
 * inspector trades it once for an HttpOnly cookie. A share link carries a grant instead: a signed,
 * expiring permission to read one recording. Cookies and grants are HMACs keyed by the token, so every
 * process started with the same token accepts what any of them issued, and changing the token
 * revokes them all.
 */
export interface AuthOptions {
  /** The server token; null or absent: no authentication (loopback only). */
  token?: string | null;
  /**
   * PostHog project tokens (`phc_…`) the capture routes accept. Empty or absent: any project token,
   * as `dev` does.
   */
  projectTokens?: readonly string[];
  /** How long a sign-in cookie stays valid (default 30 days). */
  sessionTtlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface Grant {
  grant: string;
  expiresAt: string;
}

export const SESSION_COOKIE = "replay_devkit_session";
/** The query parameter a share or embed link carries its grant in. */
export const GRANT_PARAM = "grant";

const MIN_TOKEN_LENGTH = 16;
const DEFAULT_SESSION_TTL_MS = 30 * 24 * 3_600_000;
/** A share link lives at most this long; longer sharing means a new link. */
export const MAX_GRANT_TTL_MS = 30 * 24 * 3_600_000;
const PROJECT_TOKEN = /^[\w-]{1,200}$/;

export class Auth {
  readonly enabled: boolean;
  private readonly key: Buffer | null;
  private readonly projectTokens: ReadonlySet<string>;
  private readonly sessionTtlMs: number;
  private readonly now: () => number;

  constructor(options: AuthOptions = {}) {
    const token = options.token ?? null;
    if (token !== null) {
      if (typeof token !== "string" || token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
        // The message never echoes the value: it may be a real secret with a typo.
        throw new ServerStartError(
          "INVALID_OPTIONS",
          `The server token must be at least ${MIN_TOKEN_LENGTH} characters without spaces; generate one with \`openssl rand -hex 32\`.`,
        );
      }
    }
    for (const projectToken of options.projectTokens ?? []) {
      if (typeof projectToken !== "string" || !PROJECT_TOKEN.test(projectToken))
        throw new ServerStartError(
          "INVALID_OPTIONS",
          "Project tokens are PostHog project API keys such as phc_…: letters, digits, _ and -.",
        );
    }
    this.enabled = token !== null;
    this.key =
      token === null ? null : createHash("sha256").update("replay-devkit auth v1\0").update(token).digest();
    this.projectTokens = new Set(options.projectTokens ?? []);
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** Whether a capture request for this project may be stored (true for every project when none are listed). */
  projectAllowed(projectToken: string | undefined): boolean {
    if (this.projectTokens.size === 0) return true;
    return projectToken !== undefined && this.projectTokens.has(projectToken);
  }

  /** Throws 401 unless a listed project token is given; capture and config routes call this. */
  checkProject(projectToken: string | undefined): void {
    if (this.projectAllowed(projectToken)) return;
    throw new HttpError(
      "UNAUTHORIZED",
      projectToken === undefined
        ? "This replay-devkit server accepts only its listed PostHog project tokens, and the request names none."
        : "This replay-devkit server does not accept this PostHog project token; ask its operator to add it with --project-token.",
    );
  }

  /** True when the request carries the token (Bearer) or a valid sign-in cookie. */
  authenticated(req: IncomingMessage): boolean {
    if (!this.enabled) return true;
    const header = req.headers.authorization;
    if (typeof header === "string") {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      // A wrong or non-Bearer Authorization is a failure even if a cookie is also present: a script
      // that sends credentials should learn they are wrong.
      return match !== null && this.tokenMatches(match[1] as string);
    }
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    return cookie !== null && this.verify("session", cookie, "");
  }

  /** Whether `grant` allows reading recording `id` right now. */
  grantAllows(grant: string | null, id: string): boolean {
    return this.enabled && grant !== null && this.verify("grant", grant, id);
  }

  /** Signs a permission to read recording `id` for `ttlMs`. */
  issueGrant(id: string, ttlMs: number): Grant {
    const expires = this.now() + ttlMs;
    return { grant: this.sign("grant", id, expires), expiresAt: new Date(expires).toISOString() };
  }

  /** The `Set-Cookie` value for a signed-in browser. */
  sessionCookie(secure: boolean): string {
    const value = this.sign("session", "", this.now() + this.sessionTtlMs);
    const maxAge = Math.floor(this.sessionTtlMs / 1000);
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
  }

  /** The `Set-Cookie` value that signs a browser out. */
  static clearedCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  tokenMatches(candidate: string): boolean {
    if (this.key === null) return false;
    // Compare digests, not the strings: equal length always, and no early exit on the first byte.
    const given = createHash("sha256").update("replay-devkit auth v1\0").update(candidate).digest();
    return timingSafeEqual(given, this.key);
  }

  private sign(purpose: string, subject: string, expires: number): string {
    return `v1.${expires.toString(36)}.${this.mac(purpose, subject, expires)}`;
  }

  private verify(purpose: string, value: string, subject: string): boolean {
    const match = /^v1\.([0-9a-z]{1,12})\.([\w-]{43})$/.exec(value);
    if (match === null || this.key === null) return false;
    const expires = Number.parseInt(match[1] as string, 36);
    if (!Number.isFinite(expires) || expires <= this.now()) return false;
    const expected = Buffer.from(this.mac(purpose, subject, expires));
    const given = Buffer.from(match[2] as string);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(purpose: string, subject: string, expires: number): string {
    return createHmac("sha256", this.key as Buffer)
      .update(`${purpose}\0${subject}\0${expires}`)
      .digest("base64url");
  }
}

export function unauthorized(): HttpError {
  return new HttpError(
    "UNAUTHORIZED",
    "This replay-devkit server needs its token: send `Authorization: Bearer <token>` (the CLI reads REPLAY_DEVKIT_TOKEN), or sign in to the inspector at /sign-in.",
  );
}

function readCookie(header: string | undefined, name: string): string | null {
  if (typeof header !== "string") return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The request URL with secrets (grants, tokens) replaced, for log lines. */
export function redactUrl(url: string | undefined): string {
  if (url === undefined) return "";
  return url.replace(/([?&](?:grant|token|api_key)=)[^&#]*/gi, "$1[redacted]");
}
