/** Lower-cases and drops `-`, `_`, spaces and dots so `X-Api-Key`, `x_api_key` and `apiKey` compare equal. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_ .]/g, "");
}

/** Header names that carry credentials whatever their value looks like. */
export const SECRET_HEADERS: readonly string[] = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
  "x-access-token",
  "x-refresh-token",
  "x-csrf-token",
  "x-xsrf-token",
  "x-amz-security-token",
  "x-goog-api-key",
  "x-session-token",
  "x-posthog-personal-api-key",
];

// Same idea as posthog-js's own header deny-list (names containing these words), minus "session":
// session ids are how recordings are linked and would flood the report.
const SECRET_HEADER_WORDS = ["auth", "token", "secret", "cookie", "password", "apikey", "credential"];

/** Query parameters whose value is a credential. */
export const SECRET_PARAMS: readonly string[] = [
  "token",
  "access_token",
  "refresh_token",
  "id_token",
  "auth_token",
  "api_key",
  "apikey",
  "key",
  "secret",
  "client_secret",
  "password",
  "passwd",
  "pwd",
  "code",
  "signature",
  "sig",
  "x-amz-signature",
  "x-amz-credential",
  "x-amz-security-token",
  "session_token",
  "auth",
];

export const PASSWORD_PARAMS: ReadonlySet<string> = new Set(["password", "passwd", "pwd", "pass"]);

/** JSON keys whose string value is a credential. */
export const SECRET_KEYS: readonly string[] = [
  "password",
  "passwd",
  "pwd",
  "current_password",
  "new_password",
  "secret",
  "client_secret",
  "token",
  "access_token",
  "refresh_token",
  "id_token",
  "auth_token",
  "session_token",
  "api_key",
  "apikey",
  "private_key",
  "authorization",
  "cookie",
  "set-cookie",
  "credentials",
  "card_number",
  "cvv",
  "cvc",
  "ssn",
];

export interface SensitiveNames {
  headers: ReadonlySet<string>;
  params: ReadonlySet<string>;
  keys: ReadonlySet<string>;
  /** Memo of isSecretKey answers: the same few attribute and property names repeat thousands of times. */
  keyMemo: Map<string, boolean>;
}

export function compileNames(extra?: {
  headers?: readonly string[] | undefined;
  params?: readonly string[] | undefined;
  keys?: readonly string[] | undefined;
}): SensitiveNames {
  const norm = (list: readonly string[], more?: readonly string[]) =>
    new Set([...list, ...(more ?? [])].map(normalizeName));
  return {
    headers: norm(SECRET_HEADERS, extra?.headers),
    params: norm(SECRET_PARAMS, extra?.params),
    keys: norm(SECRET_KEYS, extra?.keys),
    keyMemo: new Map(),
  };
}

export function isSecretHeader(name: string, names: SensitiveNames): boolean {
  const n = normalizeName(name);
  if (names.headers.has(n)) return true;
  // "author" (e.g. x-author) is not a credential; every other auth* name is.
  return SECRET_HEADER_WORDS.some((w) => n.includes(w) && !(w === "auth" && /author(?!i[sz]ation)/.test(n)));
}

export function isSecretParam(name: string, names: SensitiveNames): boolean {
  return names.params.has(normalizeName(name));
}

export function isSecretKey(name: string, names: SensitiveNames): boolean {
  let secret = names.keyMemo.get(name);
  if (secret === undefined) {
    secret = names.keys.has(normalizeName(name));
    if (names.keyMemo.size < 10_000) names.keyMemo.set(name, secret);
  }
  return secret;
}

/**
 * Values that hold nothing to find: empty, masked by rrweb (`*` runs), already redacted by posthog-js
 * (`redacted`, `[SessionRecording] … redacted …`) or by us (`[redacted:…]`), and PostHog project
 * tokens, which are public by design.
 */
export function isInertValue(value: string): boolean {
  const v = value.trim();
  if (v === "" || /^\**$/.test(v)) return true;
  if (v === "redacted" || v === "REDACTED" || v === "[redacted]" || v === "[REDACTED]") return true;
  if (/^\[redacted(?::[a-z-]+)?\]$/.test(v)) return true;
  if (v.startsWith("[SessionRecording]") || v.startsWith("[SessionReplay]")) return true;
  if (/^phc_[A-Za-z0-9_]*$/.test(v)) return true;
  return false;
}

/** rrweb masks by replacing characters with `*`; such strings must never be touched. */
export function isMasked(value: string): boolean {
  return /^[*\s]*$/.test(value);
}
