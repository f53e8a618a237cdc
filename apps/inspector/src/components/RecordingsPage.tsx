"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ListQuery, RecordingList } from "../lib/api";
import { STREAM_EVENTS } from "@replay-devkit/api";
import { api } from "../lib/api";
import { COLUMNS, serverSort, type SortKey } from "../lib/list";
import { formatBytes, formatDuration } from "@replay-devkit/codec";
import { DoctorPanel } from "./DoctorPanel";
import { EmptyState } from "./EmptyState";
import { ImportControl } from "./ImportControl";
import { AUTO_SCAN_MAX_BYTES, useFindingCounts } from "./useFindingCounts";

const PAGE_SIZE = 25;

interface Filters {
  url: string;
  distinctId: string;
  hasErrors: boolean;
  minDurationSec: string;
  from: string;
  to: string;
}

const EMPTY_FILTERS: Filters = {
  url: "",
  distinctId: "",
  hasErrors: false,
  minDurationSec: "",
  from: "",
  to: "",
};

function dayStart(value: string): number | undefined {
  const t = Date.parse(`${value}T00:00:00`);
  return Number.isFinite(t) ? t : undefined;
}

export function RecordingsPage() {
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [sort, setSort] = useState<SortKey>("startTime");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<RecordingList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);

  const remoteSort = serverSort(sort, order);
  const query = useMemo<ListQuery>(() => {
    const minSec = Number(filters.minDurationSec);
    const to = dayStart(filters.to);
    return {
      url: filters.url.trim() || undefined,
      distinctId: filters.distinctId.trim() || undefined,
      hasErrors: filters.hasErrors || undefined,
      minDurationMs:
        filters.minDurationSec && Number.isFinite(minSec) ? Math.round(minSec * 1000) : undefined,
      from: dayStart(filters.from),
      to: to === undefined ? undefined : to + 86_400_000 - 1,
      limit: PAGE_SIZE,
      offset,
      sort: remoteSort,
    };
  }, [filters, remoteSort, offset]);

  useEffect(() => {
    const controller = new AbortController();
    api
      .listRecordings(query, controller.signal)
      .then((list) => {
        setData(list);
        setError(null);
      })
      .catch((e: unknown) => {
        if (e instanceof DOMException && e.name === "AbortError") return;
        setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [query, reloadKey]);

  // Live updates: any created/updated/deleted message re-queries the current page. Debounced,
  // because an active recording sends an update per flushed batch.
  const debounce = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource(api.streamUrl());
    const refresh = () => {
      if (debounce.current) clearTimeout(debounce.current);
      debounce.current = setTimeout(() => setReloadKey((k) => k + 1), 250);
    };
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.onmessage = refresh;
    for (const name of STREAM_EVENTS) source.addEventListener(name, refresh);
    return () => {
      source.close();
      if (debounce.current) clearTimeout(debounce.current);
    };
  }, []);

  const update = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setOffset(0);
  };

  const onSort = (key: SortKey) => {
    if (key === sort) setOrder((o) => (o === "asc" ? "desc" : "asc"));
    else {
      setSort(key);
      setOrder("desc");
    }
    setOffset(0);
  };

  const onImported = useCallback(() => setReloadKey((k) => k + 1), []);
  const ids = useMemo(() => data?.recordings.map((r) => `${r.id}:${r.eventCount}`) ?? [], [data]);
  const rows = data?.recordings ?? [];
  const sizes = useMemo(
    () => new Map((data?.recordings ?? []).map((r) => [`${r.id}:${r.eventCount}`, r.sizeBytes])),
    [data],
  );
  const [scanRequested, setScanRequested] = useState<ReadonlySet<string>>(() => new Set());
  const findingCounts = useFindingCounts(ids, sizes, scanRequested);
  const filtersActive = JSON.stringify(filters) !== JSON.stringify(EMPTY_FILTERS);

  return (
    <>
      <header className="topbar">
        <h1>replay-devkit</h1>
        <span className="muted">recordings</span>
        <span className="spacer" />
        <span className="muted" title="Live updates over server-sent events" data-testid="live">
          {live ? "● live" : "○ offline"}
        </span>
      </header>
      <main className="page">
        <ImportControl onImported={onImported} />
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
          <label>
            URL contains
            <input
              value={filters.url}
              onChange={(e) => update({ url: e.target.value })}
              placeholder="/checkout"
              name="url"
            />
          </label>
          <label>
            Distinct id
            <input
              value={filters.distinctId}
              onChange={(e) => update({ distinctId: e.target.value })}
              name="distinctId"
            />
          </label>
          <label>
            Min duration (s)
            <input
              type="number"
              min={0}
              value={filters.minDurationSec}
              onChange={(e) => update({ minDurationSec: e.target.value })}
              style={{ width: 90 }}
              name="minDuration"
            />
          </label>
          <label>
            From
            <input
              type="date"
              value={filters.from}
              onChange={(e) => update({ from: e.target.value })}
              name="from"
            />
          </label>
          <label>
            To
            <input
              type="date"
              value={filters.to}
              onChange={(e) => update({ to: e.target.value })}
              name="to"
            />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={filters.hasErrors}
              onChange={(e) => update({ hasErrors: e.target.checked })}
              name="hasErrors"
            />
            Has console errors
          </label>
          {filtersActive && (
            <button type="button" onClick={() => update(EMPTY_FILTERS)}>
              Clear
            </button>
          )}
        </form>

        {error && <div className="error-box">{error}</div>}

        <DoctorPanel reloadKey={reloadKey} empty={data?.total === 0 && !filtersActive} />

        {data && data.total === 0 && !filtersActive ? (
          <EmptyState />
        ) : (
          <>
            <table className="grid" data-testid="recordings">
              <thead>
                <tr>
                  {COLUMNS.map((col) => (
                    <th
                      key={col.label}
                      className={`${col.num ? "num" : ""} ${col.key ? "sortable" : ""}`}
                      onClick={col.key ? () => onSort(col.key as SortKey) : undefined}
                      aria-sort={
                        col.key === sort ? (order === "asc" ? "ascending" : "descending") : undefined
                      }
                    >
                      {col.label}
                      {col.key === sort ? (order === "asc" ? " ▲" : " ▼") : ""}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const findings = findingCounts.get(`${r.id}:${r.eventCount}`);
                  return (
                    <tr key={r.id} data-recording-id={r.id}>
                      <td>
                        <a href={`recording/?id=${encodeURIComponent(r.id)}`}>
                          {new Date(r.startTime).toLocaleString()}
                        </a>
                      </td>
                      <td className="num" data-col="duration">
                        {formatDuration(r.durationMs)}
                      </td>
                      <td className="num" data-col="active">
                        {formatDuration(r.activeMs)}
                      </td>
                      <td className="url" title={r.firstUrl ?? ""} data-col="url">
                        {r.firstUrl ?? "–"}
                      </td>
                      <td className="mono" data-col="distinct">
                        {r.distinctId ?? "–"}
                      </td>
                      <td className="num" data-col="clicks">
                        {r.clickCount}
                      </td>
                      <td className="num" data-col="keys">
                        {r.keypressCount}
                      </td>
                      <td className="num" data-col="errors">
                        {r.consoleErrorCount > 0 ? (
                          <span className="badge error">{r.consoleErrorCount}</span>
                        ) : (
                          0
                        )}
                      </td>
                      <td className="num" data-col="size">
                        {formatBytes(r.sizeBytes)}
                      </td>
                      <td data-col="privacy">
                        {findings === undefined &&
                        r.sizeBytes > AUTO_SCAN_MAX_BYTES &&
                        !scanRequested.has(`${r.id}:${r.eventCount}`) ? (
                          <button
                            type="button"
                            title="Scan this large recording for personal data and secrets"
                            onClick={() => setScanRequested((s) => new Set(s).add(`${r.id}:${r.eventCount}`))}
                          >
                            scan
                          </button>
                        ) : findings === undefined ? (
                          <span className="muted">…</span>
                        ) : findings === null ? (
                          <span className="muted" title="The privacy scan failed">
                            ?
                          </span>
                        ) : findings > 0 ? (
                          <span
                            className="badge warn"
                            title={`${findings} possible personal data or secrets`}
                          >
                            {findings}
                          </span>
                        ) : (
                          <span className="badge" title="No findings">
                            0
                          </span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {data && data.recordings.length === 0 && (
              <p className="muted">No recordings match these filters.</p>
            )}
            {data && (
              <div className="pager">
                <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                  ← Previous
                </button>
                <span className="muted" data-testid="range">
                  {data.total === 0 ? 0 : offset + 1}–{Math.min(offset + PAGE_SIZE, data.total)} of{" "}
                  {data.total}
                </span>
                <button
                  disabled={offset + PAGE_SIZE >= data.total}
                  onClick={() => setOffset(offset + PAGE_SIZE)}
                >
                  Next →
                </button>
              </div>
            )}
          </>
        )}
      </main>
    </>
  );
}
