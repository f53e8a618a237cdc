import {
  EventType,
  IncrementalSource,
  windowConsoleEntries,
  windowNetworkEntries,
  type NetworkEntry,
  type Recording,
} from "@replay-devkit/codec";
import { recordingMarkers, type RecordingMarker } from "./markers.js";
import { NodeMirror } from "./mirror.js";
import { classifyRequest } from "./requests.js";
import { countElements, subtreeIds } from "./serialized.js";
import { shorten } from "./text.js";
import { recordingSpan } from "./time.js";

/** Version of the `--format json` shape; bumped on any change that could break a reader. */
export const TIMELINE_FORMAT_VERSION = 1;

interface EntryBase {
  /** Milliseconds since the recording's first event. */
  offsetMs: number;
  windowId: string | null;
}

export interface PageEntry extends EntryBase {
  kind: "page";
  url: string;
}

export interface ClickEntry extends EntryBase {
  kind: "click";
  /** Stable selector of the clicked element, or null when the node is not in the snapshot. */
  selector: string | null;
  /** Visible text of the element, shortened. */
  text: string;
}

export interface InputEntry extends EntryBase {
  kind: "input";
  selector: string | null;
  /** The final value of a run of keystrokes; null when masked. */
  value: string | null;
  /** True when the recorder masked the value (rrweb writes `*`s) or the field is a password. */
  masked: boolean;
  /** Length of the value as recorded. */
  length: number;
  checked?: boolean;
  /** Keystroke events folded into this entry. */
  events: number;
}

export interface DomChange {
  /** The element the change happened in (the parent for added and removed nodes). */
  selector: string;
  added: number;
  removed: number;
  textChanged: boolean;
  /** The latest text written there, shortened. */
  text?: string;
  attributes: string[];
}

export interface DomEntry extends EntryBase {
  kind: "dom";
  /** Offset of the last mutation folded into this entry. */
  endOffsetMs: number;
  mutations: number;
  changes: DomChange[];
  summary: string;
}

export interface ConsoleTimelineEntry extends EntryBase {
  kind: "console";
  level: string;
  /** The first argument, unquoted when it was a string. */
  message: string;
  argCount: number;
  /** The first stack frame the console plugin recorded. */
  source: string | null;
}

export interface RequestEntry extends EntryBase {
  kind: "request";
  method: string;
  url: string;
  status: number | null;
  durationMs: number | null;
  /** HTTP status 400 and above, or 0 (network error, blocked, aborted). */
  failed: boolean;
  initiator: string | null;
  requestBody?: string;
  responseBody?: string;
}

export interface CustomEntry extends EntryBase {
  kind: "custom";
  /** rrweb custom event tag, or the PostHog event name. */
  name: string;
  source: "rrweb" | "posthog";
  payload: string | null;
}

export type TimelineEntry =
  PageEntry | ClickEntry | InputEntry | DomEntry | ConsoleTimelineEntry | RequestEntry | CustomEntry;

export interface Timeline {
  sessionId: string;
  windowIds: string[];
  /** Epoch ms of the first event. */
  startTime: number;
  durationMs: number;
  entries: TimelineEntry[];
  /** First-seen selectors, URLs and names, for "the anchor matched nothing" messages. */
  seen: { clicks: string[]; inputs: string[]; requests: string[]; pages: string[]; events: string[] };
}

/** An anchor as `around` accepts it, already parsed. */
export type Anchor =
  | { kind: "time"; offsetMs: number; text: string }
  | { kind: "click" | "input"; selector: string | null; text: string }
  | { kind: "error" | "warn"; contains: string | null; text: string }
  | { kind: "request" | "url" | "event"; contains: string | null; text: string };

export interface TimelineOptions {
  /** Only this window. */
  windowId?: string;
  /** Keep request and response bodies, cut at `bodyLimit` characters. */
  bodies?: boolean;
  bodyLimit?: number;
  /** Marks the first matching entry; see {@link Timeline} and {@link findAnchor}. */
  anchor?: Anchor;
}

/** Custom events the SDK writes for itself; they say nothing about what the user did. */
const SDK_CUSTOM_TAGS = new Set([
  "$remote_config_received",
  "$session_options",
  "$posthog_config",
  "$recording_started",
  "$pageview",
  "$session_id_change",
]);
/** PostHog analytics events that repeat what the rrweb events already show. */
const SKIPPED_POSTHOG_EVENTS = new Set([
  "$autocapture",
  "$pageview",
  "$pageleave",
  "$snapshot",
  "$set",
  "$identify",
]);
/** Properties posthog-js adds to every event; the app's own are the interesting ones. */
const POSTHOG_ENVELOPE_PROPS = new Set(["distinct_id", "token"]);
const SEEN_LIMIT = 8;
const MAX_DOM_CHANGES = 4;
/** rrweb-snapshot NodeType.Element. */
const ELEMENT_NODE = 2;

function firstArgument(payload: readonly string[]): string {
  const first = payload[0];
  if (first === undefined) return "";
  try {
    const value: unknown = JSON.parse(first);
    return typeof value === "string" ? value : first;
  } catch {
    return first;
  }
}

// The platform URL parser, typed with the members read here (this package compiles without DOM or node types).
const PlatformUrl = (
  globalThis as unknown as { URL: new (url: string) => { pathname: string; search: string } }
).URL;

function pathOf(url: string): string {
  try {
    const parsed = new PlatformUrl(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function pushSeen(list: string[], value: string | null): void {
  if (value && list.length < SEEN_LIMIT && !list.includes(value)) list.push(value);
}

interface PendingDom {
  entry: DomEntry;
  byKey: Map<string, DomChange>;
}

/**
 * Builds the timeline of one recording: page loads, clicks and inputs with stable selectors (the
 * node mirror replays each window's DOM as it goes), folded DOM changes between user actions,
 * console warnings and errors, requests, and custom events. Entries are in time order.
 */
export function buildTimeline(
  rec: Recording,
  opts: TimelineOptions = {},
): Timeline & { anchorEntry: TimelineEntry | null } {
  const { start, end } = recordingSpan(rec) ?? { start: 0, end: 0 };
  const bodyLimit = opts.bodyLimit ?? 500;
  const entries: TimelineEntry[] = [];
  const seen: Timeline["seen"] = { clicks: [], inputs: [], requests: [], pages: [], events: [] };
  let anchorEntry: TimelineEntry | null = null;
  const anchor = opts.anchor;
  const consider = (entry: TimelineEntry, matches: boolean) => {
    if (matches && (!anchorEntry || entry.offsetMs < anchorEntry.offsetMs)) anchorEntry = entry;
  };
  const markers = recordingMarkers(rec, start);

  for (const w of rec.windows) {
    if (opts.windowId !== undefined && w.windowId !== opts.windowId) continue;
    const windowId = w.windowId;
    const mirror = new NodeMirror();
    const byIndex = new Map<number, RecordingMarker>();
    for (const m of markers) if (m.windowId === windowId) byIndex.set(m.eventIndex, m);
    let pending: PendingDom | null = null;
    let lastInput: InputEntry | null = null;
    let lastInputNode: number | undefined;
    const flush = () => {
      if (pending) {
        pending.entry.changes = [...pending.byKey.values()];
        pending.entry.summary = summarizeDom(pending.entry.changes);
        entries.push(pending.entry);
      }
      pending = null;
    };

    w.events.forEach((event, index) => {
      const offsetMs = event.timestamp - start;
      const marker = byIndex.get(index);
      if (marker && (marker.kind === "page" || marker.kind === "click" || marker.kind === "input")) {
        flush();
        if (marker.kind !== "input") lastInput = null;
        if (marker.kind === "page") {
          const entry: PageEntry = { kind: "page", offsetMs, windowId, url: marker.href ?? "" };
          entries.push(entry);
          pushSeen(seen.pages, pathOf(entry.url));
          consider(
            entry,
            anchor?.kind === "url" && (anchor.contains === null || entry.url.includes(anchor.contains)),
          );
        } else if (marker.kind === "click") {
          const nodeId = marker.nodeId;
          const selector = nodeId === undefined ? null : mirror.selector(nodeId);
          const entry: ClickEntry = {
            kind: "click",
            offsetMs,
            windowId,
            selector,
            text: nodeId === undefined ? "" : mirror.textOf(nodeId, 40),
          };
          entries.push(entry);
          pushSeen(seen.clicks, selector);
          consider(
            entry,
            anchor?.kind === "click" && matchesElement(mirror, nodeId, selector, anchor.selector),
          );
        } else {
          const nodeId = marker.nodeId;
          const raw = marker.text ?? "";
          const el = nodeId === undefined ? undefined : mirror.element(nodeId);
          const masked = (raw.length > 0 && /^\*+$/.test(raw)) || el?.attributes.type === "password";
          if (lastInput && lastInputNode === nodeId) {
            lastInput.value = masked ? null : raw;
            lastInput.masked = masked;
            lastInput.length = raw.length;
            lastInput.events += 1;
            if (marker.isChecked !== undefined && lastInput.checked !== undefined)
              lastInput.checked = marker.isChecked;
          } else {
            const selector = nodeId === undefined ? null : mirror.selector(nodeId);
            const entry: InputEntry = {
              kind: "input",
              offsetMs,
              windowId,
              selector,
              value: masked ? null : raw,
              masked,
              length: raw.length,
              events: 1,
              ...(marker.isChecked !== undefined &&
              el?.attributes.type !== undefined &&
              /^(checkbox|radio)$/.test(el.attributes.type)
                ? { checked: marker.isChecked }
                : {}),
            };
            entries.push(entry);
            lastInput = entry;
            lastInputNode = nodeId;
            pushSeen(seen.inputs, selector);
            consider(
              entry,
              anchor?.kind === "input" && matchesElement(mirror, nodeId, selector, anchor.selector),
            );
          }
        }
      }

      const data = event.data as unknown;
      const isMutation =
        event.type === EventType.IncrementalSnapshot &&
        typeof data === "object" &&
        data !== null &&
        (data as { source?: unknown }).source === IncrementalSource.Mutation;
      if (isMutation) {
        pending ??= {
          entry: {
            kind: "dom",
            offsetMs,
            endOffsetMs: offsetMs,
            windowId,
            mutations: 0,
            changes: [],
            summary: "",
          },
          byKey: new Map(),
        };
        pending.entry.endOffsetMs = offsetMs;
        pending.entry.mutations += 1;
        foldMutation(mirror, data as Record<string, unknown>, pending.byKey);
      } else if (event.type === EventType.Plugin || event.type === EventType.IncrementalSnapshot) {
        for (const c of windowConsoleEntries([event], windowId)) {
          if (c.level !== "warn" && c.level !== "error" && c.level !== "assert") continue;
          const entry: ConsoleTimelineEntry = {
            kind: "console",
            offsetMs: c.timestamp - start,
            windowId,
            level: c.level,
            message: shorten(firstArgument(c.payload), 300),
            argCount: c.payload.length,
            source: c.trace[0] ?? null,
          };
          entries.push(entry);
          const level = entry.level === "assert" ? "error" : entry.level;
          consider(
            entry,
            (anchor?.kind === "error" || anchor?.kind === "warn") &&
              level === anchor.kind &&
              (anchor.contains === null || entry.message.includes(anchor.contains)),
          );
        }
        for (const n of windowNetworkEntries([event], windowId)) {
          const entry = requestEntry(n, start, opts.bodies === true, bodyLimit);
          if (!entry) continue;
          entries.push(entry);
          pushSeen(seen.requests, `${entry.method} ${pathOf(entry.url)}`);
          consider(
            entry,
            anchor?.kind === "request" &&
              (anchor.contains === null ||
                entry.url.includes(anchor.contains) ||
                `${entry.method} ${pathOf(entry.url)}`.includes(anchor.contains)),
          );
        }
      } else if (event.type === EventType.Custom && typeof data === "object" && data !== null) {
        const custom = data as { tag?: unknown; payload?: unknown };
        if (typeof custom.tag === "string" && !SDK_CUSTOM_TAGS.has(custom.tag)) {
          const entry: CustomEntry = {
            kind: "custom",
            offsetMs,
            windowId,
            name: custom.tag,
            source: "rrweb",
            payload: custom.payload === undefined ? null : shorten(JSON.stringify(custom.payload) ?? "", 200),
          };
          entries.push(entry);
          pushSeen(seen.events, entry.name);
          consider(
            entry,
            anchor?.kind === "event" && (anchor.contains === null || entry.name === anchor.contains),
          );
        }
      }
      mirror.apply(event);
    });
    flush();
  }

  for (const event of rec.posthogEvents) {
    if (SKIPPED_POSTHOG_EVENTS.has(event.event)) continue;
    const at = event.timestamp ? Date.parse(event.timestamp) : Number.NaN;
    if (!Number.isFinite(at)) continue;
    const windowId = typeof event.properties.$window_id === "string" ? event.properties.$window_id : null;
    if (opts.windowId !== undefined && windowId !== opts.windowId) continue;
    const props = Object.fromEntries(
      Object.entries(event.properties).filter(
        ([key]) => !key.startsWith("$") && !POSTHOG_ENVELOPE_PROPS.has(key),
      ),
    );
    const entry: CustomEntry = {
      kind: "custom",
      offsetMs: at - start,
      windowId,
      name: event.event,
      source: "posthog",
      payload: Object.keys(props).length > 0 ? shorten(JSON.stringify(props), 200) : null,
    };
    entries.push(entry);
    pushSeen(seen.events, entry.name);
    consider(entry, anchor?.kind === "event" && (anchor.contains === null || entry.name === anchor.contains));
  }

  entries.sort((a, b) => a.offsetMs - b.offsetMs);
  if (anchor?.kind === "time") anchorEntry = null;
  return {
    sessionId: rec.sessionId,
    windowIds: rec.windows.map((w) => w.windowId),
    startTime: start,
    durationMs: end - start,
    entries,
    seen,
    anchorEntry,
  };
}

/**
 * Whether the acted-on element matches an anchor's selector: the element or one of its ancestors
 * has exactly that stable selector (so a selector copied from the inspector or the testing package
 * matches), or is matched by it as a simple compound selector (`#pay`, `button.primary`).
 */
function matchesElement(
  mirror: NodeMirror,
  nodeId: number | undefined,
  selector: string | null,
  wanted: string | null,
): boolean {
  if (wanted === null) return true;
  if (selector !== null && selector === wanted) return true;
  if (nodeId === undefined) return false;
  for (let el = mirror.element(nodeId); el;) {
    if (mirror.selector(el.id) === wanted) return true;
    el = el.parentId === null ? undefined : mirror.element(el.parentId);
  }
  return mirror.closest(nodeId, wanted) !== null;
}

function requestEntry(n: NetworkEntry, start: number, bodies: boolean, limit: number): RequestEntry | null {
  const { status, failed, fromApp, timingOnly } = classifyRequest(n);
  // Stylesheets, scripts and images loaded by the page are noise here, unless they failed.
  if (timingOnly || (!failed && !fromApp)) return null;
  const entry: RequestEntry = {
    kind: "request",
    offsetMs: n.timestamp - start,
    windowId: n.windowId,
    method: n.method,
    url: n.url,
    status,
    durationMs: n.durationMs === null ? null : Math.round(n.durationMs * 10) / 10,
    failed,
    initiator: n.initiatorType,
  };
  if (bodies) {
    if (n.requestBody) entry.requestBody = cut(n.requestBody, limit);
    if (n.responseBody) entry.responseBody = cut(n.responseBody, limit);
  }
  return entry;
}

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length} chars)` : text;
}

function change(byKey: Map<string, DomChange>, key: string): DomChange {
  let found = byKey.get(key);
  if (!found) {
    found = { selector: key, added: 0, removed: 0, textChanged: false, attributes: [] };
    byKey.set(key, found);
  }
  return found;
}

/** Folds one Mutation payload into per-element changes, resolving selectors before it applies. */
function foldMutation(
  mirror: NodeMirror,
  data: Record<string, unknown>,
  byKey: Map<string, DomChange>,
): void {
  const where = (id: unknown): string =>
    (typeof id === "number" ? (mirror.selector(id) ?? mirror.label(id)) : null) ?? "(unknown node)";
  for (const remove of Array.isArray(data.removes) ? (data.removes as unknown[]) : []) {
    if (typeof remove !== "object" || remove === null) continue;
    const { id, parentId } = remove as { id?: unknown; parentId?: unknown };
    const node = typeof id === "number" ? mirror.node(id) : undefined;
    const target = change(byKey, where(parentId));
    if (node && node.type !== ELEMENT_NODE) target.textChanged = true;
    else target.removed += 1;
  }
  // Nodes added inside nodes added by the same mutation count towards the outermost one.
  const addedUnder = new Map<number, string>();
  for (const add of Array.isArray(data.adds) ? (data.adds as unknown[]) : []) {
    if (typeof add !== "object" || add === null) continue;
    const { parentId, node } = add as { parentId?: unknown; node?: { id?: unknown } };
    const outer = typeof parentId === "number" ? addedUnder.get(parentId) : undefined;
    const key = outer ?? where(parentId);
    if (node && typeof node.id === "number") addedUnder.set(node.id, key);
    for (const inner of subtreeIds(node)) addedUnder.set(inner, key);
    const target = change(byKey, key);
    const elements = countElements(node);
    const text = (node as { textContent?: unknown } | undefined)?.textContent;
    if (typeof text === "string" && text.trim() !== "") target.text = shorten(text, 60);
    if (elements > 0) target.added += elements;
    // Text inside a node added by this same mutation is part of that node, not a change of text.
    else if (outer === undefined) target.textChanged = true;
  }
  for (const text of Array.isArray(data.texts) ? (data.texts as unknown[]) : []) {
    if (typeof text !== "object" || text === null) continue;
    const { id, value } = text as { id?: unknown; value?: unknown };
    // A node added by this same mutation: its text is part of the addition, not a change.
    if (typeof id === "number" && addedUnder.has(id)) continue;
    const target = change(byKey, where(id));
    target.textChanged = true;
    if (typeof value === "string" && value.trim() !== "") target.text = shorten(value, 60);
  }
  for (const attr of Array.isArray(data.attributes) ? (data.attributes as unknown[]) : []) {
    if (typeof attr !== "object" || attr === null) continue;
    const { id, attributes } = attr as { id?: unknown; attributes?: unknown };
    if (typeof attributes !== "object" || attributes === null) continue;
    if (typeof id === "number" && addedUnder.has(id)) continue;
    const target = change(byKey, where(id));
    for (const name of Object.keys(attributes))
      if (!target.attributes.includes(name)) target.attributes.push(name);
  }
}

/** `+3 nodes under ul#items, text changed in p#status ("Saved")`, at most a few parts. */
export function summarizeDom(changes: readonly DomChange[]): string {
  const parts: string[] = [];
  for (const c of changes) {
    if (c.added > 0)
      parts.push(
        `+${c.added} node${c.added === 1 ? "" : "s"} under ${c.selector}${c.text && !c.textChanged ? ` (${JSON.stringify(c.text)})` : ""}`,
      );
    if (c.removed > 0) parts.push(`-${c.removed} node${c.removed === 1 ? "" : "s"} under ${c.selector}`);
    if (c.textChanged)
      parts.push(`text changed in ${c.selector}${c.text ? ` (${JSON.stringify(c.text)})` : ""}`);
    if (c.attributes.length > 0) parts.push(`${c.attributes.join(", ")} changed on ${c.selector}`);
  }
  if (parts.length <= MAX_DOM_CHANGES) return parts.join(", ");
  return `${parts.slice(0, MAX_DOM_CHANGES).join(", ")} and ${parts.length - MAX_DOM_CHANGES} more`;
}
