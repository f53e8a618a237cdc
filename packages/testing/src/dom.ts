import { JSDOM, VirtualConsole } from "jsdom";
import { Replayer } from "rrweb";
import { EventType, type RrwebEvent, type SerializedNode } from "@replay-devkit/codec";
import { TestingError } from "./errors.js";
import type { LoadedRecording, Marker } from "./load.js";
import { stableSelector } from "./selectors.js";
import { formatOffset } from "./time.js";
import { withPinnedAssets, type PinnedAssetMap } from "./assets.js";

/**
 * Options of {@link rebuildDom}. Give `at` or `afterEvent` (default: the end of the window).
 * @see rebuildDom
 */
export interface RebuildOptions {
  /** Milliseconds since the start of the recording (all windows); events at exactly this time are applied. */
  at?: number;
  /** Index of an event in the window's `events`: the DOM right after it was applied. */
  afterEvent?: number;
  /** The window to rebuild (default: the recording's primary window). */
  windowId?: string;
  /**
   * Keep stylesheets (default true). `false` drops `<style>` text, inlined `<link>` CSS and
   * stylesheet-rule events before replaying: several times faster on CSS-heavy pages, but
   * `isVisible` then only sees the `hidden` attribute and inline styles.
   */
  styles?: boolean;
  /**
   * Pinned copies to show instead of the recorded asset URLs (images, stylesheets, fonts), e.g.
   * from {@link pinnedAssets}: the rebuilt DOM then points at them.
   */
  assets?: PinnedAssetMap;
}

function stripNode(node: SerializedNode, inStyle: boolean): SerializedNode {
  if (node.type === 3 && (inStyle || node.isStyle === true)) return { ...node, textContent: "" };
  if (node.type !== 2 && !node.childNodes) return node;
  const out: SerializedNode = { ...node };
  if (node.attributes && "_cssText" in node.attributes) {
    const { _cssText: _dropped, ...rest } = node.attributes;
    void _dropped;
    out.attributes = rest;
  }
  const style = node.tagName === "style";
  if (node.childNodes) out.childNodes = node.childNodes.map((c) => stripNode(c, style));
  return out;
}

const STYLE_SOURCES = new Set([8, 13, 15]); // StyleSheetRule, StyleDeclaration, AdoptedStyleSheet
const unstyledCache = new WeakMap<readonly RrwebEvent[], RrwebEvent[]>();

/** The events without stylesheet text, cached per events array. */
function withoutStyles(events: readonly RrwebEvent[]): RrwebEvent[] {
  const cached = unstyledCache.get(events);
  if (cached) return cached;
  const out: RrwebEvent[] = [];
  for (const event of events) {
    const data = (event as { data?: unknown }).data as Record<string, unknown> | undefined;
    if (event.type === EventType.FullSnapshot && data?.node) {
      out.push({
        ...event,
        data: { ...data, node: stripNode(data.node as SerializedNode, false) },
      } as RrwebEvent);
    } else if (
      event.type === EventType.IncrementalSnapshot &&
      data &&
      STYLE_SOURCES.has(data.source as number)
    ) {
      continue;
    } else if (
      event.type === EventType.IncrementalSnapshot &&
      data?.source === 0 &&
      Array.isArray(data.adds)
    ) {
      const adds = (data.adds as { node: SerializedNode }[]).map((a) => ({
        ...a,
        node: stripNode(a.node, false),
      }));
      out.push({ ...event, data: { ...data, adds } } as RrwebEvent);
    } else out.push(event);
  }
  unstyledCache.set(events, out);
  return out;
}

/**
 * A document rebuilt from a recording at one moment, in jsdom. Dispose it (`using`, or
 * `dispose()`) to free the replayer; the shared jsdom host window stays for the next rebuild.
 * @see rebuildDom
 */
export interface RebuiltDom extends Disposable {
  /** The recorded page's document (inside rrweb's sandboxed iframe). */
  readonly document: Document;
  /** Recording offset (ms since the recording's start) the document reflects. */
  readonly offsetMs: number;
  readonly windowId: string;
  /** `document.documentElement.outerHTML`. */
  html(): string;
  /** Whitespace-collapsed text of the first element matching `selector` (default body), or null. */
  text(selector?: string): string | null;
  /** Whether `selector` matches an element that is not hidden (`hidden`, `display:none`, `visibility:hidden`). */
  isVisible(selector: string): boolean;
  /** The live rebuilt node rrweb knew by `id` (null when it did not exist at this moment). */
  node(id: number): Node | null;
  /** The rrweb id of a rebuilt node (-1 when unknown). */
  idOf(node: Node): number;
  /** Moves to another moment (same window): cheap forward and backward seeks on one replayer. */
  seek(at: number): void;
  dispose(): void;
}

interface Host {
  window: Window & typeof globalThis;
  globals: Record<string, unknown>;
  jsdomErrors: number;
}

let host: Host | undefined;

// rrweb's replayer reads `document` and DOM interface names (HTMLFormElement, ...) as globals. They are
// set only while it runs, so msw and other code that sniffs `document` still see a plain Node process.
function getHost(): Host {
  if (host) return host;
  const virtualConsole = new VirtualConsole();
  const state = { jsdomErrors: 0 };
  // jsdom reports unparsable CSS and unimplemented scrollTo here; neither changes the rebuilt DOM.
  virtualConsole.on("jsdomError", () => {
    state.jsdomErrors++;
  });
  const dom = new JSDOM("<!doctype html><html><head></head><body></body></html>", {
    pretendToBeVisual: true,
    virtualConsole,
  });
  const win = dom.window as unknown as Window & typeof globalThis;
  // jsdom lacks the `sandbox` IDL attribute; rrweb 2.2 refuses to rebuild into an iframe without it.
  const iframeProto = (win as unknown as { HTMLIFrameElement: { prototype: HTMLIFrameElement } })
    .HTMLIFrameElement.prototype;
  if (!Object.getOwnPropertyDescriptor(iframeProto, "sandbox"))
    Object.defineProperty(iframeProto, "sandbox", {
      configurable: true,
      get(this: HTMLIFrameElement) {
        return (this.getAttribute("sandbox") ?? "").split(/\s+/).filter(Boolean);
      },
    });
  const globals: Record<string, unknown> = {
    window: win,
    document: win.document,
    requestAnimationFrame: win.requestAnimationFrame.bind(win),
    cancelAnimationFrame: win.cancelAnimationFrame.bind(win),
  };
  // Node has its own Event classes; jsdom elements only accept jsdom's (rrweb dispatches mouse events).
  for (const key of ["Event", "CustomEvent"]) globals[key] = (win as unknown as Record<string, unknown>)[key];
  for (const key of Object.getOwnPropertyNames(win)) {
    if (!/^[A-Z]/.test(key) || key in globalThis) continue;
    globals[key] = (win as unknown as Record<string, unknown>)[key];
  }
  host = {
    window: win,
    globals,
    get jsdomErrors() {
      return state.jsdomErrors;
    },
  };
  return host;
}

/** Runs `fn` with the jsdom host's DOM globals installed, then restores what was there. */
function withDomGlobals<T>(h: Host, fn: () => T): T {
  const g = globalThis as unknown as Record<string, unknown>;
  const saved: [string, PropertyDescriptor | undefined][] = [];
  for (const [key, value] of Object.entries(h.globals)) {
    saved.push([key, Object.getOwnPropertyDescriptor(g, key)]);
    Object.defineProperty(g, key, { value, configurable: true, writable: true, enumerable: false });
  }
  try {
    return fn();
  } finally {
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(g, key, descriptor);
      else delete g[key];
    }
  }
}

const quietLogger = { log: () => undefined, warn: () => undefined };

function isHidden(el: Element): boolean {
  for (let cur: Element | null = el; cur; cur = cur.parentElement) {
    if (cur.hasAttribute("hidden")) return true;
    const view: Window | null = cur.ownerDocument.defaultView;
    let display = (cur as HTMLElement).style?.display ?? "";
    let visibility = (cur as HTMLElement).style?.visibility ?? "";
    try {
      const cs = view?.getComputedStyle(cur);
      if (cs) {
        display = cs.display || display;
        visibility = cs.visibility || visibility;
      }
    } catch {
      // jsdom's cascade gives up on some stylesheets; inline style is still checked above.
    }
    if (display === "none" || visibility === "hidden") return true;
  }
  return false;
}

class DomReplay implements RebuiltDom {
  readonly windowId: string;
  #offsetMs = 0;
  #replayer!: Replayer;
  #container: HTMLElement | undefined;
  #host: Host;
  #events: readonly RrwebEvent[];
  #recordingStart: number;
  #disposed = false;

  constructor(rec: LoadedRecording, windowId: string, styles = true, assets?: PinnedAssetMap) {
    this.windowId = windowId;
    const recorded = styles
      ? rec.events(windowId)
      : this.#guard(0, () => withoutStyles(rec.events(windowId)));
    this.#events = assets ? withPinnedAssets(recorded, assets) : recorded;
    this.#recordingStart = rec.startTime;
    if (!this.#events.some((e) => e.type === EventType.FullSnapshot))
      throw new TestingError(
        "NO_FULL_SNAPSHOT",
        `Window ${windowId} of recording ${rec.sessionId} has no full snapshot, so there is no DOM to rebuild. ` +
          `Record from page load, or trim the fixture to start at a full snapshot.`,
      );
    this.#host = getHost();
    const doc = this.#host.window.document;
    this.#container = doc.createElement("div");
    doc.body.appendChild(this.#container);
    // rrweb needs two events; a lone full snapshot is still a valid document.
    const events =
      this.#events.length >= 2 ? this.#events : [...this.#events, { ...(this.#events[0] as RrwebEvent) }];
    this.#replayer = this.#guard(0, () =>
      withDomGlobals(
        this.#host,
        () =>
          new Replayer(events as RrwebEvent[], {
            root: this.#container,
            mouseTail: false,
            showWarning: false,
            showDebug: false,
            triggerFocus: false,
            skipInactive: false,
            logger: quietLogger,
          }),
      ),
    );
    // The constructor also schedules its own first rebuild on a timer, which would run without the DOM
    // globals; applying the first full snapshot now makes that timer a no-op.
    const firstSnapshot = this.#events.find((e) => e.type === EventType.FullSnapshot) as RrwebEvent;
    try {
      this.seek(firstSnapshot.timestamp - this.#recordingStart);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Turns whatever rrweb throws on malformed events into a typed error naming the moment. */
  #guard<T>(at: number, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (!this.#replayer) this.#container?.remove();
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new TestingError(
        "REBUILD_FAILED",
        `rrweb could not replay window ${this.windowId} up to ${formatOffset(at)}: ${detail}. The recording is ` +
          `probably corrupt or truncated; load it with loadRecording() so the codec validates every event.`,
        { cause: error },
      );
    }
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  get document(): Document {
    this.#check();
    const doc = this.#replayer.iframe.contentDocument;
    if (!doc) throw new TestingError("NO_FULL_SNAPSHOT", "The rebuilt iframe has no document.");
    return doc;
  }

  seek(at: number): void {
    this.#check();
    const first = (this.#events[0] as RrwebEvent).timestamp;
    const firstSnapshot = this.#events.find((e) => e.type === EventType.FullSnapshot) as RrwebEvent;
    const windowOffset = this.#recordingStart + at - first;
    if (this.#recordingStart + at < firstSnapshot.timestamp)
      throw new TestingError(
        "NO_FULL_SNAPSHOT",
        `At ${at} ms window ${this.windowId} has no DOM yet: its first full snapshot is at ${firstSnapshot.timestamp - this.#recordingStart} ms.`,
      );
    // +1: the replayer applies events strictly before the pause offset.
    this.#guard(at, () =>
      withDomGlobals(this.#host, () => this.#replayer.pause(Math.max(0, windowOffset) + 1)),
    );
    this.#offsetMs = at;
  }

  html(): string {
    return this.document.documentElement?.outerHTML ?? "";
  }

  text(selector = "body"): string | null {
    const el = this.document.querySelector(selector);
    return el ? (el.textContent ?? "").replace(/\s+/g, " ").trim() : null;
  }

  isVisible(selector: string): boolean {
    const el = this.document.querySelector(selector);
    return el !== null && !isHidden(el);
  }

  node(id: number): Node | null {
    this.#check();
    return (this.#replayer.getMirror().getNode(id) as Node | null) ?? null;
  }

  idOf(node: Node): number {
    this.#check();
    return this.#replayer.getMirror().getId(node as never);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      withDomGlobals(this.#host, () => this.#replayer.destroy());
    } catch {
      // A replayer that failed mid-rebuild may not have its wrapper attached; the container goes anyway.
    }
    this.#container?.remove();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  #check(): void {
    if (this.#disposed) throw new TestingError("INVALID_OPTIONS", "This rebuilt DOM was disposed already.");
  }
}

/**
 * Rebuilds the recorded document of one window at a moment, in Node, with rrweb's own `Replayer`
 * running inside one shared jsdom window (reused by every call, so hundreds of fixtures stay cheap).
 *
 * ```ts
 * using dom = rebuildDom(rec, { at: rec.findClick("#checkout")!.offsetMs + 1500 });
 * expect(dom.isVisible(".banner.error")).toBe(true);
 * ```
 * @see RebuiltDom
 * @see LoadedRecording.at
 */
export function rebuildDom(rec: LoadedRecording, opts: RebuildOptions = {}): RebuiltDom {
  if (opts.at !== undefined && opts.afterEvent !== undefined)
    throw new TestingError("INVALID_OPTIONS", "rebuildDom: give either `at` or `afterEvent`, not both.");
  const windowId = opts.windowId ?? rec.primaryWindowId;
  const events = rec.events(windowId);
  let at: number;
  if (opts.afterEvent !== undefined) {
    const event = events[opts.afterEvent];
    if (!event || !Number.isInteger(opts.afterEvent))
      throw new TestingError(
        "INVALID_OPTIONS",
        `rebuildDom: afterEvent ${opts.afterEvent} is out of range; window ${windowId} has events 0..${events.length - 1}.`,
      );
    at = event.timestamp - rec.startTime;
  } else if (opts.at !== undefined) {
    if (!Number.isFinite(opts.at))
      throw new TestingError(
        "INVALID_OPTIONS",
        `rebuildDom: \`at\` must be a finite number of ms, got ${opts.at}.`,
      );
    at = opts.at;
  } else at = rec.durationMs;
  const replay = new DomReplay(rec, windowId, opts.styles ?? true, opts.assets);
  try {
    replay.seek(at);
  } catch (error) {
    replay.dispose();
    throw error;
  }
  return replay;
}

/**
 * The first click (or tap) on an element matching `selector` (the clicked element or one of its
 * ancestors), resolved against the DOM rebuilt at that moment.
 * @see LoadedRecording.findClick
 */
export function findClick(
  rec: LoadedRecording,
  selector: string,
  opts: { windowId?: string; nth?: number } = {},
): (Marker & { selector: string }) | undefined {
  const byWindow = new Map<string, Marker[]>();
  for (const m of rec.markers({ kind: "click", ...(opts.windowId ? { windowId: opts.windowId } : {}) })) {
    if (m.nodeId === undefined) continue;
    const list = byWindow.get(m.windowId) ?? [];
    list.push(m);
    byWindow.set(m.windowId, list);
  }
  const hits: (Marker & { selector: string })[] = [];
  for (const [windowId, clicks] of byWindow) {
    if (!rec.events(windowId).some((e) => e.type === EventType.FullSnapshot)) continue;
    const replay = new DomReplay(rec, windowId);
    try {
      for (const click of clicks) {
        if (
          click.timestamp <
          (rec.events(windowId).find((e) => e.type === EventType.FullSnapshot)?.timestamp ?? 0)
        )
          continue;
        replay.seek(click.offsetMs);
        const node = replay.node(click.nodeId as number);
        const el = node && (node.nodeType === 1 ? (node as Element) : node.parentElement);
        const matched = el?.closest(selector);
        if (matched) hits.push({ ...click, selector: stableSelector(matched) });
      }
    } finally {
      replay.dispose();
    }
  }
  hits.sort((a, b) => a.timestamp - b.timestamp);
  return hits[opts.nth ?? 0];
}

/**
 * Seekable replay used by the re-drive (one replayer for all checkpoints). @internal
 * @see rebuildDom
 */
export function openReplay(rec: LoadedRecording, windowId: string, assets?: PinnedAssetMap): RebuiltDom {
  return new DomReplay(rec, windowId, true, assets);
}
