import { createHash } from "node:crypto";
import type { CaptureEvent, Recording, RrwebEvent } from "@replay-devkit/codec";
import type { RecordingSummary, Store } from "@replay-devkit/store";
import { CliError, toCliError } from "../errors.js";
import type { DevkitClient } from "./client.js";

/** What one recording's copy did. */
export interface TransferResult {
  id: string;
  /** `copied`: the target had no such recording; `merged`: it had part of it; `up-to-date`: it had it all. */
  outcome: "copied" | "merged" | "up-to-date";
  /** rrweb events and PostHog events sent (push) or stored (pull). */
  events: number;
  posthogEvents: number;
  /** Bytes of the bundle that travelled (0 when up to date). */
  bytes: number;
}

/**
 * An event's identity across machines: its window and its exact JSON. Hashed, so the set of an
 * hour-long recording's events costs a few MB, not a copy of the recording.
 */
function eventKey(windowId: string, event: RrwebEvent): string {
  return createHash("sha1").update(windowId).update("\0").update(JSON.stringify(event)).digest("base64");
}

/** The store's own rule for the same PostHog event: its uuid, else its whole JSON. */
function posthogKey(event: CaptureEvent): string {
  return event.uuid ?? createHash("sha1").update(JSON.stringify(event)).digest("base64");
}

/**
 * The part of `rec` that `has` lacks. Copying only that is what makes a copy idempotent whichever
 * way recordings travel: a recording stored as posthog-js sent it and one imported from a bundle
 * keep their chunks under different keys, so re-sending everything would store events twice.
 */
function missingPart(
  rec: Recording,
  has: { events: ReadonlySet<string>; posthog: ReadonlySet<string> },
): Recording | null {
  const windows = rec.windows
    .map((w) => ({ ...w, events: w.events.filter((e) => !has.events.has(eventKey(w.windowId, e))) }))
    .filter((w) => w.events.length > 0);
  const posthogEvents = rec.posthogEvents.filter((e) => !has.posthog.has(posthogKey(e)));
  if (windows.length === 0 && posthogEvents.length === 0) return null;
  const { metadata: _metadata, ...rest } = rec;
  return { ...rest, windows, posthogEvents };
}

function countEvents(rec: Recording): number {
  return rec.windows.reduce((n, w) => n + w.events.length, 0);
}

function localKeys(store: Store, id: string): { events: Set<string>; posthog: Set<string> } {
  const events = new Set<string>();
  for (const { windowId, event } of store.iterateEvents(id)) events.add(eventKey(windowId, event));
  return { events, posthog: new Set(store.posthogEvents(id).map(posthogKey)) };
}

async function remoteKeys(
  client: DevkitClient,
  id: string,
): Promise<{ events: Set<string>; posthog: Set<string> }> {
  const path = `/api/recordings/${encodeURIComponent(id)}`;
  const events = new Set<string>();
  const ndjson = await client.getText(`${path}/events.ndjson`);
  for (const line of ndjson.split("\n")) {
    if (line === "") continue;
    const item = JSON.parse(line) as { windowId: string; event: RrwebEvent };
    events.add(eventKey(item.windowId, item.event));
  }
  const posthog = await client.getJson<{ events: CaptureEvent[] }>(`${path}/posthog-events`);
  return { events, posthog: new Set((posthog.body?.events ?? []).map(posthogKey)) };
}

async function bundleOf(rec: Recording, producer: string): Promise<Uint8Array> {
  const { writeBundle } = await import("@replay-devkit/codec");
  // Raw on purpose: a copy between our own stores must keep every value; exports scrub, copies don't.
  return writeBundle(rec, { producer, redactions: [] });
}

/** Copies one stored recording to the server behind `client`, sending only what it lacks. */
export async function pushRecording(
  store: Store,
  client: DevkitClient,
  id: string,
  producer: string,
): Promise<TransferResult> {
  let rec: Recording;
  try {
    if (!store.getRecording(id))
      throw new CliError("REPLAY_DEVKIT_NOT_FOUND", `no recording with id ${JSON.stringify(id)} here`, {
        hint: "Run `replay-devkit list` to see the recording ids.",
      });
    rec = store.loadRecording(id);
  } catch (error) {
    throw toCliError(error);
  }
  const remote = await client.getJson<RecordingSummary>(`/api/recordings/${encodeURIComponent(id)}`);
  const part = remote.status === 404 ? rec : missingPart(rec, await remoteKeys(client, id));
  if (part === null) return { id, outcome: "up-to-date", events: 0, posthogEvents: 0, bytes: 0 };
  if (part.windows.length === 0) {
    // Only PostHog events are missing: they go in as posthog-js sends them, deduplicated by uuid.
    const body = new TextEncoder().encode(JSON.stringify(part.posthogEvents));
    await client.postBytes("/batch/", body, "application/json");
    return { id, outcome: "merged", events: 0, posthogEvents: part.posthogEvents.length, bytes: body.length };
  }
  const bundle = await bundleOf(part, producer);
  const answer = await client.postBytes<{ imported?: unknown }>("/api/import", bundle, "application/zip");
  if (!Array.isArray(answer.imported) || !answer.imported.includes(id))
    throw new CliError("REPLAY_DEVKIT_REMOTE", `${client.label} did not store recording ${id}`, {
      hint: "Check that it is a replay-devkit server of the same version.",
    });
  return {
    id,
    outcome: remote.status === 404 ? "copied" : "merged",
    events: countEvents(part),
    posthogEvents: part.posthogEvents.length,
    bytes: bundle.length,
  };
}

/** One recording fetched raw from the server behind `client`, with the `source` it has there. */
export async function fetchFromDevkit(
  client: DevkitClient,
  id: string,
): Promise<{ recording: Recording; source: string; bytes: number }> {
  const path = `/api/recordings/${encodeURIComponent(id)}`;
  const remote = await client.getJson<RecordingSummary>(path);
  if (remote.status === 404 || remote.body === null)
    throw new CliError(
      "REPLAY_DEVKIT_NOT_FOUND",
      `${client.label} has no recording with id ${JSON.stringify(id)}`,
      {
        hint: `List its recordings with: replay-devkit pull --list --from ${client.label}`,
      },
    );
  const bytes = await client.getBytes(`${path}/export?format=bundle&scrub=false`);
  const { readRecordingFile } = await import("@replay-devkit/codec");
  let rec: Recording | undefined;
  try {
    rec = (await readRecordingFile(bytes)).recordings.find((r) => r.sessionId === id);
  } catch (error) {
    throw new CliError("REPLAY_DEVKIT_REMOTE", `${client.label} sent a bundle for ${id} that does not read`, {
      cause: error,
      hint: "Check that it is a replay-devkit server of the same version.",
    });
  }
  if (rec === undefined)
    throw new CliError("REPLAY_DEVKIT_REMOTE", `${client.label} sent a bundle without recording ${id}`);
  return { recording: rec, source: remote.body.source, bytes: bytes.length };
}

/** Stores the part of a pulled recording that `store` lacks: pulling again stores nothing. */
export function storePulled(
  store: Store,
  rec: Recording,
  source: string,
): { id: string; created: boolean; events: number; duplicates: number } {
  const id = rec.sessionId;
  const total = countEvents(rec);
  try {
    const existing = store.getRecording(id);
    const part = existing === null ? rec : missingPart(rec, localKeys(store, id));
    if (part === null) return { id, created: false, events: 0, duplicates: total };
    if (part.windows.length === 0) store.ingestSnapshots([], part.posthogEvents);
    else store.importRecording(part, { source });
    const events = countEvents(part);
    return { id, created: existing === null, events, duplicates: total - events };
  } catch (error) {
    throw toCliError(error, `cannot store ${id}`);
  }
}
