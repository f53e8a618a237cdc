import {
  NodeMirror,
  playableRecording,
  recordingMarkers,
  windowConsoleEntries,
  windowNetworkEntries,
  type NetworkEntry,
  type Recording,
  type RecordingMarker,
} from "@replay-devkit/codec";

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

/** An anchor as `--around` accepts it, already parsed. */
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

const INTERACTIVE_INITIATORS = new Set(["fetch", "xmlhttprequest", "navigation", "beacon", "other"]);
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

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

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

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
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
  recording: Recording,
  opts: TimelineOptions = {},
): Timeline & { anchorEntry: TimelineEntry | null } {
  const rec = playableRecording(recording);
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const w of rec.windows) {
    const first = w.events[0];
    const last = w.events.at(-1);
    if (first) start = Math.min(start, first.timestamp);
    if (last) end = Math.max(end, last.timestamp);
  }
  if (!Number.isFinite(start)) {
    start = 0;
    end = 0;
  }
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
        event.type === 3 &&
        typeof data === "object" &&
        data !== null &&
        (data as { source?: unknown }).source === 0;
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
      } else if (event.type === 6 || event.type === 3) {
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
      } else if (event.type === 5 && typeof data === "object" && data !== null) {
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

function matchesElement(
  mirror: NodeMirror,
  nodeId: number | undefined,
  selector: string | null,
  wanted: string | null,
): boolean {
  if (wanted === null) return true;
  if (selector !== null && selector === wanted) return true;
  return nodeId !== undefined && mirror.closest(nodeId, wanted) !== null;
}

function requestEntry(n: NetworkEntry, start: number, bodies: boolean, limit: number): RequestEntry | null {
  const failed = n.status !== null && (n.status >= 400 || n.status === 0);
  // Stylesheets, scripts and images loaded by the page are noise here, unless they failed.
  if (!failed && n.initiatorType !== null && !INTERACTIVE_INITIATORS.has(n.initiatorType)) return null;
  const entry: RequestEntry = {
    kind: "request",
    offsetMs: n.timestamp - start,
    windowId: n.windowId,
    method: n.method,
    url: n.url,
    status: n.status,
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

interface SerializedNode {
  id?: unknown;
  type?: unknown;
  childNodes?: unknown;
}

function countElements(node: unknown): number {
  let count = 0;
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as SerializedNode | null;
    if (typeof current !== "object" || current === null) continue;
    if (current.type === 2) count += 1;
    if (Array.isArray(current.childNodes)) stack.push(...(current.childNodes as unknown[]));
  }
  return count;
}

/** Ids of a serialized node and everything under it. */
export function subtreeIds(node: unknown): number[] {
  const out: number[] = [];
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as SerializedNode | null;
    if (typeof current !== "object" || current === null) continue;
    if (typeof current.id === "number") out.push(current.id);
    if (Array.isArray(current.childNodes)) stack.push(...(current.childNodes as unknown[]));
  }
  return out;
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
    if (node && node.type !== 2) target.textChanged = true;
    else target.removed += 1;
  }
  // Nodes added inside nodes added by the same mutation count towards the outermost one.
  const addedUnder = new Map<number, string>();
  for (const add of Array.isArray(data.adds) ? (data.adds as unknown[]) : []) {
    if (typeof add !== "object" || add === null) continue;
    const { parentId, node } = add as { parentId?: unknown; node?: SerializedNode };
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

const ANCHOR_KINDS = ["click", "input", "error", "warn", "request", "url", "event"] as const;

/**
 * Parses an `--around` anchor: `click[:selector]`, `input[:selector]`, `error[:text]`,
 * `warn[:text]`, `request[:url part]`, `url[:url part]`, `event[:name]`, or a time offset
 * (`90s`, `01:30`, `1500ms`; see parseTimePoint). Null when it is none of these.
 */
export function parseAnchor(text: string, parseTime: (text: string) => number | null): Anchor | null {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  const head = colon === -1 ? trimmed : trimmed.slice(0, colon);
  const rest = colon === -1 ? null : trimmed.slice(colon + 1).trim();
  if ((ANCHOR_KINDS as readonly string[]).includes(head)) {
    const value = rest === "" ? null : rest;
    const kind = head as (typeof ANCHOR_KINDS)[number];
    if (kind === "click" || kind === "input") return { kind, selector: value, text: trimmed };
    if (kind === "error" || kind === "warn") return { kind, contains: value, text: trimmed };
    return { kind, contains: value, text: trimmed };
  }
  const offset = parseTime(trimmed);
  return offset === null ? null : { kind: "time", offsetMs: offset, text: trimmed };
}

/** What a recording has to anchor on, for the message when an anchor matches nothing. */
export function describeAnchors(timeline: Timeline): string {
  const s = timeline.seen;
  const errors = timeline.entries.filter((e) => e.kind === "console" && e.level !== "warn").length;
  const parts = [
    s.clicks.length > 0 ? `clicks on ${s.clicks.slice(0, 5).join(", ")}` : "no clicks",
    s.inputs.length > 0 ? `inputs into ${s.inputs.slice(0, 3).join(", ")}` : null,
    s.requests.length > 0 ? `requests ${s.requests.slice(0, 4).join(", ")}` : "no requests",
    s.pages.length > 0 ? `pages ${s.pages.slice(0, 4).join(", ")}` : null,
    `${errors} console error${errors === 1 ? "" : "s"}`,
    s.events.length > 0 ? `events ${s.events.slice(0, 4).join(", ")}` : null,
  ];
  return `the recording has ${parts.filter((p) => p !== null).join("; ")}`;
}

export interface TimelineView extends Timeline {
  anchor: { text: string; offsetMs: number; windowMs: number; fromMs: number; toMs: number } | null;
  /** Index (in `entries`) of the entry the anchor matched, when it was an entry. */
  anchorIndex: number | null;
  scrubbed: boolean;
  /** Entries left out by {@link limitEntries} on either side of those shown. */
  omitted?: { before: number; after: number };
}

/**
 * Keeps at most `max` entries: those around the anchor when there is one, else the first ones. The
 * rest are counted in `omitted`, so a reader (or an agent with a small context) knows to narrow down.
 */
export function limitEntries(view: TimelineView, max: number): TimelineView {
  if (view.entries.length <= max) return view;
  const center = view.anchorIndex ?? 0;
  const start = Math.min(Math.max(0, center - Math.floor(max / 2)), view.entries.length - max);
  const entries = view.entries.slice(start, start + max);
  return {
    ...view,
    entries,
    anchorIndex: view.anchorIndex === null ? null : view.anchorIndex - start,
    omitted: { before: start, after: view.entries.length - start - max },
  };
}

/** Keeps the entries within `windowMs` of the anchor (a DOM entry counts if its span overlaps). */
export function windowAround(
  timeline: Timeline,
  anchor: { text: string; offsetMs: number; entry: TimelineEntry | null },
  windowMs: number,
  scrubbed: boolean,
): TimelineView {
  const fromMs = Math.max(0, anchor.offsetMs - windowMs);
  const toMs = anchor.offsetMs + windowMs;
  const entries = timeline.entries.filter((e) => {
    const endMs = e.kind === "dom" ? e.endOffsetMs : e.offsetMs;
    return endMs >= fromMs && e.offsetMs <= toMs;
  });
  const index = anchor.entry ? entries.indexOf(anchor.entry) : -1;
  return {
    ...timeline,
    entries,
    anchor: { text: anchor.text, offsetMs: anchor.offsetMs, windowMs, fromMs, toMs },
    anchorIndex: index === -1 ? null : index,
    scrubbed,
  };
}

/** `mm:ss.mmm`; minutes keep counting past 59, as in the test helpers' messages. */
export function formatOffset(ms: number): string {
  const safe = Math.max(0, Math.round(ms));
  const minutes = Math.floor(safe / 60_000);
  const seconds = Math.floor((safe % 60_000) / 1000);
  return `${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}.${String(safe % 1000).padStart(3, "0")}`;
}

function describeEntry(e: TimelineEntry): { kind: string; text: string } {
  switch (e.kind) {
    case "page":
      return { kind: "page", text: e.url };
    case "click":
      return {
        kind: "click",
        text: `${e.selector ?? "(unknown element)"}${e.text ? ` ${JSON.stringify(e.text)}` : ""}`,
      };
    case "input": {
      if (e.checked !== undefined)
        return { kind: "input", text: `${e.selector ?? "(unknown element)"} checked=${e.checked}` };
      const value = e.masked
        ? `(masked, ${e.length} char${e.length === 1 ? "" : "s"})`
        : JSON.stringify(e.value ?? "");
      return { kind: "input", text: `${e.selector ?? "(unknown element)"} = ${value}` };
    }
    case "dom":
      return { kind: "dom", text: e.summary || `${e.mutations} mutation(s)` };
    case "console":
      return {
        kind: e.level,
        text: `${JSON.stringify(e.message)}${e.argCount > 1 ? ` (+${e.argCount - 1} arg${e.argCount > 2 ? "s" : ""})` : ""}${e.source ? ` at ${e.source}` : ""}`,
      };
    case "request": {
      const status = e.status === null ? "no status" : String(e.status);
      const duration = e.durationMs === null ? "" : ` ${e.durationMs} ms`;
      return {
        kind: "request",
        text: `${e.method} ${e.url} -> ${status}${duration}${e.failed ? " FAILED" : ""}`,
      };
    }
    case "custom":
      return { kind: "event", text: `${e.name}${e.payload ? ` ${e.payload}` : ""}` };
  }
}

// Everything but tab and newline below 0x20, DEL and the C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Recorded strings come from a web page and may hold terminal escape sequences; they are shown as
 * `\u001b`-style escapes so printing a timeline can never drive the terminal.
 */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function header(view: TimelineView): string[] {
  const windows = view.windowIds.length === 1 ? "1 window" : `${view.windowIds.length} windows`;
  const lines = [
    `Session ${view.sessionId}: ${windows}, ${formatOffset(0)}-${formatOffset(view.durationMs)}, started ${new Date(view.startTime).toISOString()}`,
  ];
  if (view.anchor) {
    lines.push(
      `Around ${view.anchor.text} at ${formatOffset(view.anchor.offsetMs)} (±${view.anchor.windowMs / 1000}s: ${formatOffset(view.anchor.fromMs)}-${formatOffset(view.anchor.toMs)})`,
    );
  }
  if (!view.scrubbed) lines.push("Not scrubbed: values are as recorded.");
  if (view.omitted) {
    lines.push(
      `Showing ${view.entries.length} entries; ${view.omitted.before} earlier and ${view.omitted.after} later ones left out (narrow with around/window).`,
    );
  }
  return lines;
}

/** Plain text: one line per entry, `>` marking the anchor. */
export function renderText(view: TimelineView): string {
  const lines = header(view);
  lines.push("");
  const multiWindow = view.windowIds.length > 1;
  view.entries.forEach((e, i) => {
    const { kind, text } = describeEntry(e);
    const mark = i === view.anchorIndex ? ">" : " ";
    const win = multiWindow && e.windowId ? ` [${e.windowId.slice(0, 8)}]` : "";
    lines.push(`${mark} ${formatOffset(e.offsetMs)}  ${kind.padEnd(7)} ${text}${win}`);
    if (e.kind === "request") {
      if (e.requestBody !== undefined) lines.push(`      request body:  ${e.requestBody}`);
      if (e.responseBody !== undefined) lines.push(`      response body: ${e.responseBody}`);
    }
  });
  if (view.entries.length === 0) lines.push("(nothing happened in this window)");
  return `${printable(lines.join("\n"))}\n`;
}

function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/`/g, "'").replace(/\r?\n/g, " ");
}

/** Markdown for an issue or an agent prompt: a header, a table, then request bodies if asked for. */
export function renderMarkdown(view: TimelineView): string {
  const [title, ...rest] = header(view);
  const out = [
    `### ${title}`,
    ...rest.map((l) => `${l}  `),
    "",
    "| time | kind | what |",
    "| --- | --- | --- |",
  ];
  view.entries.forEach((e, i) => {
    const { kind, text } = describeEntry(e);
    const time = i === view.anchorIndex ? `**${formatOffset(e.offsetMs)}**` : formatOffset(e.offsetMs);
    const shown =
      e.kind === "console" && e.level === "error"
        ? `**${kind}**`
        : e.kind === "request" && e.failed
          ? `**${kind}**`
          : kind;
    out.push(`| ${time} | ${shown} | ${mdCell(text)} |`);
  });
  if (view.entries.length === 0) out.push("| | | nothing happened in this window |");
  const withBodies = view.entries.filter(
    (e): e is RequestEntry =>
      e.kind === "request" && (e.requestBody !== undefined || e.responseBody !== undefined),
  );
  if (withBodies.length > 0) {
    out.push("", "#### Bodies");
    for (const e of withBodies) {
      out.push("", `${formatOffset(e.offsetMs)} ${e.method} ${e.url}`);
      const fence = "````";
      if (e.requestBody !== undefined) out.push("", "request:", fence, e.requestBody, fence);
      if (e.responseBody !== undefined) out.push("", "response:", fence, e.responseBody, fence);
    }
  }
  return `${printable(out.join("\n"))}\n`;
}

/** The documented `--format json` shape (see README). */
export function toJsonDocument(view: TimelineView): Record<string, unknown> {
  return {
    format: "replay-devkit-timeline",
    version: TIMELINE_FORMAT_VERSION,
    sessionId: view.sessionId,
    windowIds: view.windowIds,
    startTime: new Date(view.startTime).toISOString(),
    durationMs: view.durationMs,
    scrubbed: view.scrubbed,
    anchor: view.anchor,
    anchorIndex: view.anchorIndex,
    omitted: view.omitted ?? { before: 0, after: 0 },
    entries: view.entries,
  };
}
