import { computeMetadata } from "@replay-devkit/codec";
import {
  STAND_IN_KEY,
  standInRecording,
  startPosthogStandIn,
  selfSignedCertificate,
  type PosthogStandIn,
  type StandInRecording,
} from "@replay-devkit/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import {
  MAX_BLOCKS_PER_REQUEST,
  PosthogClient,
  isPosthogApiError,
  listRecordings,
  pullRecording,
  type ClientOptions,
} from "../src/index.js";

// The stand-in encodes PostHog's documented responses (see the header of
// packages/test-utils/src/posthog-stand-in.ts). Its recording is the shared posthog-js capture:
// runs A and B as two tabs of one session, `cv`-packed as ingested, cut into blocks of 3 lines so
// the recording has more blocks than one request may ask for.

let standIn: PosthogStandIn | null = null;
afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

const FAST = { retries: 3, baseDelayMs: 5, maxDelayMs: 20 };

async function setUp(
  opts: Parameters<typeof startPosthogStandIn>[0] = {},
  add: { deletedAtBlocks?: boolean; lts?: boolean } = {},
): Promise<{
  s: PosthogStandIn;
  rec: StandInRecording;
  client: (o?: Partial<ClientOptions>) => PosthogClient;
}> {
  const s = await startPosthogStandIn(opts);
  standIn = s;
  const rec = standInRecording(["A", "B"], 3);
  s.addRecording(rec, add);
  return {
    s,
    rec,
    client: (o = {}) =>
      new PosthogClient({
        host: s.url,
        projectId: String(s.projectId),
        apiKey: STAND_IN_KEY,
        retry: FAST,
        ...o,
      }),
  };
}

function expectSameWindows(pulled: Awaited<ReturnType<typeof pullRecording>>, rec: StandInRecording) {
  const windows = new Map(pulled.recording.windows.map((w) => [w.windowId, w.events]));
  expect([...windows.keys()].sort()).toEqual([...rec.expected.keys()].sort());
  for (const [windowId, events] of rec.expected) {
    // The codec orders a window by timestamp, keeping capture order on ties, as PostHog's player does.
    const ordered = events
      .map((e, i) => ({ e, i }))
      .sort((a, b) => (a.e.timestamp as number) - (b.e.timestamp as number) || a.i - b.i);
    expect(windows.get(windowId)).toEqual(ordered.map((x) => x.e));
  }
}

function blockRequests(s: PosthogStandIn) {
  return s.requests.filter((r) => r.query.get("source") === "blob_v2");
}

describe("pullRecording against the PostHog stand-in", () => {
  it("gets every window's events exactly, cv unpacked, in ranges of at most 20 blocks", async () => {
    const { s, rec, client } = await setUp();
    expect(rec.blocks.length).toBeGreaterThan(2 * MAX_BLOCKS_PER_REQUEST);
    const pulled = await pullRecording(client(), rec.sessionId);
    expectSameWindows(pulled, rec);
    expect(pulled.recording.distinctId).toBe(rec.distinctId);
    expect(pulled.recording.posthogEvents.map((e) => e.uuid)).toEqual(rec.events.map((e) => e.uuid));
    const ranges = blockRequests(s).map((r) => [
      Number(r.query.get("start_blob_key")),
      Number(r.query.get("end_blob_key")),
    ]);
    expect(ranges.every(([a, b]) => b! - a! + 1 <= MAX_BLOCKS_PER_REQUEST)).toBe(true);
    expect(ranges.flatMap(([a, b]) => Array.from({ length: b! - a! + 1 }, (_, i) => a! + i))).toEqual(
      rec.blocks.map((_, i) => i),
    );
    expect(s.requests.every((r) => r.bearer && r.path.startsWith(`/api/environments/${s.projectId}/`))).toBe(
      true,
    );
    // The bytes came as PostHog stores them: cv-packed events inside, unpacked only by the reader.
    expect(pulled.body.encoding).toBe("snappy");
  });

  it("computes the metadata PostHog serves", async () => {
    const { s, rec, client } = await setUp();
    const pulled = await pullRecording(client(), rec.sessionId);
    const ours = computeMetadata(pulled.recording);
    const theirs = s.metadataOf(rec.sessionId);
    expect({
      start_time: ours.startTime,
      end_time: ours.endTime,
      recording_duration: Math.floor(ours.durationMs / 1000),
      click_count: ours.clickCount,
      keypress_count: ours.keypressCount,
      mouse_activity_count: ours.mouseActivityCount,
      console_log_count: ours.consoleLogCount,
      console_warn_count: ours.consoleWarnCount,
      console_error_count: ours.consoleErrorCount,
      distinct_id: pulled.recording.distinctId,
    }).toEqual({
      start_time: theirs.start_time,
      end_time: theirs.end_time,
      recording_duration: theirs.recording_duration,
      click_count: theirs.click_count,
      keypress_count: theirs.keypress_count,
      mouse_activity_count: theirs.mouse_activity_count,
      console_log_count: theirs.console_log_count,
      console_warn_count: theirs.console_warn_count,
      console_error_count: theirs.console_error_count,
      distinct_id: theirs.distinct_id,
    });
  });

  it("reads the JSONL bodies (decompress=true) to the same events", async () => {
    const { s, rec, client } = await setUp();
    const pulled = await pullRecording(client(), rec.sessionId, { encoding: "jsonl" });
    expectSameWindows(pulled, rec);
    expect(blockRequests(s).every((r) => r.query.get("decompress") === "true")).toBe(true);
  });

  it("reads a blob_v2_lts recording", async () => {
    const { s, rec, client } = await setUp({}, { lts: true });
    const pulled = await pullRecording(client(), rec.sessionId);
    expectSameWindows(pulled, rec);
    expect(s.requests.some((r) => r.query.get("source") === "blob_v2_lts")).toBe(true);
  });

  it("falls back to /api/projects/ when the host has no environments routes", async () => {
    const { s, rec, client } = await setUp({ environments: false });
    const c = client();
    const pulled = await pullRecording(c, rec.sessionId);
    expectSameWindows(pulled, rec);
    expect(c.apiPrefix).toBe("projects");
    expect(s.requests.filter((r) => r.path.startsWith("/api/environments/"))).toHaveLength(1);
  });

  it("keeps person properties out unless asked for", async () => {
    const { rec, client } = await setUp();
    const plain = await pullRecording(client(), rec.sessionId);
    expect(plain.recording.person).toBeUndefined();
    expect(plain.metadata.person).toBeUndefined();
    const withPerson = await pullRecording(client(), rec.sessionId, { includePerson: true });
    expect(withPerson.recording.person).toEqual(rec.person);
  });

  it("comes without the session's events when the key may not query", async () => {
    const { rec, client } = await setUp({ keys: { [STAND_IN_KEY]: ["session_recording:read"] } });
    const pulled = await pullRecording(client(), rec.sessionId);
    expect(pulled.recording.posthogEvents).toEqual([]);
    expect(pulled.eventsSkipped).toMatch(/query:read/);
    expectSameWindows(pulled, rec);
  });
});

describe("waiting and retrying", () => {
  it("sends nothing before a 429's Retry-After has passed, then goes on", async () => {
    const { s, rec, client } = await setUp();
    s.fault({
      when: (r) => r.query.get("source") === "blob_v2",
      status: 429,
      headers: { "retry-after": "1" },
      body: '{"detail":"Request was throttled."}',
    });
    const waits: number[] = [];
    const pulled = await pullRecording(client({ onWait: (w) => waits.push(w.waitMs) }), rec.sessionId);
    expectSameWindows(pulled, rec);
    const at = s.requests.findIndex((r) => r.status === 429);
    const next = s.requests[at + 1]!;
    expect(next.at - s.requests[at]!.at).toBeGreaterThanOrEqual(999);
    expect(waits).toEqual([1000]);
  });

  it("retries 5xx with backoff and finishes", async () => {
    const { s, rec, client } = await setUp();
    for (let i = 0; i < 2; i++) s.fault({ when: (r) => r.query.get("start_blob_key") === "20", status: 503 });
    const pulled = await pullRecording(client(), rec.sessionId);
    expectSameWindows(pulled, rec);
    expect(s.requests.filter((r) => r.status === 503)).toHaveLength(2);
  });

  it("resumes after a dropped connection from the block after the last whole one", async () => {
    const { s, rec, client } = await setUp();
    s.fault({ when: (r) => r.query.get("start_blob_key") === "20", dropAfterBlocks: 7 });
    s.fault({ when: (r) => r.query.get("start_blob_key") === "40", drop: true });
    const pulled = await pullRecording(client(), rec.sessionId);
    expectSameWindows(pulled, rec);
    const starts = blockRequests(s).map((r) => r.query.get("start_blob_key"));
    expect(starts).toContain("27");
    expect(starts.filter((x) => x === "40")).toHaveLength(2);
  });
});

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isPosthogApiError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("failures, each with its code", () => {
  it("a bad key is BAD_KEY, a key without the scope MISSING_SCOPE naming session_recording:read", async () => {
    const { rec, client } = await setUp({ keys: { [STAND_IN_KEY]: ["insight:read"] } });
    const bad = await failure(pullRecording(client({ apiKey: "phx_wrong_key_1234" }), rec.sessionId));
    expect(bad.code).toBe("BAD_KEY");
    expect(bad.message).not.toContain("phx_wrong_key_1234");
    const scope = await failure(pullRecording(client(), rec.sessionId));
    expect(scope.code).toBe("MISSING_SCOPE");
    expect(scope.message).toContain("session_recording:read");
  });

  it("an unknown recording is NOT_FOUND (after trying both prefixes)", async () => {
    const { s, client } = await setUp();
    const error = await failure(pullRecording(client(), "no-such-session"));
    expect(error.code).toBe("NOT_FOUND");
    expect(s.requests.map((r) => r.path.split("/")[2])).toEqual(["environments", "projects"]);
  });

  it("a 410 from the block requests after metadata and sources answered 200 is DELETED", async () => {
    const { s, rec, client } = await setUp({}, { deletedAtBlocks: true });
    const error = await failure(pullRecording(client(), rec.sessionId));
    expect(error.code).toBe("DELETED");
    expect(s.requests.filter((r) => r.status === 200)).toHaveLength(2);
  });

  it("5xx and drops that never end are UNAVAILABLE and NETWORK, with the key redacted from echoed text", async () => {
    const { s, rec, client } = await setUp();
    for (let i = 0; i < 4; i++) {
      s.fault({
        when: (r) => r.query.has("source"),
        status: 500,
        body: JSON.stringify({ detail: `broke with ${STAND_IN_KEY}` }),
      });
    }
    const down = await failure(pullRecording(client(), rec.sessionId));
    expect(down.code).toBe("UNAVAILABLE");
    expect(down.message).not.toContain(STAND_IN_KEY);
    expect(down.message).toContain("[redacted]");
    for (let i = 0; i < 4; i++) s.fault({ when: () => true, drop: true });
    expect((await failure(pullRecording(client(), rec.sessionId))).code).toBe("NETWORK");
  });

  it("a self-signed host is UNTRUSTED_CERTIFICATE unless insecure is given", async () => {
    const { rec, client } = await setUp({ tls: selfSignedCertificate() });
    expect((await failure(pullRecording(client(), rec.sessionId))).code).toBe("UNTRUSTED_CERTIFICATE");
    expectSameWindows(await pullRecording(client({ insecure: true }), rec.sessionId), rec);
  });
});

describe("listRecordings", () => {
  it("maps the filters onto PostHog's list parameters and follows next_cursor", async () => {
    const s = await startPosthogStandIn();
    standIn = s;
    const a = standInRecording(["A"], 10);
    const b = standInRecording(["B"], 10);
    s.addRecording(a);
    s.addRecording(b);
    const client = new PosthogClient({
      host: s.url,
      projectId: String(s.projectId),
      apiKey: STAND_IN_KEY,
      retry: FAST,
    });
    expect((await listRecordings(client, {})).map((r) => r.id).sort()).toEqual(
      [a.sessionId, b.sessionId].sort(),
    );
    expect((await listRecordings(client, { distinctId: a.distinctId })).map((r) => r.id)).toEqual([
      a.sessionId,
    ]);
    expect((await listRecordings(client, { url: "second.html" })).length).toBe(2);
    expect(await listRecordings(client, { url: "nowhere.example" })).toEqual([]);
    expect(await listRecordings(client, { minDurationSeconds: 100_000 })).toEqual([]);
    expect((await listRecordings(client, { hasErrors: true })).length).toBe(2);
    expect(await listRecordings(client, { personUuid: "0193a1b2-0000-7000-8000-00000000ffff" })).toEqual([]);
    expect((await listRecordings(client, { personUuid: String(a.person.uuid) })).length).toBe(2);
    expect(await listRecordings(client, { dateFrom: "2099-01-01T00:00:00Z" })).toEqual([]);
    const paged = await listRecordings(client, { limit: 2 });
    expect(paged).toHaveLength(2);
    const list = s.requests.filter((r) => r.path.endsWith("/session_recordings"));
    expect(list.some((r) => r.query.get("distinct_ids") === JSON.stringify([a.distinctId]))).toBe(true);
  });
});

describe("the stand-in holds to PostHog's rules", () => {
  it("refuses ranges over 20 for a personal API key, half ranges, and blocks past the end", async () => {
    const { s, rec } = await setUp();
    const get = async (query: string) => {
      const res = await fetch(
        `${s.url}/api/environments/${s.projectId}/session_recordings/${rec.sessionId}/snapshots?${query}`,
        { headers: { authorization: `Bearer ${STAND_IN_KEY}` } },
      );
      const text = await res.text();
      // 200 answers are JSONL blocks; errors are PostHog's JSON error bodies.
      return {
        status: res.status,
        body: (res.status === 200 ? {} : JSON.parse(text)) as { detail?: string },
      };
    };
    expect(await get("source=blob_v2&start_blob_key=0&end_blob_key=21")).toEqual({
      status: 400,
      body: {
        type: "validation_error",
        code: "invalid_input",
        detail: "Cannot request more than 20 blob keys at once",
        attr: null,
      },
    });
    expect((await get("source=blob_v2&start_blob_key=0&end_blob_key=20")).status).toBe(200);
    expect((await get("source=blob_v2&start_blob_key=0")).body.detail).toBe(
      "Must provide both start blob key and end blob key",
    );
    expect(
      (await get(`source=blob_v2&start_blob_key=${rec.blocks.length - 2}&end_blob_key=${rec.blocks.length}`))
        .body.detail,
    ).toBe("Block index out of range");
    expect((await get("source=blob_v3")).status).toBe(400);
  });
});
