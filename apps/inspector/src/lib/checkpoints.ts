// Seek checkpoints built in the browser while events stream in. A checkpoint is a synthetic
// Meta + FullSnapshot describing the page at a moment, with the original rrweb node ids, plus the
// state events (scroll, input, media, fonts, pointer) that a snapshot cannot hold. Seeking then
// replays from the nearest checkpoint instead of from the recording's last real full snapshot.
//
// The page is modelled as rrweb's serialized node tree and kept up to date by applying mutations
// the way rrweb's replayer does. Anything the model does not understand (stylesheet rule edits,
// canvas, shadow DOM, iframes, custom elements, legacy ordering) marks it unsafe: no checkpoints
// are taken until the next real full snapshot resets it. A wrong checkpoint would be worse than a
// slow seek.
import { EventType, IncrementalSource } from "@replay-devkit/codec";
import type { RrwebEvent } from "./api";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

interface SNode {
  type: number;
  id: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SNode[];
  textContent?: string;
  [key: string]: unknown;
}

export interface Checkpoint {
  /** Epoch ms the checkpoint describes: every event with a smaller timestamp is in it. */
  time: number;
  /** Index (in the window's event list) of the first event not in the checkpoint. */
  index: number;
  /** Meta, FullSnapshot and state events, all stamped `time`; fresh copies on every call. */
  events(): RrwebEvent[];
  /** Serialized size, for the memory budget. */
  bytes: number;
}

const MUTATION = IncrementalSource.Mutation;
/** Sources that change nothing a snapshot holds. */
const SAFE_STATELESS = new Set<number>([
  IncrementalSource.MouseMove,
  IncrementalSource.MouseInteraction,
  IncrementalSource.ViewportResize,
  IncrementalSource.TouchMove,
  IncrementalSource.Log,
  IncrementalSource.Drag,
  IncrementalSource.Selection,
]);
const SCROLL = IncrementalSource.Scroll;
const INPUT = IncrementalSource.Input;
const MEDIA = IncrementalSource.MediaInteraction;
const FONT = IncrementalSource.Font;
const POINTER_SOURCES = new Set<number>([
  IncrementalSource.MouseMove,
  IncrementalSource.TouchMove,
  IncrementalSource.Drag,
]);

export interface CheckpointOptions {
  /** Minimum recording time between checkpoints. */
  intervalMs?: number;
  /** Stop taking checkpoints beyond this many serialized bytes in total. */
  maxBytes?: number;
}

function cloneShallow(node: SNode): SNode {
  const copy: SNode = { ...node };
  if (node.attributes) copy.attributes = { ...node.attributes };
  if (node.type === 0 || node.type === 2) copy.childNodes = [];
  else delete copy.childNodes;
  return copy;
}

function applyStyleDiff(current: unknown, diff: Json): string {
  const props = new Map<string, string>();
  if (typeof current === "string") {
    for (const decl of current.split(";")) {
      const colon = decl.indexOf(":");
      if (colon > 0) props.set(decl.slice(0, colon).trim(), decl.slice(colon + 1).trim());
    }
  }
  for (const [name, value] of Object.entries(diff)) {
    if (value === false) props.delete(name);
    else if (typeof value === "string") props.set(name, value);
    else if (Array.isArray(value) && typeof value[0] === "string") {
      props.set(name, value[1] === "important" ? `${value[0]} !important` : value[0]);
    }
  }
  return [...props].map(([k, v]) => `${k}: ${v};`).join(" ");
}

export class CheckpointBuilder {
  readonly checkpoints: Checkpoint[] = [];
  private doc: SNode | null = null;
  private index = new Map<number, { node: SNode; parent: SNode | null }>();
  private safe = false;
  private meta: { href: string; width: number; height: number } | null = null;
  private scroll = new Map<number, RrwebEvent>();
  private input = new Map<number, RrwebEvent>();
  private media = new Map<number, RrwebEvent>();
  private fonts: RrwebEvent[] = [];
  private pointer: RrwebEvent | null = null;
  private lastTimestamp = Number.NEGATIVE_INFINITY;
  private lastCheckpoint = Number.NEGATIVE_INFINITY;
  private processed = 0;
  private totalBytes = 0;
  private readonly intervalMs: number;
  private readonly maxBytes: number;
  /** Why the model last stopped, for debugging a recording that never gets checkpoints. */
  unsafeReason: string | null = "no full snapshot yet";

  constructor(options: CheckpointOptions = {}) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  /** Feeds the next events of the window, in timestamp order. */
  add(events: readonly RrwebEvent[]): void {
    for (const event of events) {
      const i = this.processed++;
      if (
        event.timestamp > this.lastTimestamp &&
        this.safe &&
        event.timestamp - this.lastCheckpoint >= this.intervalMs &&
        this.totalBytes < this.maxBytes
      ) {
        this.take(event.timestamp - 1, i);
      }
      this.lastTimestamp = Math.max(this.lastTimestamp, event.timestamp);
      try {
        this.apply(event);
      } catch (error) {
        this.unsafe(`model error: ${String(error)}`);
      }
    }
  }

  /** The latest checkpoint at or before `time`, if any. */
  before(time: number): Checkpoint | null {
    let found: Checkpoint | null = null;
    for (const cp of this.checkpoints) {
      if (cp.time <= time) found = cp;
      else break;
    }
    return found;
  }

  private unsafe(reason: string): void {
    this.safe = false;
    this.unsafeReason = reason;
  }

  private register(node: SNode, parent: SNode | null): void {
    this.index.set(node.id, { node, parent });
    for (const child of node.childNodes ?? []) this.register(child, node);
  }

  private unregister(node: SNode): void {
    this.index.delete(node.id);
    for (const child of node.childNodes ?? []) this.unregister(child);
  }

  private apply(event: RrwebEvent): void {
    const data = event.data;
    switch (event.type) {
      case EventType.Meta:
        if (isObject(data)) {
          this.meta = {
            href: typeof data.href === "string" ? data.href : "",
            width: typeof data.width === "number" ? data.width : 1024,
            height: typeof data.height === "number" ? data.height : 768,
          };
        }
        return;
      case EventType.FullSnapshot: {
        if (!isObject(data) || !isObject(data.node) || this.meta === null) {
          this.unsafe("full snapshot without a Meta before it");
          return;
        }
        this.doc = structuredClone(data.node) as SNode;
        this.index.clear();
        this.register(this.doc, null);
        this.scroll.clear();
        this.input.clear();
        this.media.clear();
        this.fonts = [];
        const offset = isObject(data.initialOffset) ? data.initialOffset : null;
        if (offset) {
          this.scroll.set(this.doc.id, {
            type: EventType.IncrementalSnapshot,
            timestamp: event.timestamp,
            data: {
              source: SCROLL,
              id: this.doc.id,
              x: Number(offset.left) || 0,
              y: Number(offset.top) || 0,
            },
          });
        }
        this.safe = true;
        this.unsafeReason = null;
        return;
      }
      case EventType.IncrementalSnapshot:
        break;
      default:
        return; // DomContentLoaded, Load, Custom, Plugin: no effect on the page.
    }
    if (!this.safe || !isObject(data) || typeof data.source !== "number") return;
    const source = data.source;
    if (source === MUTATION) return this.mutate(data);
    if (POINTER_SOURCES.has(source)) this.pointer = event;
    if (
      source === IncrementalSource.ViewportResize &&
      this.meta &&
      typeof data.width === "number" &&
      typeof data.height === "number"
    ) {
      this.meta = { ...this.meta, width: data.width, height: data.height };
    }
    if (SAFE_STATELESS.has(source)) return;
    const id = typeof data.id === "number" ? data.id : null;
    if (source === SCROLL && id !== null) this.scroll.set(id, event);
    else if (source === INPUT && id !== null) this.input.set(id, event);
    else if (source === MEDIA && id !== null) this.media.set(id, event);
    else if (source === FONT) this.fonts.push(event);
    else this.unsafe(`incremental source ${source} is not modelled`);
  }

  private mutate(data: Json): void {
    const removes = Array.isArray(data.removes) ? data.removes : [];
    const adds = Array.isArray(data.adds) ? data.adds : [];
    const texts = Array.isArray(data.texts) ? data.texts : [];
    const attributes = Array.isArray(data.attributes) ? data.attributes : [];
    if (data.isAttachIframe) return this.unsafe("iframe attach");

    for (const r of removes) {
      if (!isObject(r) || typeof r.id !== "number") continue;
      if (r.isShadow) return this.unsafe("shadow DOM remove");
      const entry = this.index.get(r.id);
      if (!entry) continue; // rrweb skips removes of unknown nodes too
      const parent = entry.parent;
      if (parent?.childNodes) parent.childNodes = parent.childNodes.filter((c) => c !== entry.node);
      this.unregister(entry.node);
    }

    let queue = adds.filter(isObject);
    while (queue.length > 0) {
      const waiting: Json[] = [];
      for (const add of queue) {
        const node = add.node;
        if (!isObject(node) || typeof node.id !== "number" || typeof add.parentId !== "number") {
          return this.unsafe("malformed add");
        }
        if (add.previousId === -1 || add.nextId === -1) return this.unsafe("legacy add ordering");
        if (node.isShadow || node.rootId !== undefined || node.type === 0)
          return this.unsafe("shadow DOM or nested document");
        if (this.index.has(node.id)) return this.unsafe("add of a node id that already exists");
        const parentEntry = this.index.get(add.parentId);
        const nextId = typeof add.nextId === "number" ? add.nextId : null;
        if (!parentEntry || (nextId !== null && !this.index.has(nextId))) {
          waiting.push(add);
          continue;
        }
        const parent = parentEntry.node;
        if (parent.tagName === "iframe") return this.unsafe("iframe content");
        if (!parent.childNodes) return this.unsafe("add under a node without children");
        const child = cloneShallow(node as SNode);
        if (child.type === 3 && parent.type === 2) {
          if (parent.tagName === "textarea")
            parent.childNodes = parent.childNodes.filter((c) => c.type !== 3);
          if (parent.tagName === "style" && parent.attributes && "_cssText" in parent.attributes) {
            return this.unsafe("text added to an inlined stylesheet");
          }
        }
        const previous = typeof add.previousId === "number" ? this.index.get(add.previousId) : undefined;
        const siblings = parent.childNodes;
        let at = siblings.length;
        const prevPos = previous ? siblings.indexOf(previous.node) : -1;
        if (prevPos !== -1 && prevPos + 1 < siblings.length) at = prevPos + 1;
        else if (nextId !== null) {
          const nextPos = siblings.findIndex((c) => c.id === nextId);
          if (nextPos !== -1) at = nextPos;
        }
        siblings.splice(at, 0, child);
        this.index.set(child.id, { node: child, parent });
      }
      // rrweb drops adds whose parent (or next sibling) never turns up, typically nodes inside a
      // subtree removed in the same batch; so does the model.
      if (waiting.length === queue.length) break;
      queue = waiting;
    }

    const lastText = new Map<number, unknown>();
    for (const t of texts) if (isObject(t) && typeof t.id === "number") lastText.set(t.id, t.value);
    for (const [id, value] of lastText) {
      const entry = this.index.get(id);
      if (!entry) continue;
      if (entry.node.type !== 3 && entry.node.type !== 4 && entry.node.type !== 5)
        return this.unsafe("text set on an element");
      entry.node.textContent = typeof value === "string" ? value : "";
    }

    for (const a of attributes) {
      if (!isObject(a) || typeof a.id !== "number" || !isObject(a.attributes)) continue;
      const entry = this.index.get(a.id);
      if (!entry) continue;
      const attrs = (entry.node.attributes ??= {});
      for (const [name, value] of Object.entries(a.attributes)) {
        if (value === null) delete attrs[name];
        else if (typeof value === "string") attrs[name] = value;
        else if (isObject(value) && name === "style") attrs[name] = applyStyleDiff(attrs[name], value);
        else return this.unsafe(`attribute ${name} with a ${typeof value} value`);
      }
    }
  }

  private take(time: number, index: number): void {
    if (!this.doc || !this.meta) return;
    const doc = structuredClone(this.doc);
    const meta = { ...this.meta };
    const alive = (e: RrwebEvent) =>
      isObject(e.data) && typeof e.data.id === "number" && this.index.has(e.data.id);
    const docScroll = this.scroll.get(this.doc.id);
    const state = [
      ...[...this.scroll.values()].filter((e) => e !== docScroll && alive(e)),
      ...[...this.input.values()].filter(alive),
      ...[...this.media.values()].filter(alive),
      ...this.fonts,
      ...(this.pointer ? [this.pointer] : []),
    ].map((e) => structuredClone(e));
    const offset =
      docScroll && isObject(docScroll.data)
        ? { left: Number(docScroll.data.x) || 0, top: Number(docScroll.data.y) || 0 }
        : { left: 0, top: 0 };
    const bytes = JSON.stringify(doc).length + JSON.stringify(state).length;
    this.totalBytes += bytes;
    this.lastCheckpoint = time;
    this.checkpoints.push({
      time,
      index,
      bytes,
      events: () => [
        { type: EventType.Meta, timestamp: time, data: { ...meta } },
        {
          type: EventType.FullSnapshot,
          timestamp: time,
          data: { node: structuredClone(doc), initialOffset: offset },
        },
        ...state.map((e) => ({ ...structuredClone(e), timestamp: time })),
      ],
    });
  }
}
