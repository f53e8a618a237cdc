/**
 * Substrings (lower case) of user agents that posthog-js treats as bots and drops every event from,
 * recordings included. Taken from the list posthog-js 1.449.2 ships (@posthog/core
 * `DEFAULT_BLOCKED_UA_STRS`); the automation names come first because those are what developers hit.
 */
export const BOT_UA_MARKERS: readonly string[] = Object.freeze([
  "headlesschrome",
  "lightpanda",
  "cypress",
  "chrome-lighthouse",
  "prerender",
  "vercel-screenshot",
  "bingpreview",
  "google web preview",
  "crawler",
  "bot/",
  "(bot;",
  "bot.htm",
  "bot.php",
  "googlebot",
  "googleother",
  "adsbot-google",
  "bingbot",
  "applebot",
  "amazonbot",
  "baiduspider",
  "duckduckbot",
  "yandexbot",
  "slurp",
  "facebookexternal",
  "linkedinbot",
  "twitterbot",
  "slackbot",
  "gptbot",
  "chatgpt-user",
  "perplexitybot",
  "ahrefsbot",
  "semrushbot",
  "uptimerobot",
  "sentryuptimebot",
  "screaming frog",
  "sitebulb",
  "bytespider",
  "hubspot",
]);

/** The marker posthog-js would match in `ua` (case-insensitive), or null for a browser it records. */
export function botMarker(ua: string | null | undefined): string | null {
  if (!ua) return null;
  const lower = ua.toLowerCase();
  for (const marker of BOT_UA_MARKERS) if (lower.includes(marker)) return marker;
  return null;
}

/**
 * "Chrome 142", "Firefox 131", "HeadlessChrome 156", "Safari 18", or the first product token.
 * Order matters: Edge and Opera also claim Chrome, and Chrome also claims Safari.
 */
export function browserName(ua: string | null | undefined): string {
  if (!ua) return "no user agent";
  const rules: [RegExp, string][] = [
    [/HeadlessChrome\/(\d+)/, "HeadlessChrome"],
    [/Edg(?:e|A|iOS)?\/(\d+)/, "Edge"],
    [/OPR\/(\d+)/, "Opera"],
    [/Firefox\/(\d+)/, "Firefox"],
    [/(?:Chrome|CriOS)\/(\d+)/, "Chrome"],
    [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, "Safari"],
  ];
  for (const [pattern, name] of rules) {
    const match = pattern.exec(ua);
    if (match) return `${name} ${match[1]}`;
  }
  const first = /^[\w.-]{1,40}(?:\/[\w.-]{1,20})?/.exec(ua);
  return first ? first[0] : "unknown browser";
}

/** Hosts on which posthog-js skips network capture (it compares `location.hostname` exactly). */
const NO_NETWORK_HOSTS = new Set(["localhost", "127.0.0.1"]);

/** The host name of an origin or URL, lower case, or null when it does not parse. */
export function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export function isNoNetworkHost(host: string | null): boolean {
  return host !== null && NO_NETWORK_HOSTS.has(host);
}

/** Compares dotted versions numerically ("1.99.0" < "1.200.0"); non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length, 3); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
