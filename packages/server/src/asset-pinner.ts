import {
  absoluteAssetUrl,
  cssAssetRefs,
  findAssetRefs,
  metaHref,
  recordedAsset,
  rewriteCss,
  type AssetKind,
  type SnapshotBatch,
} from "@replay-devkit/codec";
import type { AssetMissingReason, Store } from "@replay-devkit/store";
import {
  ASSET_CONTENT_TYPES,
  bareMediaType,
  fetchAsset,
  isLoopbackHost,
  type AssetFetchResult,
} from "./asset-fetch.js";

/** What `dev` may fetch to pin a recording's assets; see the server README ("Asset pinning"). */
export interface AssetPinningOptions {
  /**
   * Origins besides the page's own and loopback hosts (`localhost`, `*.localhost`, 127.x, ::1)
   * whose assets may be fetched, e.g. a CDN; `"*"` allows every origin. Default none.
   */
  allowOrigins?: readonly string[] | "*";
  /** Largest pinned asset (default 10 MiB). */
  maxAssetBytes?: number;
  /** Pinned bytes per recording (default 100 MiB); later assets are recorded as `recording-cap`. */
  maxRecordingBytes?: number;
  /** Per asset, redirects included (default 10 s). */
  timeoutMs?: number;
  /** Fetches at once (default 4). */
  concurrency?: number;
  /** Same-origin redirects followed (default 3). */
  maxRedirects?: number;
  /** Fetches waiting beyond this are recorded as `queue-full` (default 2000). */
  maxQueue?: number;
}

type ResolvedPinning = Required<Omit<AssetPinningOptions, "allowOrigins">> & {
  allowOrigins: ReadonlySet<string> | "*";
};

export const DEFAULT_ASSET_PINNING = Object.freeze({
  maxAssetBytes: 10 * 1024 * 1024,
  maxRecordingBytes: 100 * 1024 * 1024,
  timeoutMs: 10_000,
  concurrency: 4,
  maxRedirects: 3,
  maxQueue: 2000,
});

// Stylesheets importing stylesheets: deep enough for real apps, bounded against loops.
const MAX_CSS_DEPTH = 3;
// A fetched URL is reused by every recording that references it within this window (page reloads).
const FETCH_REUSE_MS = 60_000;
const MAX_REUSED_FETCHES = 256;
// Recordings whose seen URLs are remembered in memory; older ones fall back to the store's rows.
const MAX_TRACKED_RECORDINGS = 200;

export function resolveAssetPinning(options: AssetPinningOptions): ResolvedPinning {
  const merged = { ...DEFAULT_ASSET_PINNING, ...options };
  for (const key of Object.keys(DEFAULT_ASSET_PINNING) as (keyof typeof DEFAULT_ASSET_PINNING)[]) {
    const value = merged[key];
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`assets.${key} must be a positive whole number, got ${String(value)}`);
  }
  let allowOrigins: ReadonlySet<string> | "*" = new Set();
  if (options.allowOrigins === "*") allowOrigins = "*";
  else if (options.allowOrigins !== undefined) {
    allowOrigins = new Set(
      options.allowOrigins.map((o) => {
        const url = absoluteAssetUrl(o);
        if (url === null)
          throw new Error(`assets.allowOrigins: ${JSON.stringify(o)} is not an http(s) origin`);
        return new URL(url).origin;
      }),
    );
  }
  return { ...merged, allowOrigins };
}

interface Tracked {
  /** Origins of the pages this recording showed (from Meta events and its metadata). */
  origins: Set<string>;
  /** URL → the sha256 it was pinned to, or null when missing; a promise while in flight. */
  urls: Map<string, Promise<string | null>>;
  bytes: number;
}

/**
 * Pins the assets recordings reference, in the background. The capture route hands it each
 * committed request after answering posthog-js; discovery and fetching never delay an upload.
 * Results land in the store's asset tables (see @replay-devkit/store assets.ts).
 */
export class AssetPinner {
  private readonly options: ResolvedPinning;
  private readonly tracked = new Map<string, Tracked>();
  private readonly fetches = new Map<string, { at: number; result: Promise<AssetFetchResult> }>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly store: Store,
    options: AssetPinningOptions,
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.options = resolveAssetPinning(options);
  }

  /** Looks for assets in committed batches on a later turn and starts fetching them. */
  observe(batches: readonly SnapshotBatch[]): void {
    if (this.closed || batches.length === 0) return;
    setImmediate(() => {
      try {
        for (const batch of batches) this.scan(batch);
      } catch (error) {
        this.log(`replay-devkit: asset pinning failed: ${String(error)}`);
      }
    });
  }

  close(): void {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  private scan(batch: SnapshotBatch): void {
    const id = batch.sessionId;
    const rec = this.track(id);
    const found: { url: string; kind: AssetKind }[] = [];
    for (const event of batch.events) {
      const href = metaHref(event);
      if (href !== null) {
        const url = absoluteAssetUrl(href);
        if (url) rec.origins.add(new URL(url).origin);
      }
      const asset = recordedAsset(event);
      if (asset && !rec.urls.has(asset.url)) {
        // rrweb's own Asset event (type 7) already holds the bytes: store them, no fetch.
        const contentType = bareMediaType(asset.contentType);
        if (ASSET_CONTENT_TYPES.has(contentType) && asset.bytes.byteLength <= this.options.maxAssetBytes) {
          rec.urls.set(asset.url, Promise.resolve(this.pin(id, rec, asset.url, contentType, asset.bytes)));
        }
        continue;
      }
      for (const ref of findAssetRefs(event)) if (!rec.urls.has(ref.url)) found.push(ref);
    }
    if (found.length === 0) return;
    try {
      this.store.assets.markSeen(
        id,
        found.map((f) => f.url),
        this.now(),
      );
    } catch (error) {
      this.log(`replay-devkit: could not note assets of ${id}: ${String(error)}`);
      return;
    }
    for (const ref of found) if (!rec.urls.has(ref.url)) this.start(id, rec, ref.url, ref.kind, 0);
  }

  private track(id: string): Tracked {
    let rec = this.tracked.get(id);
    if (rec) {
      this.tracked.delete(id);
      this.tracked.set(id, rec);
      return rec;
    }
    rec = { origins: new Set(), urls: new Map(), bytes: 0 };
    try {
      const summary = this.store.getRecording(id);
      for (const u of summary?.urls ?? []) {
        const url = absoluteAssetUrl(u);
        if (url) rec.origins.add(new URL(url).origin);
      }
      rec.bytes = this.store.assets.pinnedBytes(id);
      for (const a of this.store.assets.list(id))
        if (a.status !== "pending") rec.urls.set(a.url, Promise.resolve(a.sha256));
    } catch {
      // A recording the store cannot read yet simply starts from nothing.
    }
    this.tracked.set(id, rec);
    while (this.tracked.size > MAX_TRACKED_RECORDINGS) {
      const oldest = this.tracked.keys().next().value as string;
      this.tracked.delete(oldest);
    }
    return rec;
  }

  private start(
    id: string,
    rec: Tracked,
    url: string,
    kind: AssetKind,
    depth: number,
  ): Promise<string | null> {
    const existing = rec.urls.get(url);
    if (existing) return existing;
    const job = this.pinUrl(id, rec, url, kind, depth).catch((error: unknown) => {
      this.log(`replay-devkit: pinning ${url} failed: ${String(error)}`);
      return null;
    });
    rec.urls.set(url, job);
    return job;
  }

  private allowed(rec: Tracked, url: URL): boolean {
    if (isLoopbackHost(url.hostname)) return true;
    if (rec.origins.has(url.origin)) return true;
    const allow = this.options.allowOrigins;
    return allow === "*" || allow.has(url.origin);
  }

  private async pinUrl(
    id: string,
    rec: Tracked,
    url: string,
    kind: AssetKind,
    depth: number,
  ): Promise<string | null> {
    const parsed = new URL(url);
    if (!this.allowed(rec, parsed))
      return this.miss(
        id,
        url,
        "other-origin",
        `${parsed.origin} is not the page's origin or a loopback host; allow it with --pin-origin ${parsed.origin}`,
      );
    if (this.waiting.length >= this.options.maxQueue)
      return this.miss(
        id,
        url,
        "queue-full",
        `more than ${this.options.maxQueue} assets waiting to be fetched`,
      );
    const result = await this.fetchShared(url);
    if (this.closed) return null;
    if (!result.ok) return this.miss(id, url, result.reason, result.detail);
    let data: Uint8Array = result.data;
    if (result.contentType === "text/css" || kind === "stylesheet") {
      if (result.contentType !== "text/css")
        return this.miss(id, url, "wrong-type", `${result.contentType} named as a stylesheet`);
      data = await this.pinStylesheet(id, rec, result.url, result.data.toString("utf8"), depth);
    }
    return this.pin(id, rec, url, result.contentType, data);
  }

  /**
   * A stylesheet's own `url()`s and `@import`s are pinned first, then the stylesheet is stored with
   * them pointing at their copies by bare sha256: served from `/api/assets/<sha>`, a relative
   * `url(<sha>)` resolves to the sibling copy on any devkit origin. Missing ones keep their URL.
   */
  private async pinStylesheet(
    id: string,
    rec: Tracked,
    base: string,
    css: string,
    depth: number,
  ): Promise<Uint8Array> {
    if (depth >= MAX_CSS_DEPTH) return new TextEncoder().encode(css);
    const refs = cssAssetRefs(css, base);
    if (refs.length > 0) {
      try {
        this.store.assets.markSeen(
          id,
          refs.map((r) => r.url),
          this.now(),
        );
      } catch {
        // The rows are notes; the fetches below still record their outcome.
      }
    }
    const shas = new Map<string, string>();
    await Promise.all(
      refs.map(async (ref) => {
        const sha = await this.start(id, rec, ref.url, ref.kind, depth + 1);
        if (sha) shas.set(ref.url, sha);
      }),
    );
    return new TextEncoder().encode(rewriteCss(css, (u) => shas.get(u), base));
  }

  private pin(id: string, rec: Tracked, url: string, contentType: string, data: Uint8Array): string | null {
    if (rec.bytes + data.byteLength > this.options.maxRecordingBytes)
      return this.miss(
        id,
        url,
        "recording-cap",
        `pinning ${data.byteLength} more bytes would pass the ${this.options.maxRecordingBytes}-byte cap per recording`,
      );
    try {
      const sha = this.store.assets.pin(id, url, contentType, data, this.now());
      rec.bytes += data.byteLength;
      return sha;
    } catch (error) {
      this.log(`replay-devkit: could not store the pinned copy of ${url}: ${String(error)}`);
      return null;
    }
  }

  private miss(id: string, url: string, reason: AssetMissingReason, detail: string): null {
    try {
      this.store.assets.miss(id, url, reason, detail, this.now());
    } catch (error) {
      this.log(`replay-devkit: could not note the missing asset ${url}: ${String(error)}`);
    }
    return null;
  }

  private fetchShared(url: string): Promise<AssetFetchResult> {
    const now = this.now();
    const cached = this.fetches.get(url);
    if (cached && now - cached.at < FETCH_REUSE_MS) return cached.result;
    for (const [key, entry] of this.fetches) if (now - entry.at >= FETCH_REUSE_MS) this.fetches.delete(key);
    // Bounded memory: the oldest results go first (their bytes are in the store by then anyway).
    while (this.fetches.size >= MAX_REUSED_FETCHES)
      this.fetches.delete(this.fetches.keys().next().value as string);
    const result = this.withSlot(() =>
      fetchAsset(url, {
        maxAssetBytes: this.options.maxAssetBytes,
        timeoutMs: this.options.timeoutMs,
        maxRedirects: this.options.maxRedirects,
      }),
    );
    this.fetches.set(url, { at: now, result });
    return result;
  }

  private async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    while (this.running >= this.options.concurrency && !this.closed)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
