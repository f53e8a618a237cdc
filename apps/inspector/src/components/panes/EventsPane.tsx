"use client";

import { Fragment, useMemo, useState } from "react";
import type { PosthogEvent } from "../../lib/api";
import { formatDuration } from "@replay-devkit/codec";
import { lastAtOrBefore } from "../../lib/timeline";
import { usePlayerState } from "../Player";
import { MAX_ROWS, rowClass, useFollow, Truncated, FilterInput, type PaneProps } from "./shared";

type EventFilter = "all" | "$pageview" | "$autocapture" | "custom" | "$exception";

function eventSummary(event: PosthogEvent): string {
  const p = event.properties;
  const text = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));
  switch (event.event) {
    case "$pageview":
    case "$pageleave":
      return text(p.$current_url);
    case "$autocapture":
      return [text(p.$event_type), text(p.$el_text), text(p.$elements_chain).slice(0, 120)]
        .filter(Boolean)
        .join(" · ");
    case "$exception": {
      const list = Array.isArray(p.$exception_list) ? p.$exception_list : [];
      const first = list[0] as { type?: unknown; value?: unknown } | undefined;
      return first
        ? `${text(first.type)}: ${text(first.value)}`
        : text(p.$exception_message ?? p.$exception_type);
    }
    default: {
      const own = Object.entries(p).filter(([k]) => !k.startsWith("$"));
      return own.length ? JSON.stringify(Object.fromEntries(own)) : text(p.$current_url);
    }
  }
}

export function EventsPane({
  controller,
  onSeek,
  events,
}: PaneProps & { events: readonly PosthogEvent[] | null }) {
  const state = usePlayerState(controller);
  const [filter, setFilter] = useState<EventFilter>("all");
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState<number | null>(null);
  const filtered = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (events ?? []).filter((e) => {
      if (filter === "custom" ? e.event.startsWith("$") : filter !== "all" && e.event !== filter)
        return false;
      return !q || e.event.toLowerCase().includes(q) || eventSummary(e).toLowerCase().includes(q);
    });
  }, [events, filter, search]);
  const now = state.currentTime;
  const current = lastAtOrBefore(filtered, now);
  const pane = useFollow(current, state.playing);

  return (
    <div className="pane" data-testid="events-pane" ref={pane}>
      <div className="pane-toolbar">
        <select
          value={filter}
          onChange={(e) => setFilter(e.target.value as EventFilter)}
          aria-label="Event type"
        >
          <option value="all">All events</option>
          <option value="$pageview">$pageview</option>
          <option value="$autocapture">$autocapture</option>
          <option value="custom">Custom</option>
          <option value="$exception">$exception</option>
        </select>
        <FilterInput hint="Search events" label="Search events" value={search} onChange={setSearch} />
      </div>
      {events === null && <p className="muted page">Loading PostHog events…</p>}
      {events !== null && filtered.length === 0 && (
        <p className="muted page">
          No PostHog events{events.length ? " match" : " were captured for this session"}.
        </p>
      )}
      {filtered.slice(0, MAX_ROWS).map((event, i) => (
        <Fragment key={event.uuid ?? i}>
          <div
            className={rowClass(
              event.timestamp,
              now,
              current,
              i,
              event.event === "$exception" ? "level-error" : "",
            )}
            onClick={() => {
              const windowId = event.properties.$window_id;
              onSeek(event.timestamp, typeof windowId === "string" ? windowId : null);
              setOpen(open === i ? null : i);
            }}
            data-event={event.event}
          >
            <span className="ts">{formatDuration(Math.max(0, event.timestamp - state.startTime))}</span>
            <span style={{ minWidth: 110 }}>{event.event}</span>
            <span className="grow mono">{eventSummary(event)}</span>
          </div>
          {open === i && (
            <div className="details">
              <pre>{JSON.stringify(event.properties, null, 2)}</pre>
            </div>
          )}
        </Fragment>
      ))}
      <Truncated count={filtered.length} />
    </div>
  );
}
