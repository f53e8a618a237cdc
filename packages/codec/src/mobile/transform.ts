import type { eventWithTime, serializedNodeWithId } from "@rrweb/types";
import { isRecord } from "../json.js";
import type { RrwebEvent } from "../types.js";
import type { IdSource } from "./nodes.js";
import { DEFAULT_WIREFRAME_LIMITS, readWireframe, type ReadContext, type WireframeLimits } from "./schema.js";
import { FIRST_FREE_ID, keyboardStyle, skeleton, SKELETON_IDS } from "./skeleton.js";
import { ROOT, WireframeTree } from "./tree.js";
import type { PlaybackNote, ScreenSize, Wireframe } from "./types.js";

export interface MobileTransformOptions {
  /**
   * The recorded screen, e.g. `$screen_width`/`$screen_height` of the session's events; a function
   * is called only when a size is needed (metadata can be costly to compute).
   */
  screen?: ScreenSize | null | (() => ScreenSize | null | undefined);
  limits?: Partial<WireframeLimits>;
}

export interface MobileTransformResult {
  /** rrweb web events: any rrweb replayer plays them. */
  events: RrwebEvent[];
  /** What could not be played as recorded (the playback report). */
  notes: PlaybackNote[];
}

/** Used only when neither the events nor the caller say how big the screen was (an iPhone 15). */
export const FALLBACK_SCREEN: ScreenSize = Object.freeze({ width: 393, height: 852 });

const MUTATION = 0;
const MOUSE_MOVE = 1;
const MOUSE_INTERACTION = 2;
const TOUCH_MOVE = 6;
const DRAG = 12;

class IdMap implements IdSource {
  private byWireframe = new Map<number, number>();
  private next = FIRST_FREE_ID;

  wireframe(id: number): number {
    let rr = this.byWireframe.get(id);
    if (rr === undefined) {
      rr = this.next++;
      this.byWireframe.set(id, rr);
    }
    return rr;
  }

  known(id: number): boolean {
    return this.byWireframe.has(id);
  }

  fresh(): number {
    return this.next++;
  }
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** True when the events are PostHog mobile events (wireframes) rather than rrweb DOM events. */
export function isMobileEvents(events: readonly { type: number; data?: unknown }[]): boolean {
  for (const event of events) {
    const data = event.data;
    if (!isRecord(data)) continue;
    if (event.type === 2 && Array.isArray(data.wireframes)) return true;
    if (event.type === 2 && isRecord(data.node)) return false;
    if (event.type === 3 && data.source === MUTATION) {
      if (Array.isArray(data.updates)) return true;
      const first: unknown = Array.isArray(data.adds) ? data.adds[0] : undefined;
      if (isRecord(first)) return "wireframe" in first;
    }
    if (event.type === 5 && data.tag === "keyboard") return true;
  }
  return false;
}

/** The size of the first wireframe that covers the screen from its top-left corner. */
function firstFullScreen(events: readonly RrwebEvent[]): ScreenSize | null {
  const fits = (wf: unknown): ScreenSize | null =>
    isRecord(wf) &&
    finite(wf.width) &&
    finite(wf.height) &&
    wf.width > 0 &&
    wf.height > 0 &&
    (wf.x ?? 0) === 0 &&
    (wf.y ?? 0) === 0
      ? { width: wf.width, height: wf.height }
      : null;
  for (const event of events) {
    const data = (event as { data?: unknown }).data;
    if (!isRecord(data)) continue;
    const candidates: unknown[] =
      event.type === 2 && Array.isArray(data.wireframes)
        ? data.wireframes
        : event.type === 3 && data.source === MUTATION
          ? [
              ...(Array.isArray(data.adds) ? data.adds : []),
              ...(Array.isArray(data.updates) ? data.updates : []),
            ]
              .filter(isRecord)
              .map((m) => m.wireframe)
          : [];
    for (const wf of candidates) {
      const size = fits(wf);
      if (size) return size;
    }
  }
  return null;
}

function sameTimestampDuplicates(events: readonly RrwebEvent[]): Set<number> {
  const dropped = new Set<number>();
  let start = 0;
  while (start < events.length) {
    let end = start + 1;
    const ts = (events[start] as RrwebEvent).timestamp;
    while (end < events.length && (events[end] as RrwebEvent).timestamp === ts) end++;
    if (end - start > 1) {
      const seen = new Set<string>();
      for (let i = start; i < end; i++) {
        const key = JSON.stringify(events[i]);
        if (seen.has(key)) dropped.add(i);
        else seen.add(key);
      }
    }
    start = end;
  }
  return dropped;
}

/**
 * Turns one window of PostHog mobile events into rrweb DOM events. Pure: no I/O, no globals, the
 * same input gives the same output. Wireframes become absolutely positioned elements in a document
 * the size of the recorded screen (one wireframe unit is one CSS pixel); touches move rrweb's own
 * cursor; the `keyboard` event shows a keyboard layer. Bad wireframes are noted, never fatal.
 */
export function transformMobileEvents(
  input: readonly RrwebEvent[],
  opts: MobileTransformOptions = {},
): MobileTransformResult {
  const events = [...input].sort((a, b) => a.timestamp - b.timestamp);
  const notes: PlaybackNote[] = [];
  const out: RrwebEvent[] = [];
  const limits: WireframeLimits = { ...DEFAULT_WIREFRAME_LIMITS, ...opts.limits };
  const ids = new IdMap();
  const tree = new WireframeTree(ids, SKELETON_IDS.body);
  let fallback: ScreenSize | null = null;
  const fallbackScreen = (timestamp: number): ScreenSize => {
    if (fallback) return fallback;
    const known = typeof opts.screen === "function" ? opts.screen() : opts.screen;
    const given = known && known.width > 0 && known.height > 0 ? known : null;
    fallback = given ?? firstFullScreen(events);
    if (!fallback) {
      fallback = FALLBACK_SCREEN;
      notes.push({
        code: "SYNTHESIZED_META",
        message: `No screen size in the recording; playing at ${FALLBACK_SCREEN.width}x${FALLBACK_SCREEN.height}`,
        timestamp,
      });
    }
    return fallback;
  };
  let screen: ScreenSize | null = null;
  let started = false;

  const emit = (event: unknown) => out.push(event as RrwebEvent);
  const ensureMeta = (timestamp: number): ScreenSize => {
    if (screen) return screen;
    screen = fallbackScreen(timestamp);
    notes.push({
      code: "SYNTHESIZED_META",
      message: `No Meta event before the first snapshot; added one of ${screen.width}x${screen.height}`,
      timestamp,
    });
    emit({ type: 4, timestamp, data: { href: "", width: screen.width, height: screen.height } });
    return screen;
  };
  const fullSnapshot = (timestamp: number, body: serializedNodeWithId[], initialOffset: unknown) => {
    const size = ensureMeta(timestamp);
    const offset =
      isRecord(initialOffset) && finite(initialOffset.top) && finite(initialOffset.left)
        ? { top: initialOffset.top, left: initialOffset.left }
        : { top: 0, left: 0 };
    emit({ type: 2, timestamp, data: { node: skeleton(size, body), initialOffset: offset } });
    started = true;
  };
  const ensureStarted = (timestamp: number) => {
    if (started) return;
    notes.push({
      code: "SYNTHESIZED_FULL_SNAPSHOT",
      message: "Incremental events arrived before any FullSnapshot; started from an empty screen",
      timestamp,
    });
    tree.reset([]);
    fullSnapshot(timestamp, [], null);
  };
  const readContext = (timestamp: number): ReadContext => ({
    limits,
    timestamp,
    notes,
    screenWidth: (screen ?? fallbackScreen(timestamp)).width,
  });
  const read = (raw: unknown, ctx: ReadContext): Wireframe | null => readWireframe(raw, ctx);
  const nodeId = (id: unknown): number =>
    finite(id) && id !== 0 && ids.known(id) ? ids.wireframe(id) : SKELETON_IDS.body;

  const dropped = sameTimestampDuplicates(events);
  events.forEach((event, index) => {
    const { timestamp } = event;
    if (dropped.has(index)) {
      notes.push({
        code: "DUPLICATE_EVENT",
        message: "An event sent twice at the same time was dropped",
        timestamp,
      });
      return;
    }
    const data = (event as { data?: unknown }).data;
    const d = isRecord(data) ? data : {};
    switch (event.type as number) {
      case 4:
        if (finite(d.width) && finite(d.height) && d.width > 0 && d.height > 0)
          screen = { width: d.width, height: d.height };
        else screen ??= fallbackScreen(timestamp);
        emit(event);
        return;
      case 2: {
        if (!Array.isArray(d.wireframes)) {
          notes.push({
            code: "BAD_EVENT",
            message: "A FullSnapshot without wireframes was skipped",
            timestamp,
          });
          return;
        }
        const ctx = readContext(timestamp);
        const wireframes = d.wireframes
          .map((raw) => read(raw, ctx))
          .filter((w): w is Wireframe => w !== null);
        fullSnapshot(timestamp, tree.reset(wireframes), d.initialOffset);
        return;
      }
      case 3:
        ensureStarted(timestamp);
        switch (d.source) {
          case MUTATION:
            mutation(d, timestamp);
            return;
          case MOUSE_INTERACTION:
            emit({ ...event, data: { ...d, id: nodeId(d.id) } });
            return;
          case MOUSE_MOVE:
          case TOUCH_MOVE:
          case DRAG:
            emit({
              ...event,
              data: {
                ...d,
                positions: (Array.isArray(d.positions) ? d.positions : []).filter(isRecord).map((p) => ({
                  ...p,
                  id: nodeId(p.id),
                  timeOffset: finite(p.timeOffset) ? p.timeOffset : 0,
                })),
              },
            });
            return;
          default:
            emit(event);
            return;
        }
      case 5:
        emit(event);
        if (d.tag === "keyboard") {
          ensureStarted(timestamp);
          const payload = isRecord(d.payload) ? d.payload : {};
          const height = payload.open === true && finite(payload.height) ? payload.height : null;
          const style = keyboardStyle(screen ?? fallbackScreen(timestamp), height);
          emit({
            type: 3,
            timestamp,
            data: {
              source: MUTATION,
              texts: [],
              attributes: [{ id: SKELETON_IDS.keyboard, attributes: { style } }],
              removes: [],
              adds: [],
            },
          });
        }
        return;
      case 6:
        emit(consoleArgumentsAsArray(event));
        return;
      default:
        emit(event);
    }
  });

  function mutation(d: Record<string, unknown>, timestamp: number): void {
    const ctx = readContext(timestamp);
    tree.beginMutation();
    for (const remove of Array.isArray(d.removes) ? d.removes : []) {
      if (!isRecord(remove) || !finite(remove.id)) {
        notes.push({ code: "BAD_FIELD", message: "A remove without a numeric id was skipped", timestamp });
      } else if (!tree.remove(remove.id)) {
        notes.push({
          code: "UNKNOWN_NODE",
          message: `Remove of wireframe ${remove.id}, which is not on screen, was skipped`,
          timestamp,
          wireframeId: remove.id,
        });
      }
    }
    const place = (list: unknown, kind: "add" | "update") => {
      for (const item of Array.isArray(list) ? list : []) {
        if (!isRecord(item)) continue;
        const wf = read(item.wireframe, ctx);
        if (!wf) continue;
        const parentId = item.parentId;
        if (finite(parentId) && tree.has(parentId) && parentId !== wf.id) tree.insert(parentId, wf);
        else if (kind === "update" && tree.has(wf.id)) tree.insert(tree.parentOf(wf.id), wf);
        else if (wf.type === "screenshot" || parentId === undefined || parentId === null)
          tree.insert(ROOT, wf);
        else {
          notes.push({
            code: "UNKNOWN_PARENT",
            message: `The ${kind} of wireframe ${wf.id} names parent ${String(parentId)}, which never existed; dropped`,
            timestamp,
            wireframeId: wf.id,
          });
        }
      }
    };
    place(d.adds, "add");
    place(d.updates, "update");
    const diff = tree.diff();
    if (diff.adds.length === 0 && diff.removes.length === 0) return;
    emit({
      type: 3,
      timestamp,
      data: { source: MUTATION, texts: [], attributes: [], removes: diff.removes, adds: diff.adds },
    });
  }

  return { events: out, notes };
}

/** Mobile SDKs send a console call's text as one string; rrweb's console plugin sends JSON-encoded arguments. */
function consoleArgumentsAsArray(event: RrwebEvent): RrwebEvent {
  const data = (event as eventWithTime & { data: unknown }).data;
  if (!isRecord(data) || data.plugin !== "rrweb/console@1" || !isRecord(data.payload)) return event;
  const payload = data.payload;
  if (typeof payload.payload !== "string") return event;
  return {
    ...event,
    data: {
      ...data,
      payload: { ...payload, payload: [JSON.stringify(payload.payload)], trace: payload.trace ?? [] },
    },
  } as RrwebEvent;
}
