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
import type { AssetMissingReason, RecordingStore } from "@replay-devkit/store";
import {
  ASSET_CONTENT_TYPES,
  bareMediaType,
  fetchAsset,
  isLoopbackHost,
  type AssetFetchResult,
} from "./asset-fetch.js";

/**
 * What the server may fetch to pin a recording's assets; see the server README ("Asset pinning").
 * `dev` pins from the page's own origin and loopback hosts; `serve` (a shared server that must not
 * be made to fetch inside its own network by whoever holds the project token) only from the
 * origins it is given.
 */
export interface AssetPinningOptions {
  /**
   * Origins whose assets may be fetched besides the page's own and loopback hosts (e.g. a CDN);
   * `"*"` allows every origin. Default none.
   */
  allowOrigins?: readonly string[] | "*";
  /** Trust the origins of the recorded pages (Meta hrefs). Default true; `serve` sets false. */
  pageOrigins?: boolean;
  /** Fetch from `localhost`, `*.localhost`, 127.x and ::1. Default true; `serve` sets false. */
  loopback?: boolean;
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

type NumericOption = keyof typeof DEFAULT_ASSET_PINNING;
type ResolvedPinning = Record<NumericOption, number> & {
  allowOrigins: ReadonlySet<string> | "*";
  pageOrigins: boolean;
  loopback: boolean;
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
  const numbers: Record<NumericOption, number> = { ...DEFAULT_ASSET_PINNING };
  for (const key of Object.keys(DEFAULT_ASSET_PINNING) as NumericOption[]) {
    const value = options[key] ?? DEFAULT_ASSET_PINNING[key];
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`assets.${key} must be a positive whole number, got ${String(value)}`);
    numbers[key] = value;
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
  return {
    ...numbers,
    allowOrigins,
    pageOrigins: options.pageOrigins ?? true,
    loopback: options.loopback ?? true,
  };
}

interface Tracked {
  /** Origins of the pages this recording showed (from Meta events and its metadata). */
  origins: Set<string>;
  /** URL → the sha256 it was pinned to, or null when missing; a promise while in flight. */
  urls: Map<string, Promise<string | null>>;
  bytes: number;
}

/**
 * Pins the assets recordings reference, in the background. The capture routes hand it each
 * committed request after answering; discovery and fetching never delay an upload. Results land in
 * the store's assets (`RecordingStore.assets`, on every driver).
 */
export class AssetPinner {
  private readonly options: ResolvedPinning;
  private readonly tracked = new Map<string, Promise<Tracked>>();
  private readonly fetches = new Map<string, { at: number; result: Promise<AssetFetchResult> }>();
  /** Scans still running, so close() and tests can wait for them. */
  private readonly scans = new Set<Promise<void>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly store: RecordingStore,
    options: AssetPinningOptions,
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.options = resolveAssetPinning(options);
  }

  /** Looks for assets in committed batches on a later turn and starts fetching them. */
  observe(batches: readonly SnapshotBatch[]): void {
    if (this.closed || batches.length === 0) return;
    const scan = (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      for (const batch of batches) {
        try {
          await this.scan(batch);
        } catch (error) {
          this.log(`replay-devkit: asset pinning failed for ${batch.sessionId}: ${String(error)}`);
        }
      }
    })();
    this.scans.add(scan);
    void scan.finally(() => this.scans.delete(scan));
  }

  /** Resolves once every asset seen so far is pinned or missing (tests, and a clean shutdown). */
  async settled(): Promise<void> {
    // Jobs start more jobs (a stylesheet's url()s), so wait until a round starts nothing new.
    for (let before = -1; ;) {
      await Promise.all([...this.scans]);
      const tracked = await Promise.all([...this.tracked.values()]);
      const jobs = tracked.flatMap((t) => [...t.urls.values()]);
      await Promise.all(jobs);
      if (this.scans.size === 0 && jobs.length === before) return;
      before = jobs.length;
    }
  }

  close(): void {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async scan(batch: SnapshotBatch): Promise<void> {
    const id = batch.sessionId;
    const rec = await this.track(id);
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
          rec.urls.set(asset.url, this.pin(id, rec, asset.url, contentType, asset.bytes));
        }
        continue;
      }
      for (const ref of findAssetRefs(event)) if (!rec.urls.has(ref.url)) found.push(ref);
    }
    if (found.length === 0 || this.closed) return;
    try {
      await this.store.assets.markSeen(
        id,
        found.map((f) => f.url),
      );
    } catch (error) {
      this.log(`replay-devkit: could not note assets of ${id}: ${String(error)}`);
      return;
    }
    for (const ref of found) if (!rec.urls.has(ref.url)) void this.start(id, rec, ref.url, ref.kind, 0);
  }

  private track(id: string): Promise<Tracked> {
    const known = this.tracked.get(id);
    if (known) {
      this.tracked.delete(id);
      this.tracked.set(id, known);
      return known;
    }
    const loading = this.load(id);
    this.tracked.set(id, loading);
    while (this.tracked.size > MAX_TRACKED_RECORDINGS) {
      const oldest = this.tracked.keys().next().value as string;
      this.tracked.delete(oldest);
    }
    return loading;
  }

  private async load(id: string): Promise<Tracked> {
    const rec: Tracked = { origins: new Set(), urls: new Map(), bytes: 0 };
    try {
      const summary = await this.store.getRecording(id);
      for (const u of summary?.urls ?? []) {
        const url = absoluteAssetUrl(u);
        if (url) rec.origins.add(new URL(url).origin);
      }
      const assets = await this.store.assets.list(id);
      for (const a of assets) if (a.status !== "pending") rec.urls.set(a.url, Promise.resolve(a.sha256));
      rec.bytes = (await this.store.assets.summary(id)).pinnedBytes;
    } catch {
      // A recording the store cannot read yet simply starts from nothing.
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
    if (this.options.loopback && isLoopbackHost(url.hostname)) return true;
    if (this.options.pageOrigins && rec.origins.has(url.origin)) return true;
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
        this.options.pageOrigins
          ? `${parsed.origin} is not the page's origin or a loopback host; allow it with --pin-origin ${parsed.origin}`
          : `${parsed.origin} is not one of the --pin-origin origins`,
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
        await this.store.assets.markSeen(
          id,
          refs.map((r) => r.url),
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

  private async pin(
    id: string,
    rec: Tracked,
    url: string,
    contentType: string,
    data: Uint8Array,
  ): Promise<string | null> {
    if (rec.bytes + data.byteLength > this.options.maxRecordingBytes)
      return this.miss(
        id,
        url,
        "recording-cap",
        `pinning ${data.byteLength} more bytes would pass the ${this.options.maxRecordingBytes}-byte cap per recording`,
      );
    // Counted before the write, so pins running at once cannot pass the cap together.
    rec.bytes += data.byteLength;
    try {
      return await this.store.assets.pin(id, url, contentType, data);
    } catch (error) {
      rec.bytes -= data.byteLength;
      this.log(`replay-devkit: could not store the pinned copy of ${url}: ${String(error)}`);
      return null;
    }
  }

  private async miss(id: string, url: string, reason: AssetMissingReason, detail: string): Promise<null> {
    try {
      await this.store.assets.miss(id, url, reason, detail);
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
