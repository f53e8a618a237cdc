import { formatOffset } from "@replay-devkit/codec";
import type { TimelineView } from "./anchors.js";
import { printable } from "./text.js";
import { TIMELINE_FORMAT_VERSION, type RequestEntry, type TimelineEntry } from "./timeline.js";

function describeEntry(e: TimelineEntry): { kind: string; text: string } {
  switch (e.kind) {
    case "page":
      return { kind: "page", text: e.url };
    case "click":
      return {
        kind: "click",
        text: `${e.selector ?? "(unknown element)"}${e.text ? ` ${JSON.stringify(e.text)}` : ""}`,
      };
    case "input": {
      if (e.checked !== undefined)
        return { kind: "input", text: `${e.selector ?? "(unknown element)"} checked=${e.checked}` };
      const value = e.masked
        ? `(masked, ${e.length} char${e.length === 1 ? "" : "s"})`
        : JSON.stringify(e.value ?? "");
      return { kind: "input", text: `${e.selector ?? "(unknown element)"} = ${value}` };
    }
    case "dom":
      return { kind: "dom", text: e.summary || `${e.mutations} mutation(s)` };
    case "console":
      return {
        kind: e.level,
        text: `${JSON.stringify(e.message)}${e.argCount > 1 ? ` (+${e.argCount - 1} arg${e.argCount > 2 ? "s" : ""})` : ""}${e.source ? ` at ${e.source}` : ""}`,
      };
    case "request": {
      const status = e.status === null ? "no status" : String(e.status);
      const duration = e.durationMs === null ? "" : ` ${e.durationMs} ms`;
      return {
        kind: "request",
        text: `${e.method} ${e.url} -> ${status}${duration}${e.failed ? " FAILED" : ""}`,
      };
    }
    case "custom":
      return { kind: "event", text: `${e.name}${e.payload ? ` ${e.payload}` : ""}` };
  }
}

function header(view: TimelineView): string[] {
  const windows = view.windowIds.length === 1 ? "1 window" : `${view.windowIds.length} windows`;
  const lines = [
    `Session ${view.sessionId}: ${windows}, ${formatOffset(0)}-${formatOffset(view.durationMs)}, started ${new Date(view.startTime).toISOString()}`,
  ];
  if (view.anchor) {
    lines.push(
      `Around ${view.anchor.text} at ${formatOffset(view.anchor.offsetMs)} (±${view.anchor.windowMs / 1000}s: ${formatOffset(view.anchor.fromMs)}-${formatOffset(view.anchor.toMs)})`,
    );
  }
  if (!view.scrubbed) lines.push("Not scrubbed: values are as recorded.");
  if (view.omitted) {
    lines.push(
      `Showing ${view.entries.length} entries; ${view.omitted.before} earlier and ${view.omitted.after} later ones left out (narrow with around/window).`,
    );
  }
  return lines;
}

/** Plain text: one line per entry, `>` marking the anchor. */
export function renderText(view: TimelineView): string {
  const lines = header(view);
  lines.push("");
  const multiWindow = view.windowIds.length > 1;
  view.entries.forEach((e, i) => {
    const { kind, text } = describeEntry(e);
    const mark = i === view.anchorIndex ? ">" : " ";
    const win = multiWindow && e.windowId ? ` [${e.windowId.slice(0, 8)}]` : "";
    lines.push(`${mark} ${formatOffset(e.offsetMs)}  ${kind.padEnd(7)} ${text}${win}`);
    if (e.kind === "request") {
      if (e.requestBody !== undefined) lines.push(`      request body:  ${e.requestBody}`);
      if (e.responseBody !== undefined) lines.push(`      response body: ${e.responseBody}`);
    }
  });
  if (view.entries.length === 0) lines.push("(nothing happened in this window)");
  return `${printable(lines.join("\n"))}\n`;
}

function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/`/g, "'").replace(/\r?\n/g, " ");
}

/** Markdown for an issue or an agent prompt: a header, a table, then request bodies if asked for. */
export function renderMarkdown(view: TimelineView): string {
  const [title, ...rest] = header(view);
  const out = [
    `### ${title}`,
    ...rest.map((l) => `${l}  `),
    "",
    "| time | kind | what |",
    "| --- | --- | --- |",
  ];
  view.entries.forEach((e, i) => {
    const { kind, text } = describeEntry(e);
    const time = i === view.anchorIndex ? `**${formatOffset(e.offsetMs)}**` : formatOffset(e.offsetMs);
    const shown =
      e.kind === "console" && e.level === "error"
        ? `**${kind}**`
        : e.kind === "request" && e.failed
          ? `**${kind}**`
          : kind;
    out.push(`| ${time} | ${shown} | ${mdCell(text)} |`);
  });
  if (view.entries.length === 0) out.push("| | | nothing happened in this window |");
  const withBodies = view.entries.filter(
    (e): e is RequestEntry =>
      e.kind === "request" && (e.requestBody !== undefined || e.responseBody !== undefined),
  );
  if (withBodies.length > 0) {
    out.push("", "#### Bodies");
    for (const e of withBodies) {
      out.push("", `${formatOffset(e.offsetMs)} ${e.method} ${e.url}`);
      const fence = "````";
      if (e.requestBody !== undefined) out.push("", "request:", fence, e.requestBody, fence);
      if (e.responseBody !== undefined) out.push("", "response:", fence, e.responseBody, fence);
    }
  }
  return `${printable(out.join("\n"))}\n`;
}

/** The documented `--format json` shape (see README). */
export function toJsonDocument(view: TimelineView): Record<string, unknown> {
  return {
    format: "replay-devkit-timeline",
    version: TIMELINE_FORMAT_VERSION,
    sessionId: view.sessionId,
    windowIds: view.windowIds,
    startTime: new Date(view.startTime).toISOString(),
    durationMs: view.durationMs,
    scrubbed: view.scrubbed,
    anchor: view.anchor,
    anchorIndex: view.anchorIndex,
    omitted: view.omitted ?? { before: 0, after: 0 },
    entries: view.entries,
  };
}

export type TimelineFormat = "text" | "md" | "json";

/** A view in one of the output formats; `json` is {@link toJsonDocument}, indented, with a final newline. */
export function renderTimeline(view: TimelineView, format: TimelineFormat): string {
  if (format === "json") return `${JSON.stringify(toJsonDocument(view), null, 2)}\n`;
  if (format === "md") return renderMarkdown(view);
  return renderText(view);
}
