import type { CaptureEvent, RrwebEvent, SnapshotBatch } from "@replay-devkit/codec";

// Small hand-made events and batches shared by the store's tests (real captures come from
// test-utils' shared fixtures).

export const SESSION = "01a202c2-74cd-7f89-946b-520763bdef30";
export const WINDOW = "01a202c2-74cd-7f89-946b-5208f7989094";
export const WINDOW_2 = "01a202c2-74cd-7f89-946b-5208f7989095";

export function click(timestamp: number, id = 1): RrwebEvent {
  return { type: 3, timestamp, data: { source: 2, type: 2, id, x: 10, y: 20 } } as RrwebEvent;
}
export function meta(timestamp: number, href: string): RrwebEvent {
  return { type: 4, timestamp, data: { href, width: 1280, height: 800 } } as RrwebEvent;
}
export function consoleError(timestamp: number): RrwebEvent {
  return {
    type: 6,
    timestamp,
    data: { plugin: "rrweb/console@1", payload: { level: "error", trace: [], payload: ['"boom"'] } },
  } as RrwebEvent;
}
export function batch(events: RrwebEvent[], extra: Partial<SnapshotBatch> = {}): SnapshotBatch {
  return { sessionId: SESSION, windowId: WINDOW, distinctId: "user-1", events, ...extra };
}
export function pageview(uuid: string, timestamp: string, session = SESSION): CaptureEvent {
  return {
    event: "$pageview",
    uuid,
    timestamp,
    properties: { $session_id: session, distinct_id: "user-1", $current_url: "https://shop.test/cart" },
  };
}
