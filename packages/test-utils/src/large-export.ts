import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import { capturedRrwebEvents } from "./capture.js";

function statusField(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]) * 1024;
}

/** A process's memory as Linux reports it: resident now, and the peak since the last reset. */
export const processMemory = {
  rss: (pid: number): number => statusField(pid, "VmRSS"),
  peakRss: (pid: number): number => statusField(pid, "VmHWM"),
  /** Writing 5 to clear_refs resets the peak to the current RSS (Linux 4.0+). */
  resetPeak: (pid: number): void => writeFileSync(`/proc/${pid}/clear_refs`, "5"),
};

/** posthog-js run A's rrweb events (the shared capture), without the fixture's `cv` markers. */
function templateEvents(): Record<string, unknown>[] {
  return capturedRrwebEvents("A").map(({ event }) => {
    const copy: Record<string, unknown> = { ...event };
    delete copy.cv;
    return copy;
  });
}

export interface GeneratedExport {
  events: number;
  /** Uncompressed size of the JSON text. */
  bytes: number;
}

/**
 * Writes a gzipped PostHog Export-to-JSON file (version 2023-04-28) of at least `targetBytes` of
 * JSON: run A's events repeated with shifted timestamps, two windows. `breakAt` (0-1) cuts the JSON
 * at that fraction of the target and ends it with garbage, as a half-written export would.
 */
export async function writeLargeExport(
  file: string,
  opts: { targetBytes: number; id: string; breakAt?: number },
): Promise<GeneratedExport> {
  const template = templateEvents();
  const first = template[0]?.timestamp as number;
  const span = (template.at(-1)?.timestamp as number) - first + 1000;
  const gzip = createGzip({ level: 1 });
  const out = gzip.pipe(createWriteStream(file));
  let bytes = 0;
  let events = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!gzip.write(text)) await once(gzip, "drain");
  };
  await write(
    `{"version":"2023-04-28","data":{"id":${JSON.stringify(opts.id)},"person":{"distinct_ids":["big-user"]},"snapshots":[`,
  );
  const stopAt = opts.breakAt === undefined ? opts.targetBytes : opts.targetBytes * opts.breakAt;
  for (let loop = 0; bytes < stopAt; loop++) {
    const parts: string[] = [];
    for (const event of template) {
      const copy = {
        ...event,
        timestamp: (event.timestamp as number) + loop * span,
        windowId: `w${loop % 2}`,
      };
      parts.push(`${events === 0 ? "" : ","}${JSON.stringify(copy)}`);
      events++;
    }
    await write(parts.join(""));
  }
  await write(opts.breakAt === undefined ? "]}}" : ',{"type":3,"timestamp":');
  gzip.end();
  await once(out, "finish");
  return { events, bytes };
}
