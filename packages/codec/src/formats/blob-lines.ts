import { CodecError, describe } from "../errors.js";
import { isRecord } from "../json.js";
import { windowIdOf, withoutWindowId, type RecordingBuilder } from "./common.js";

/**
 * Adds one snapshot line in any shape PostHog's player reads (POSTHOG-PROTOCOL.md §3a):
 * `[windowId, event]` (blob_v2), `{window_id, data: [...]}` (blob v1), `{windowId, data: [...]}`
 * (realtime), or a bare event carrying `windowId`.
 */
export function addBlobLine(builder: RecordingBuilder, value: unknown, path: string): void {
  if (Array.isArray(value)) {
    if (value.length !== 2)
      throw new CodecError(
        "INVALID_EVENT",
        `Expected a [windowId, event] pair, got an array of ${value.length}`,
        { path },
      );
    builder.add(windowIdOf(value[0], `${path}[0]`), value[1], `${path}[1]`);
    return;
  }
  if (!isRecord(value))
    throw new CodecError("INVALID_EVENT", `Expected a [windowId, event] line, got ${describe(value)}`, {
      path,
    });
  const windowKey = "window_id" in value ? "window_id" : "windowId" in value ? "windowId" : null;
  if (windowKey && Array.isArray(value.data)) {
    const windowId = windowIdOf(value[windowKey], `${path}.${windowKey}`);
    value.data.forEach((event: unknown, i: number) => builder.add(windowId, event, `${path}.data[${i}]`));
    return;
  }
  if (windowKey === "windowId") {
    builder.add(windowIdOf(value.windowId, `${path}.windowId`), withoutWindowId(value), path);
    return;
  }
  throw new CodecError("INVALID_EVENT", "Expected a [windowId, event] line", { path });
}
