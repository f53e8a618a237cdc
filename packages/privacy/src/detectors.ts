export type Severity = "low" | "medium" | "high";

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2 };

export type DetectorId =
  | "email"
  | "phone"
  | "card-number"
  | "iban"
  | "jwt"
  | "bearer-token"
  | "api-key"
  | "password-in-url"
  | "secret-param"
  | "secret-header"
  | "secret-field"
  | "known-value"
  | "mask-violation";

export interface DetectorInfo {
  id: DetectorId;
  severity: Severity;
  /** One line for humans: what the detector looks for. */
  description: string;
}

/** Every detector, in reporting order. */
export const DETECTORS: readonly DetectorInfo[] = [
  { id: "email", severity: "medium", description: "e-mail addresses" },
  {
    id: "phone",
    severity: "medium",
    description:
      "phone numbers, conservatively: +country-code numbers and (555) 123-4567 / 555-123-4567 shapes",
  },
  {
    id: "card-number",
    severity: "high",
    description: "payment card numbers with a known issuer prefix and length that pass the Luhn check",
  },
  {
    id: "iban",
    severity: "high",
    description: "IBANs with the right length for their country and a valid mod-97 checksum",
  },
  { id: "jwt", severity: "high", description: "JSON Web Tokens (three base64url parts with a JSON header)" },
  { id: "bearer-token", severity: "high", description: "`Bearer <token>` credentials anywhere in text" },
  {
    id: "api-key",
    severity: "high",
    description:
      "API-key shapes: Stripe sk_/rk_, GitHub ghp_/github_pat_, AWS AKIA/ASIA, PostHog personal phx_, Slack xox*, Google AIza, OpenAI sk-, npm_ (the public PostHog project token phc_ is not flagged)",
  },
  {
    id: "password-in-url",
    severity: "high",
    description: "credentials in URLs: user:pass@host and password= parameters",
  },
  {
    id: "secret-param",
    severity: "high",
    description:
      "URL query parameters named like secrets: token, access_token, api_key, secret, code, signature …",
  },
  {
    id: "secret-header",
    severity: "high",
    description:
      "secret HTTP headers with a value: Authorization, Cookie, Set-Cookie, X-Api-Key, X-Auth-Token … (posthog-js's own `redacted` is fine)",
  },
  {
    id: "secret-field",
    severity: "high",
    description: "JSON fields named like secrets (password, token, api_key, client_secret …) with a value",
  },
  { id: "known-value", severity: "high", description: "a test value the caller listed (knownValues)" },
  {
    id: "mask-violation",
    severity: "high",
    description:
      "masking that did not happen: clear text inside a ph-mask element, or any text inside a ph-no-capture element (posthog-js records neither)",
  },
];

export const DETECTOR_IDS: readonly DetectorId[] = DETECTORS.map((d) => d.id);

export function detectorInfo(id: DetectorId): DetectorInfo {
  const info = DETECTORS.find((d) => d.id === id);
  if (!info) throw new Error(`unknown detector ${id}`);
  return info;
}

/** A detector hit inside one string: [start, end) in that string. */
export interface TextMatch {
  detector: DetectorId;
  start: number;
  end: number;
  /** A more specific name where one exists, e.g. "GitHub token" for api-key. */
  label?: string;
}

// Quantifiers that can start a match are bounded so that a hostile multi-megabyte string costs linear
// time: an unbounded `+` before a failing suffix makes V8 rescan the tail from every start position.
// The bearer token may be unbounded because only a literal "Bearer " can start it, and a secret cut
// at a length cap would leave its tail behind after scrubbing.

const EMAIL_RE =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;
// Retina asset names (`logo@2x.png`) and package specs (`pkg@1.2.js`) look like addresses.
const FILE_TLDS = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "svg",
  "webp",
  "avif",
  "ico",
  "bmp",
  "js",
  "mjs",
  "cjs",
  "css",
  "map",
  "json",
  "woff",
  "woff2",
  "ttf",
  "otf",
  "eot",
  "mp4",
  "webm",
  "mp3",
  "wasm",
  "ts",
  "tsx",
  "jsx",
  "html",
  "txt",
]);

const PHONE_INTL_RE =
  /(?<![\w+.])\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}(?!\w|\.\d)/g;
const PHONE_NA_RE = /(?<![\w(.-])(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-.]\d{4}(?![\w-]|\.\d)/g;

const CARD_RE = /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w.-])/g;

const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;

const JWT_RE =
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,2048}\.eyJ[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{0,4096}(?![A-Za-z0-9_-])/g;

const BEARER_RE = /\b[Bb]earer\s{1,8}([A-Za-z0-9\-._~+/]{12,}=*)/g;

const API_KEY_PATTERNS: readonly { label: string; re: RegExp }[] = [
  {
    label: "Stripe secret key",
    re: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,128}(?![A-Za-z0-9])/g,
  },
  { label: "GitHub token", re: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9])/g },
  {
    label: "GitHub fine-grained token",
    re: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}(?![A-Za-z0-9_])/g,
  },
  { label: "AWS access key id", re: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g },
  { label: "PostHog personal API key", re: /(?<![A-Za-z0-9_])phx_[A-Za-z0-9_]{20,128}(?![A-Za-z0-9_])/g },
  { label: "Slack token", re: /(?<![A-Za-z0-9_])xox[abposr]-[A-Za-z0-9-]{10,255}(?![A-Za-z0-9-])/g },
  { label: "Google API key", re: /(?<![A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  {
    label: "OpenAI API key",
    re: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,255}(?![A-Za-z0-9_-])/g,
  },
  { label: "npm token", re: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
];

const API_KEY_GATE = /sk_|rk_|gh[pousr]_|github_pat_|AKIA|ASIA|phx_|xox|AIza|sk-|npm_/;

// Official IBAN lengths per country (SWIFT registry). A length check before mod-97 keeps random
// upper-case ids from passing by chance.
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes and lengths; a Luhn check alone passes one random number in ten. */
export function cardBrand(digits: string): string | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === "4" && (n === 13 || n === 16 || n === 19)) return "Visa";
  if (n === 16 && ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))) return "Mastercard";
  if (n === 15 && (p2 === 34 || p2 === 37)) return "American Express";
  if ((n === 16 || n === 19) && (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649))) return "Discover";
  if ((n === 16 || n === 19) && p4 >= 3528 && p4 <= 3589) return "JCB";
  if (n === 14 && ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38)) return "Diners Club";
  return undefined;
}

export function ibanValid(compact: string): boolean {
  const expected = IBAN_LENGTHS[compact.slice(0, 2)];
  if (expected === undefined || compact.length !== expected) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) remainder = (remainder * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) remainder = (remainder * 100 + (c - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Decodes base64url to a latin-1 string; enough to read a JWT header without platform APIs. */
export function decodeBase64Url(input: string): string | undefined {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < input.length; i++) {
    const v = B64URL.indexOf(input[i] as string);
    if (v < 0) return undefined;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}

function jwtHeaderValid(token: string): boolean {
  const header = decodeBase64Url(token.slice(0, token.indexOf(".")));
  if (header === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(header);
    return typeof parsed === "object" && parsed !== null && "alg" in parsed;
  } catch {
    return false;
  }
}

export interface CompiledDetectors {
  enabled: ReadonlySet<DetectorId>;
  knownValues: readonly string[];
  allowlist: readonly (string | RegExp)[];
}

function allowlisted(value: string, allowlist: readonly (string | RegExp)[]): boolean {
  for (const entry of allowlist) {
    if (typeof entry === "string") {
      if (entry === value) return true;
    } else {
      entry.lastIndex = 0;
      if (entry.test(value)) return true;
    }
  }
  return false;
}

export function isAllowlisted(value: string, c: CompiledDetectors): boolean {
  return c.allowlist.length > 0 && allowlisted(value, c.allowlist);
}

function collect(
  re: RegExp,
  text: string,
  detector: DetectorId,
  out: TextMatch[],
  accept?: (m: RegExpExecArray) => { start: number; end: number; label?: string } | undefined,
): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const hit = accept ? accept(m) : { start: m.index, end: m.index + m[0].length };
    if (hit) out.push({ detector, ...hit });
    // A rejected candidate may hide a real one that starts inside it ("8 4111…" read as 17 digits).
    else re.lastIndex = m.index + 1;
  }
}

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

// Cheap gates so the common case (short UI text with no digits, no '@', no key prefixes) runs no
// regex at all; the scan benchmark is dominated by strings that match nothing. One pass gives the
// longest run of digits, counting the separators phone and card numbers use as part of the run.
function longestDigitRun(text: string): number {
  let run = 0;
  let best = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++run > best) best = run;
    } else if (c !== 32 && c !== 45 && c !== 46 && c !== 40 && c !== 41) run = 0;
  }
  return best;
}

/**
 * All detector matches in `text` (the value detectors only; key-, header- and URL-structure rules live
 * in inspect.ts). Overlaps are resolved so each character belongs to at most one match: the earlier
 * start wins, then the longer match.
 */
export function findTextMatches(text: string, c: CompiledDetectors): TextMatch[] {
  const out: TextMatch[] = [];
  const on = c.enabled;
  if (text.length < 3) return out;

  if (on.has("known-value")) {
    for (const known of c.knownValues) {
      for (let at = text.indexOf(known); at >= 0; at = text.indexOf(known, at + known.length)) {
        out.push({ detector: "known-value", start: at, end: at + known.length });
      }
    }
  }
  if (on.has("email") && text.includes("@")) {
    collect(EMAIL_RE, text, "email", out, (m) => {
      const tld = m[0].slice(m[0].lastIndexOf(".") + 1).toLowerCase();
      // `ssh://git@github.com` is a user name and a host, not an address.
      const inAuthority = m.index >= 3 && text.startsWith("://", m.index - 3);
      return FILE_TLDS.has(tld) || inAuthority ? undefined : { start: m.index, end: m.index + m[0].length };
    });
  }
  const digitRun = longestDigitRun(text);
  if (on.has("phone") && digitRun >= 7) {
    if (text.includes("+")) {
      collect(PHONE_INTL_RE, text, "phone", out, (m) => {
        const n = digitCount(m[0]);
        return n >= 8 && n <= 15 ? { start: m.index, end: m.index + m[0].length } : undefined;
      });
    }
    collect(PHONE_NA_RE, text, "phone", out);
  }
  if (on.has("card-number") && digitRun >= 13) {
    collect(CARD_RE, text, "card-number", out, (m) => {
      // The separators let the pattern run into a neighbouring number; try the longest valid prefix.
      const raw = m[0];
      for (let end = raw.length; end >= 13; end--) {
        const last = raw.charCodeAt(end - 1);
        if (last < 48 || last > 57) continue;
        const digits = raw.slice(0, end).replace(/[ -]/g, "");
        if (digits.length < 13) break;
        const brand = cardBrand(digits);
        if (brand && luhnValid(digits)) return { start: m.index, end: m.index + end, label: brand };
      }
      return undefined;
    });
  }
  if (on.has("iban") && digitRun >= 2) {
    collect(IBAN_RE, text, "iban", out, (m) => {
      // The pattern may run into a following upper-case word; try the longest valid prefix.
      const raw = m[0];
      for (let end = raw.length; end >= 15; end--) {
        const candidate = raw.slice(0, end);
        if (candidate.endsWith(" ")) continue;
        if (ibanValid(candidate.replace(/ /g, ""))) return { start: m.index, end: m.index + end };
      }
      return undefined;
    });
  }
  if (on.has("jwt") && text.includes("eyJ")) {
    collect(JWT_RE, text, "jwt", out, (m) =>
      jwtHeaderValid(m[0]) ? { start: m.index, end: m.index + m[0].length } : undefined,
    );
  }
  if (on.has("bearer-token") && (text.includes("earer") || text.includes("EARER"))) {
    collect(BEARER_RE, text, "bearer-token", out, (m) => {
      const token = m[1] as string;
      const start = m.index + m[0].length - token.length;
      return { start, end: start + token.length };
    });
  }
  if (on.has("api-key") && API_KEY_GATE.test(text)) {
    for (const { label, re } of API_KEY_PATTERNS) {
      collect(re, text, "api-key", out, (m) => ({ start: m.index, end: m.index + m[0].length, label }));
    }
  }

  if (out.length === 0) return out;
  const kept = c.allowlist.length
    ? out.filter((m) => !allowlisted(text.slice(m.start, m.end), c.allowlist))
    : out;
  return resolveOverlaps(kept);
}

/** Keeps non-overlapping matches: earliest start first, longer match on ties. */
export function resolveOverlaps(matches: TextMatch[]): TextMatch[] {
  if (matches.length < 2) return matches;
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: TextMatch[] = [];
  let lastEnd = -1;
  for (const m of sorted) {
    if (m.start >= lastEnd) {
      out.push(m);
      lastEnd = m.end;
    }
  }
  return out;
}
