"use client";

import { useEffect, useState } from "react";
import { api } from "../lib/api";

// Keyed by `${id}:${eventCount}` so a recording that grows gets rescanned.
const cache = new Map<string, number | null>();

/** Larger recordings are scanned on request: one scan holds the server's only thread for seconds. */
export const AUTO_SCAN_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Privacy finding counts for the visible rows, fetched two at a time: the scan walks every event
 * on the server, and a page of 25 parallel scans would starve the capture endpoints. `keys` are
 * `${id}:${eventCount}`; `requested` lists large ones the user asked to scan.
 */
export function useFindingCounts(
  keys: readonly string[],
  sizes: ReadonlyMap<string, number>,
  requested: ReadonlySet<string>,
): Map<string, number | null> {
  const [, setVersion] = useState(0);
  useEffect(() => {
    let cancelled = false;
    const pending = keys.filter(
      (k) => !cache.has(k) && ((sizes.get(k) ?? 0) <= AUTO_SCAN_MAX_BYTES || requested.has(k)),
    );
    const worker = async () => {
      for (;;) {
        const key = pending.shift();
        if (key === undefined || cancelled) return;
        const id = key.slice(0, key.lastIndexOf(":"));
        try {
          cache.set(key, (await api.findings(id)).total);
        } catch {
          cache.set(key, null);
        }
        if (!cancelled) setVersion((v) => v + 1);
      }
    };
    void Promise.all([worker(), worker()]);
    return () => {
      cancelled = true;
    };
  }, [keys, sizes, requested]);
  return cache;
}
