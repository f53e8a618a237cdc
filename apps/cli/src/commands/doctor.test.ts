import { describe, expect, it } from "vitest";
import type { DoctorReport } from "@replay-devkit/api";
import type { Diagnostic } from "@replay-devkit/server";
import { CliError } from "../errors.js";
import { diagnosticPrinter } from "./dev.js";
import { formatReport, parseReport } from "./doctor.js";

const CLIENT = {
  id: "abc123abc123",
  label: "http://localhost:3000 (Chrome 142, posthog-js 1.449.2)",
  origin: "http://localhost:3000",
  userAgent: "Mozilla/5.0 Chrome/142.0.0.0",
  browser: "Chrome 142",
  sdkVersion: "1.449.2",
};

const LOCAL = {
  code: "LOCALHOST_NO_NETWORK",
  severity: "warning",
  message: "network capture is skipped on localhost",
  fix: "open the app as http://app.localhost:3000",
  since: "2026-11-26T00:00:00.000Z",
} as const;

const REPORT: DoctorReport = {
  generatedAt: "2026-11-26T00:00:00.000Z",
  clients: [
    {
      ...CLIENT,
      pageHosts: ["localhost"],
      firstSeen: "2026-11-26T00:00:00.000Z",
      lastSeen: "2026-11-26T00:00:00.000Z",
      requests: { config: 1, flags: 1, decide: 0, scripts: 0, uploads: 3 },
      sessions: 1,
      recordedSessions: 1,
      lastUploadAt: "2026-11-26T00:00:00.000Z",
      findings: [
        {
          code: "RECORDING_OK",
          severity: "ok",
          message: "recording: 1 session, last upload 2s ago",
          fix: null,
          since: "x",
        },
        LOCAL,
      ],
    },
  ],
  summary: { clients: 1, errors: 0, warnings: 1 },
  evictedClients: 0,
};

describe("dev's doctor lines", () => {
  it("prints a finding once per client and code, with its fix, and skips the bare SDK version", () => {
    const out: string[] = [];
    const print = diagnosticPrinter({ write: (chunk) => out.push(chunk) });
    const local: Diagnostic = { client: CLIENT, finding: LOCAL };
    print(local);
    print(local);
    print({ client: CLIENT, finding: { ...LOCAL, code: "SDK_VERSION", severity: "info", fix: null } });
    print({ client: { ...CLIENT, id: "other" }, finding: LOCAL });
    expect(out).toEqual([
      "doctor: http://localhost:3000 (Chrome 142, posthog-js 1.449.2): network capture is skipped on localhost — open the app as http://app.localhost:3000\n",
      "doctor: http://localhost:3000 (Chrome 142, posthog-js 1.449.2): network capture is skipped on localhost — open the app as http://app.localhost:3000\n",
    ]);
  });
});

describe("doctor's checklist", () => {
  it("lists warnings before ok lines, with fixes and a summary", () => {
    const text = formatReport(REPORT, "http://127.0.0.1:8010");
    const lines = text.split("\n");
    expect(lines[0]).toBe(CLIENT.label);
    expect(lines[1]).toBe("  ! warning network capture is skipped on localhost [LOCALHOST_NO_NETWORK]");
    expect(lines[2]).toBe("              fix: open the app as http://app.localhost:3000");
    expect(lines[3]).toBe("  ✓ ok      recording: 1 session, last upload 2s ago [RECORDING_OK]");
    expect(text.trimEnd().split("\n").at(-1)).toBe("1 client, 0 errors, 1 warning");
  });

  it("refuses an answer that is not a doctor report", () => {
    expect(parseReport(JSON.parse(JSON.stringify(REPORT)), "u")).toEqual(REPORT);
    for (const bad of [
      null,
      [],
      { clients: [] },
      { clients: [{ label: 1 }], summary: { clients: 1, errors: 0, warnings: 0 } },
    ]) {
      expect(() => parseReport(bad, "http://x")).toThrow(CliError);
    }
    const wrongSeverity = JSON.parse(JSON.stringify(REPORT)) as DoctorReport;
    (wrongSeverity.clients[0]!.findings[0] as { severity: string }).severity = "fatal";
    expect(() => parseReport(wrongSeverity, "http://x")).toThrow(/unexpected report/);
  });
});
