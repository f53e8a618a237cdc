import { rewriteAssetUrls, type RrwebEvent } from "@replay-devkit/codec";
import { TestingError } from "./errors.js";

/**
 * Pinned copies of a recording's assets: original URL → the URL to load instead (a devkit's
 * `/api/assets/<sha256>`, a bundle's `assets/<sha256>.<ext>`, a `data:` URL…).
 * @see pinnedAssets
 * @see RebuildOptions.assets
 */
export type PinnedAssetMap = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/**
 * The pinned assets a running devkit holds for a recording, as a {@link PinnedAssetMap} pointing at
 * the devkit (`GET /api/recordings/:id/assets`). Missing assets are left out: they keep their URL.
 *
 * ```ts
 * const assets = await pinnedAssets("http://127.0.0.1:8010", rec.sessionId);
 * using dom = rebuildDom(rec, { assets });
 * ```
 */
export async function pinnedAssets(devkitUrl: string, recordingId: string): Promise<Map<string, string>> {
  const base = devkitUrl.replace(/\/+$/, "");
  const res = await fetch(`${base}/api/recordings/${encodeURIComponent(recordingId)}/assets`);
  if (!res.ok)
    throw new TestingError(
      "INVALID_OPTIONS",
      `pinnedAssets: ${base} answered ${res.status} for recording ${recordingId}; is it a replay-devkit with that recording?`,
    );
  const body = (await res.json()) as { assets?: { url?: unknown; status?: unknown; sha256?: unknown }[] };
  const map = new Map<string, string>();
  for (const a of body.assets ?? [])
    if (a.status === "pinned" && typeof a.url === "string" && typeof a.sha256 === "string")
      map.set(a.url, `${base}/api/assets/${a.sha256}`);
  return map;
}

/** `events` with pinned asset URLs swapped in (copy on write; the input is not changed). */
export function withPinnedAssets(events: readonly RrwebEvent[], assets: PinnedAssetMap): RrwebEvent[] {
  const map: ReadonlyMap<string, string> = assets instanceof Map ? assets : new Map(Object.entries(assets));
  const resolve = (url: string) => map.get(url);
  return events.map((event) => rewriteAssetUrls(event, resolve));
}
