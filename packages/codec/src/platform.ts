// The codec runs in Node 20 and in browsers and compiles without DOM or node types. These are the
// few platform globals it needs, typed with only the members it calls, read off globalThis so the
// declarations never clash with a consumer's DOM or @types/node globals.

interface PlatformTextDecoder {
  decode(input?: Uint8Array): string;
}
interface PlatformTextEncoder {
  encode(input?: string): Uint8Array;
}
/** The part of URLSearchParams the codec reads; a real URLSearchParams satisfies it. */
export interface SearchParamsLike {
  get(name: string): string | null;
}
interface PlatformSearchParams extends SearchParamsLike {
  [Symbol.iterator](): IterableIterator<[string, string]>;
}
interface PlatformGlobals {
  URLSearchParams: new (init?: string) => PlatformSearchParams;
  URL: new (
    url: string,
    base?: string,
  ) => { searchParams: PlatformSearchParams; href: string; protocol: string; hash: string };
  TextDecoder: new (
    label?: string,
    options?: { fatal?: boolean; ignoreBOM?: boolean },
  ) => PlatformTextDecoder;
  TextEncoder: new () => PlatformTextEncoder;
  crypto?: { subtle?: { digest(algorithm: "SHA-256", data: Uint8Array): Promise<ArrayBuffer> } };
}

const platform = globalThis as unknown as PlatformGlobals;

const utf8Decoder = new platform.TextDecoder("utf-8");
const utf8Encoder = new platform.TextEncoder();

export function utf8Decode(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

let utf16leDecoder: PlatformTextDecoder | null | undefined;

/**
 * Strict UTF-16LE (the BOM, if any, already removed): the platform decoder, or null where it is
 * missing or the data has a lone surrogate (it would turn that into U+FFFD; callers decode by hand).
 */
export function utf16leDecodeStrict(bytes: Uint8Array): string | null {
  if (utf16leDecoder === undefined) {
    try {
      utf16leDecoder = new platform.TextDecoder("utf-16le", { fatal: true, ignoreBOM: true });
    } catch {
      utf16leDecoder = null;
    }
  }
  if (!utf16leDecoder) return null;
  try {
    return utf16leDecoder.decode(bytes);
  } catch {
    return null;
  }
}

export function utf8Encode(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = platform.crypto?.subtle;
  if (!subtle) throw new Error("crypto.subtle is not available (needs Node 20+ or a secure browser context)");
  const digest = new Uint8Array(await subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

export function parseForm(text: string): SearchParamsLike {
  return new platform.URLSearchParams(text);
}

/** Query parameters of an absolute URL, or [] when it does not parse. */
export function urlQuery(url: string): [string, string][] {
  try {
    return [...new platform.URL(url).searchParams];
  } catch {
    return [];
  }
}

/** `raw` resolved against `base` without its fragment, when it is an http(s) URL; else null. */
export function httpUrl(raw: string, base?: string): string | null {
  try {
    const url = base === undefined ? new platform.URL(raw) : new platform.URL(raw, base);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    url.hash = "";
    return url.href;
  } catch {
    return null;
  }
}
