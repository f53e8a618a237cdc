import type { RedactionEntry } from "@replay-devkit/codec";
import type { Finding, ScanReport } from "./scan.js";

function where(f: Finding): string {
  const l = f.location;
  const parts: string[] = [];
  if (l.scope === "window") parts.push(`window ${l.windowIndex ?? "?"} event #${l.eventIndex} ${l.event}`);
  else if (l.scope === "posthog-event") parts.push(`posthog event #${l.eventIndex} ${l.event}`);
  else parts.push("recording");
  if (l.selector) parts.push(`at ${l.selector}`);
  if (l.attribute) parts.push(`attribute ${l.attribute}`);
  if (l.header) parts.push(`header ${l.header}`);
  return parts.join(", ");
}

/**
 * The report as text for a terminal: one block per finding (severity, detector, time, where, preview,
 * the posthog-js setting to fix it) and a verdict line. Contains previews only, never the values.
 */
export function formatFindings(report: ScanReport): string {
  const lines: string[] = [];
  const t = report.totals;
  const session = report.sessionId ? ` in session ${report.sessionId}` : "";
  if (t.findings === 0) {
    lines.push(
      `No findings${session} (${report.scanned.strings} strings in ${report.scanned.events} events scanned).`,
    );
  } else {
    const sev = (["high", "medium", "low"] as const)
      .filter((s) => t.bySeverity[s] > 0)
      .map((s) => `${t.bySeverity[s]} ${s}`)
      .join(", ");
    lines.push(`${t.findings} finding${t.findings === 1 ? "" : "s"}${session} (${sev})`);
    lines.push("");
    for (const f of report.findings) {
      const time = f.location.offset ?? "--:--";
      const label = f.label ? ` (${f.label})` : "";
      lines.push(
        `${f.severity.toUpperCase().padEnd(6)} ${time}  ${f.detector}${label}  ${f.kind}  ${f.preview}`,
      );
      lines.push(`       ${where(f)}`);
      lines.push(`       path: ${f.location.path}`);
      if (f.hint.settings.length > 0)
        lines.push(`       fix:  ${f.hint.settings.join(" / ")}: ${f.hint.advice}`);
      else lines.push(`       fix:  ${f.hint.advice}`);
    }
    if (report.truncated)
      lines.push("", `… ${t.findings - report.findings.length} more not listed (raise the limit option).`);
    lines.push("");
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  lines.push(
    report.ok
      ? `OK: ${t.findings} finding${t.findings === 1 ? "" : "s"} at or above ${report.minSeverity}, threshold ${report.threshold}.`
      : `FAIL: ${t.findings} finding${t.findings === 1 ? "" : "s"} at or above ${report.minSeverity} exceed the threshold of ${report.threshold}.`,
  );
  return lines.join("\n");
}

/** One line for stderr: how many values were redacted, by rule. */
export function summarizeRedactions(redactions: readonly RedactionEntry[]): string {
  if (redactions.length === 0) return "privacy: nothing to redact.";
  const byRule = new Map<string, number>();
  let total = 0;
  for (const r of redactions) {
    const n = r.count ?? 1;
    total += n;
    byRule.set(r.rule, (byRule.get(r.rule) ?? 0) + n);
  }
  const rules = [...byRule.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([rule, n]) => `${rule} ×${n}`)
    .join(", ");
  const places = new Set(redactions.map((r) => `${r.location} ${r.field}`)).size;
  return `privacy: redacted ${total} value${total === 1 ? "" : "s"} in ${places} place${places === 1 ? "" : "s"} (${rules}).`;
}
