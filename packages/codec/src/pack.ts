import {
  bytesFromLatin1,
  gunzipMemberCapped,
  gzipBytes,
  latin1FromBytes,
  utf8Decode,
  utf8Encode,
} from "./bytes.js";
import { CodecError, describe } from "./errors.js";
import { isRecord, parseJson } from "./json.js";
import { resolveLimits, type Limits } from "./limits.js";
import type { RrwebEvent } from "./types.js";
import { validateRrwebEvent } from "./validate.js";

/** The only per-event compression version posthog-js has shipped. */
export const PACKED_EVENT_VERSION = "2024-10";

const MUTATION_FIELDS = ["texts", "attributes", "removes", "adds"] as const;
const STYLESHEET_FIELDS = ["adds", "removes"] as const;

function unpackField(value: string, limits: Limits, path: string): unknown {
  const bytes = bytesFromLatin1(value);
  if (!bytes) {
    throw new CodecError(
      "INVALID_EVENT",
      "Packed field holds characters above U+00FF, so it is not latin-1 gzip (was it UTF-8 encoded twice?)",
      { path },
    );
  }
  let inflated: Uint8Array;
  try {
    inflated = gunzipMemberCapped(bytes, limits.maxDecompressedBytes);
  } catch (error) {
    if (error instanceof CodecError)
      throw new CodecError(error.code, `Packed field: ${error.message}`, { path, cause: error });
    throw error;
  }
  return parseJson(utf8Decode(inflated), "Packed field", path);
}

/**
 * Turns a possibly packed (`cv: "2024-10"`) rrweb event into a plain one and validates it.
 * Unpacked input is validated and returned as is; an unknown `cv` is rejected with UNKNOWN_VERSION.
 */
export function unpackEvent(
  event: unknown,
  opts: { limits?: Partial<Limits>; path?: string } = {},
): RrwebEvent {
  const path = opts.path ?? "event";
  if (!isRecord(event) || event.cv === undefined) return validateRrwebEvent(event, path);
  if (event.cv !== PACKED_EVENT_VERSION) {
    throw new CodecError(
      "UNKNOWN_VERSION",
      `Unknown packed-event version cv ${describe(event.cv)}; this codec reads only "${PACKED_EVENT_VERSION}"`,
      {
        path: `${path}.cv`,
      },
    );
  }
  const limits = resolveLimits(opts.limits);
  const { cv: _cv, ...rest } = event;
  const out: Record<string, unknown> = rest;
  if (out.type === 2 && typeof out.data === "string") {
    out.data = unpackField(out.data, limits, `${path}.data`);
  } else if (out.type === 3 && isRecord(out.data)) {
    const fields = out.data.source === 0 ? MUTATION_FIELDS : out.data.source === 8 ? STYLESHEET_FIELDS : [];
    let data: Record<string, unknown> | null = null;
    for (const key of fields) {
      const value = out.data[key];
      if (typeof value === "string") {
        data ??= { ...out.data };
        data[key] = unpackField(value, limits, `${path}.data.${key}`);
      }
    }
    if (data) out.data = data;
  }
  return validateRrwebEvent(out, path);
}

function packField(value: unknown): string {
  return latin1FromBytes(gzipBytes(utf8Encode(JSON.stringify(value))));
}

/**
 * The inverse of `unpackEvent`, byte-compatible with posthog-js: FullSnapshot `data`, Mutation
 * `texts/attributes/removes/adds` and StyleSheetRule `adds/removes` become latin-1 gzip strings and
 * the event gets `cv: "2024-10"`. Other events are returned unchanged. The result is a wire form:
 * it is typed as an event for convenience but must be unpacked before playback.
 */
export function packEvent(event: RrwebEvent): RrwebEvent {
  const e = event as unknown as Record<string, unknown>;
  if (e.cv !== undefined) return event;
  if (e.type === 2) {
    return { ...e, data: packField(e.data), cv: PACKED_EVENT_VERSION } as unknown as RrwebEvent;
  }
  if (e.type === 3 && isRecord(e.data) && (e.data.source === 0 || e.data.source === 8)) {
    const fields = e.data.source === 0 ? MUTATION_FIELDS : STYLESHEET_FIELDS;
    const data: Record<string, unknown> = { ...e.data };
    for (const key of fields) {
      // Absent fields stay absent so that unpack(pack(e)) is exactly e.
      if (data[key] !== undefined) data[key] = packField(data[key]);
    }
    return { ...e, data, cv: PACKED_EVENT_VERSION } as unknown as RrwebEvent;
  }
  return event;
}
