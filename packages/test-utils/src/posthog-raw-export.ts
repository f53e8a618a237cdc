import { zipSync } from "fflate";
import * as snappy from "snappyjs";
import type { StandInRecording } from "./posthog-recording.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * PostHog's raw export zip for a stand-in recording, as PostHog's export_recording workflow writes it
 * (posthog/temporal/export_recording/activities.py): `clickhouse/session-replay-events.json` and
 * `clickhouse/events.json` as ClickHouse `FORMAT JSON`, `s3_prefix.txt`, and `data/<batch file>`
 * holding one block at its original byte offset (zeros before it) then 1,024 zeros, the metadata
 * row's `block_urls` ending in `?range=bytes=START-END`. Blocks are raw Snappy of the blob_v2 lines.
 * The event rows carry `person_properties`, as `SELECT *` from the events table does.
 */
export function posthogRawExportZip(
  rec: StandInRecording,
  opts: { blockUrls?: boolean; omitBlocks?: readonly number[] } = {},
): { zip: Uint8Array; files: Record<string, Uint8Array> } {
  const files: Record<string, Uint8Array> = {};
  const urls: string[] = [];
  rec.blocks.forEach((lines, i) => {
    const block = snappy.compress(utf8(`${lines.join("\n")}\n`));
    const offset = 1000 + i * 37;
    const name = `1764000000000-${String(i).padStart(4, "0")}`;
    const file = new Uint8Array(offset + block.length + 1024);
    file.set(block, offset);
    // A block the test wants lost: still listed in block_urls, missing from the zip.
    if (!opts.omitBlocks?.includes(i)) files[`data/${name}`] = file;
    urls.push(
      `s3://posthog-recordings/session_recordings/30d/${name}?range=bytes=${offset}-${offset + block.length - 1}`,
    );
  });
  const meta = {
    meta: [{ name: "session_id", type: "String" }],
    data: [
      {
        session_id: rec.sessionId,
        distinct_id: rec.distinctId,
        block_urls: opts.blockUrls === false ? [] : urls,
      },
    ],
    rows: 1,
  };
  const events = {
    meta: [],
    data: rec.events.map((e) => ({
      uuid: e.uuid,
      event: e.event,
      properties: JSON.stringify(e.properties),
      timestamp: e.timestamp.replace("T", " ").replace("Z", ""),
      distinct_id: e.distinct_id,
      person_properties: JSON.stringify({ email: "someone@example.com" }),
    })),
    rows: rec.events.length,
  };
  files["clickhouse/session-replay-events.json"] = utf8(JSON.stringify(meta));
  files["clickhouse/events.json"] = utf8(JSON.stringify(events));
  files["s3_prefix.txt"] = utf8("session_recordings/30d");
  return { zip: zipSync(files), files };
}
