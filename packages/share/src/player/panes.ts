// The four tabs beside the player. Rows carry their offset; a click seeks there, and rows after
// the playhead are dimmed as the replay moves.
import {
  windowConsoleEntries,
  windowNetworkEntries,
  type CaptureEvent,
  type RrwebEvent,
} from "@replay-devkit/codec";
import type { HtmlPayload } from "../payload.js";
import { clock, h } from "./dom.js";

export interface Row {
  element: HTMLElement;
  /** Offset from the start of the window's replay, ms. */
  offset: number;
}

export interface Pane {
  name: "Console" | "Network" | "Events" | "Privacy";
  body: HTMLElement;
  rows: Row[];
}

type Seek = (offset: number) => void;

function row(offset: number, seek: Seek, testid: string, cells: (string | HTMLElement)[], cls = ""): Row {
  const element = h("li", { class: `row ${cls}`, testid }, [
    h("button", { class: "at", text: clock(offset), title: "Seek here" }),
    ...cells.map((c) => (typeof c === "string" ? h("span", { text: c }) : c)),
  ]);
  element.addEventListener("click", () => seek(offset));
  return { element, offset };
}

function list(rows: Row[], empty: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty", text: empty });
  return h(
    "ol",
    { class: "rows" },
    rows.map((r) => r.element),
  );
}

export function consolePane(events: RrwebEvent[], windowId: string, start: number, seek: Seek): Pane {
  const rows = windowConsoleEntries(events, windowId).map((entry) =>
    row(
      entry.timestamp - start,
      seek,
      "console-row",
      [h("span", { class: "level", text: entry.level }), entry.payload.join(" ")],
      `level-${entry.level}`,
    ),
  );
  return { name: "Console", body: list(rows, "No console output was recorded."), rows };
}

export function networkPane(events: RrwebEvent[], windowId: string, start: number, seek: Seek): Pane {
  const rows = windowNetworkEntries(events, windowId).map((entry) =>
    row(
      entry.timestamp - start,
      seek,
      "network-row",
      [
        h("span", { class: "method", text: entry.method }),
        h("span", { class: "status", text: entry.status === null ? "-" : String(entry.status) }),
        h("span", { class: "url", text: entry.url, title: entry.url }),
        entry.durationMs === null ? "" : `${Math.round(entry.durationMs)} ms`,
      ],
      entry.status !== null && entry.status >= 400 ? "failed" : "",
    ),
  );
  return { name: "Network", body: list(rows, "No network requests were recorded."), rows };
}

function eventTime(event: CaptureEvent): number | null {
  const t = event.timestamp === undefined ? NaN : Date.parse(event.timestamp);
  return Number.isFinite(t) ? t : null;
}

/** Custom properties only: the SDK's own `$` properties would drown what the app sent. */
function customProperties(event: CaptureEvent): string {
  const own = Object.entries(event.properties).filter(
    ([k]) => !k.startsWith("$") && k !== "token" && k !== "distinct_id",
  );
  return own.length === 0 ? "" : JSON.stringify(Object.fromEntries(own));
}

export function eventsPane(posthogEvents: CaptureEvent[], windowId: string, start: number, seek: Seek): Pane {
  const mine = posthogEvents
    .filter((e) => {
      const w = e.properties.$window_id;
      return w === undefined || w === windowId;
    })
    .map((e) => ({ event: e, time: eventTime(e) }))
    .sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
  const rows = mine.map(({ event, time }) => {
    const url = typeof event.properties.$current_url === "string" ? event.properties.$current_url : "";
    return row(time === null ? 0 : time - start, seek, "event-row", [
      h("span", { class: event.event.startsWith("$") ? "name" : "name custom", text: event.event }),
      h("span", { class: "url", text: url, title: url }),
      customProperties(event),
    ]);
  });
  return { name: "Events", body: list(rows, "No PostHog events in this window."), rows };
}

export function privacyPane(privacy: HtmlPayload["privacy"]): Pane {
  const { scan, redactions, scrubbed } = privacy;
  const verdict = scrubbed
    ? "Scrubbed: secrets and personal data were replaced before this file was written."
    : "Not scrubbed: exported raw (--no-scrub); the recording may contain secrets.";
  const total = redactions.reduce((n, r) => n + (r.count ?? 1), 0);
  const table = h("table", { class: "redactions", testid: "redaction-log" }, [
    h("thead", {}, [
      h(
        "tr",
        {},
        ["Rule", "Where", "Field", "Action", "Count"].map((t) => h("th", { text: t })),
      ),
    ]),
    h(
      "tbody",
      {},
      redactions.map((r) =>
        h(
          "tr",
          {},
          [r.rule, r.location, r.field, r.action, String(r.count ?? 1)].map((t) => h("td", { text: t })),
        ),
      ),
    ),
  ]);
  const findings = h(
    "ol",
    { class: "findings" },
    scan.findings.map((f) =>
      h("li", { testid: "finding" }, [
        h("span", { class: `severity ${f.severity}`, text: f.severity }),
        h("span", { text: ` ${f.detector} in ${f.kind} (${f.location.event}) ${f.preview}` }),
      ]),
    ),
  );
  const body = h("div", { class: "privacy" }, [
    h("p", { class: scrubbed ? "verdict ok" : "verdict raw", testid: "privacy-verdict", text: verdict }),
    h("h3", { text: `Redaction log (${total} change${total === 1 ? "" : "s"})` }),
    redactions.length === 0 ? h("p", { class: "empty", text: "Nothing was redacted." }) : table,
    h("h3", {
      text: `Leak scan of this file: ${scan.totals.findings} finding${scan.totals.findings === 1 ? "" : "s"}`,
    }),
    scan.findings.length === 0
      ? h("p", { class: "empty", text: "The scanner found nothing left." })
      : findings,
    ...scan.notes.map((n) => h("p", { class: "note", text: n })),
  ]);
  return { name: "Privacy", body, rows: [] };
}
