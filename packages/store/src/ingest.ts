import { createHash } from "node:crypto";
import {
  MetadataAccumulator,
  type CaptureEvent,
  type MetadataState,
  type Recording,
  type RrwebEvent,
  type SnapshotBatch,
} from "@replay-devkit/codec";
import { encodeChunk, sortEvents, type ChunkEncoding } from "./chunks.js";
import { StoreError } from "./errors.js";
import { posthogEventsOf } from "./queries.js";
import type { RecordingRow, Statements } from "./statements.js";
import type { CaptureRequest, ImportOptions, ImportResult, IngestResult } from "./types.js";

// Ingest: idempotent batches (keyed by $snapshot uuid or content hash), PostHog events, and the
// incremental metadata accumulator. Every method here runs inside the store's write transaction.

export const ID_PATTERN = /^[\w.:@-]{1,200}$/;
const IMPORT_CHUNK_EVENTS = 2000;

interface SessionState {
  id: string;
  acc: MetadataAccumulator | null;
  changed: boolean;
  isNew: boolean;
  /** The indexed columns as stored, so an update that leaves them alone skips the index writes. */
  indexed: { startMs: number; distinctId: string | null } | null;
}

export function checkId(value: unknown, what: string): string {
  if (typeof value !== "string" || !ID_PATTERN.test(value)) {
    throw new StoreError(
      "INVALID_INPUT",
      `${what} must be 1-200 characters of letters, digits and . _ : @ -, got ${
        typeof value === "string" ? JSON.stringify(value.slice(0, 80)) : typeof value
      }`,
    );
  }
  return value;
}

export function checkBatchIds(batches: readonly SnapshotBatch[]): void {
  for (const batch of batches) {
    checkId(batch.sessionId, "$session_id");
    checkId(batch.windowId, "$window_id");
  }
}

export function hashOf(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\u0000");
  return hash.digest("hex").slice(0, 40);
}

export function eventTimeMs(event: CaptureEvent, fallback: number): number {
  const parsed = event.timestamp === undefined ? Number.NaN : Date.parse(event.timestamp);
  return Number.isFinite(parsed) ? parsed : fallback;
}

/**
 * What makes an event without a uuid the same event when it is retried. Old SDKs send an `offset`
 * instead of a time, and the decoder turns it into a timestamp relative to when the request
 * arrived, which differs on every retry; the offset itself does not.
 */
export function identityOf(event: CaptureEvent, json: string): string {
  if (event.offset === undefined) return json;
  const { timestamp: _timestamp, ...rest } = event;
  return JSON.stringify(rest);
}

export function sessionOf(event: CaptureEvent): string | null {
  const id = event.properties.$session_id;
  return typeof id === "string" && ID_PATTERN.test(id) ? id : null;
}

/**
 * The indexes of the capture requests whose ids are valid, for a group commit; each invalid one gets
 * its error in `results` and fails alone.
 */
export function validRequests<E>(
  requests: readonly CaptureRequest[],
  results: unknown[],
  toError: (error: unknown) => E,
): number[] {
  const valid: number[] = [];
  requests.forEach((request, i) => {
    try {
      checkBatchIds(request.batches);
      valid.push(i);
    } catch (error) {
      results[i] = toError(error);
    }
  });
  return valid;
}

/** The dedupe key of a PostHog event: its uuid, or a hash of what stays equal across retries. */
export function posthogKeyOf(event: CaptureEvent, json: string): string {
  return typeof event.uuid === "string" && event.uuid !== ""
    ? `u:${event.uuid}`
    : `h:${hashOf(identityOf(event, json))}`;
}

/** The dedupe key of a snapshot batch: its $snapshot uuid, or a hash of its window and events. */
export function batchKeyOf(batch: SnapshotBatch): string {
  return batch.uuid ? `u:${batch.uuid}` : `h:${hashOf(batch.windowId, JSON.stringify(batch.events))}`;
}

export class SqliteIngest {
  constructor(
    private readonly stmt: Statements,
    private readonly now: () => number,
    /** Told the change-log row each finished session wrote, so the change feed can skip re-reading it. */
    private readonly logged: (seq: number) => void,
  ) {}

  /** One capture request (codec's splitCaptureEvents output), sessions finished. */
  snapshots(batches: readonly SnapshotBatch[], others: readonly CaptureEvent[]): IngestResult {
    const touched = new Map<string, SessionState>();
    const distinct = new Map<string, string>();
    const result = this.ingestInto(batches, others, touched, distinct);
    result.sessionIds = [];
    for (const state of touched.values()) {
      this.finishSession(state, "capture", distinct.get(state.id));
      if (state.changed) result.sessionIds.push(state.id);
    }
    return result;
  }

  /** Several capture requests sharing one transaction (group commit); results in order. */
  group(requests: readonly CaptureRequest[]): IngestResult[] {
    const touched = new Map<string, SessionState>();
    const distinct = new Map<string, string>();
    const out = requests.map((request) =>
      this.ingestInto(request.batches, request.others ?? [], touched, distinct),
    );
    for (const state of touched.values()) this.finishSession(state, "capture", distinct.get(state.id));
    return out;
  }

  rrweb(
    sessionId: string,
    windowId: string,
    events: readonly RrwebEvent[],
    opts: { distinctId?: string | null; batchId?: string },
  ): IngestResult {
    const state = this.sessionState(sessionId);
    const key = opts.batchId ? `b:${opts.batchId}` : `h:${hashOf(windowId, JSON.stringify(events))}`;
    const stored = this.storeBatch(state, windowId, key, events, "gzip");
    const result: IngestResult = { sessionIds: [], batches: 0, duplicates: 0, events: 0, posthogEvents: 0 };
    if (stored) {
      result.batches = 1;
      result.events = events.length;
      result.sessionIds.push(sessionId);
    } else if (events.length > 0) {
      result.duplicates = 1;
    }
    this.finishSession(state, "rrweb", opts.distinctId);
    return result;
  }

  importRecording(rec: Recording, opts: ImportOptions): ImportResult {
    const state = this.sessionState(rec.sessionId);
    const result: ImportResult = { id: rec.sessionId, created: state.isNew, events: 0, duplicates: 0 };
    const touched = new Map([[rec.sessionId, state]]);
    const total = rec.windows.reduce((n, w) => n + w.events.length, 0);
    for (const w of rec.windows) {
      for (let i = 0; i < w.events.length; i += IMPORT_CHUNK_EVENTS) {
        const part = w.events.slice(i, i + IMPORT_CHUNK_EVENTS);
        const key = `h:${hashOf(w.windowId, JSON.stringify(part))}`;
        if (this.storeBatch(state, w.windowId, key, part, "gzip")) {
          result.events += part.length;
        } else {
          result.duplicates += part.length;
        }
        opts.onProgress?.(result.events + result.duplicates, total);
      }
    }
    this.storePosthogEvents(rec.posthogEvents, touched, rec.sessionId);
    if (!state.acc) {
      throw new StoreError(
        "INVALID_INPUT",
        `Recording ${rec.sessionId} has no rrweb events; nothing to import`,
      );
    }
    this.finishSession(state, opts.source, rec.distinctId, rec.person);
    return result;
  }

  /**
   * Stores one batch of events for a window unless its key was seen before. Creates the recording
   * row on first use (with the session's earlier PostHog events folded into its metadata).
   */
  storeBatch(
    session: SessionState,
    windowId: string,
    key: string,
    events: readonly RrwebEvent[],
    encoding: ChunkEncoding,
  ): boolean {
    const sorted = sortEvents(events, `Session ${session.id} window ${windowId}`);
    if (sorted.length === 0) return false;
    if (!session.acc) {
      const acc = new MetadataAccumulator(session.id);
      for (const event of posthogEventsOf(this.stmt, session.id)) acc.addPosthogEvent(event);
      session.acc = acc;
      // batch_keys and chunks reference the row, so it exists from here; finishSession fills it in.
      this.stmt.insertRecording.run({
        id: session.id,
        distinct_id: null,
        source: "pending",
        now: this.now(),
        start_ms: 0,
        end_ms: 0,
        duration_ms: 0,
        console_error_count: 0,
        metadata: "{}",
        acc_state: "{}",
        person: null,
      });
    }
    if (this.stmt.insertKey.run(session.id, key).changes === 0) return false;
    const chunk = encodeChunk(windowId, sorted, encoding);
    this.stmt.insertChunk.run(
      session.id,
      windowId,
      chunk.firstTs,
      chunk.lastTs,
      chunk.eventCount,
      chunk.rawBytes,
      chunk.encoding,
      chunk.data,
    );
    session.acc.addEvents(windowId, sorted, chunk.eventBytes);
    session.changed = true;
    return true;
  }

  sessionState(id: string): SessionState {
    const row = this.stmt.getRow.get(id) as RecordingRow | undefined;
    const acc =
      row && row.source !== "pending"
        ? new MetadataAccumulator(id, JSON.parse(row.acc_state) as MetadataState)
        : null;
    return {
      id,
      acc,
      changed: false,
      isNew: acc === null,
      indexed: acc && row ? { startMs: row.start_ms, distinctId: row.distinct_id } : null,
    };
  }

  finishSession(
    s: SessionState,
    source: string,
    distinctId: string | null | undefined,
    person?: unknown,
  ): void {
    if (!s.acc || !s.changed) return;
    if (distinctId && s.acc.metadata().distinctId === null) s.acc.setDistinctId(distinctId);
    const meta = s.acc.metadata();
    const now = this.now();
    const startMs = Date.parse(meta.startTime);
    const row = {
      id: s.id,
      now,
      end_ms: Date.parse(meta.endTime),
      duration_ms: meta.durationMs,
      console_error_count: meta.consoleErrorCount,
      metadata: JSON.stringify(meta),
      acc_state: JSON.stringify(s.acc.toJSON()),
    };
    if (s.indexed && s.indexed.startMs === startMs && s.indexed.distinctId === meta.distinctId) {
      this.stmt.updateRecordingTail.run(row);
    } else {
      this.stmt.updateRecording.run({ ...row, start_ms: startMs, distinct_id: meta.distinctId });
    }
    s.indexed = { startMs, distinctId: meta.distinctId };
    const kind = s.isNew ? "created" : "updated";
    if (s.isNew) this.stmt.setOrigin.run(source, person == null ? null : JSON.stringify(person), s.id);
    this.logged(Number(this.stmt.logChange.run(s.id, kind, now).lastInsertRowid));
  }

  storePosthogEvents(
    others: readonly CaptureEvent[],
    touched: Map<string, SessionState>,
    forceSession?: string,
    wrote?: Set<string>,
  ): number {
    let stored = 0;
    const received = this.now();
    for (const event of others) {
      const session = forceSession ?? sessionOf(event);
      const data = JSON.stringify(event);
      const key = posthogKeyOf(event, data);
      const inserted = this.stmt.insertPosthog.run(
        session,
        key,
        event.event,
        eventTimeMs(event, received),
        received,
        data,
      );
      if (inserted.changes === 0) continue;
      stored++;
      if (!session) continue;
      let state = touched.get(session);
      if (!state) {
        state = this.sessionState(session);
        touched.set(session, state);
      }
      if (state.acc) {
        state.acc.addPosthogEvent(event);
        state.changed = true;
        wrote?.add(session);
      }
    }
    return stored;
  }

  /**
   * One capture request inside a write transaction; the caller finishes the touched sessions.
   * `sessionIds` lists the sessions this request wrote to (batches or linked PostHog events).
   */
  ingestInto(
    batches: readonly SnapshotBatch[],
    others: readonly CaptureEvent[],
    touched: Map<string, SessionState>,
    distinct: Map<string, string>,
  ): IngestResult {
    const result: IngestResult = { sessionIds: [], batches: 0, duplicates: 0, events: 0, posthogEvents: 0 };
    const wrote = new Set<string>();
    for (const batch of batches) {
      let state = touched.get(batch.sessionId);
      if (!state) {
        state = this.sessionState(batch.sessionId);
        touched.set(batch.sessionId, state);
      }
      if (batch.distinctId && !distinct.has(batch.sessionId)) distinct.set(batch.sessionId, batch.distinctId);
      const key = batchKeyOf(batch);
      if (this.storeBatch(state, batch.windowId, key, batch.events, "gzip")) {
        result.batches++;
        result.events += batch.events.length;
        wrote.add(batch.sessionId);
      } else if (batch.events.length > 0) {
        result.duplicates++;
      }
    }
    result.posthogEvents = this.storePosthogEvents(others, touched, undefined, wrote);
    result.sessionIds = [...wrote];
    return result;
  }
}
