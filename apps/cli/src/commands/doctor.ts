import { request } from "node:http";
import {
  API_ROUTES,
  DIAGNOSTIC_SEVERITIES,
  type DiagnosticSeverity,
  type DoctorReport,
} from "@replay-devkit/api";
import { defineCommand, parseIntegerOption, usageError } from "../command.js";
import { CliError, EXIT } from "../errors.js";
import { probeHealth } from "../probe.js";
import { JSON_OPTION } from "../shared.js";

/** Cap on the /api/doctor answer: the server keeps at most a few dozen clients with clipped fields. */
const MAX_REPORT_BYTES = 8 * 1024 * 1024;
const TIMEOUT_MS = 5_000;

const SEVERITIES = DIAGNOSTIC_SEVERITIES;
const MARK: Record<DiagnosticSeverity, string> = { error: "✗", warning: "!", info: "i", ok: "✓" };

function urlFor(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

export const doctor = defineCommand({
  name: "doctor",
  summary: "Ask a running devkit why recordings are missing (exit 6 on errors)",
  description:
    "Prints the capture doctor's checklist for every app and browser that talked to the running `replay-devkit dev`: bot-like user agents, localhost pages without network capture, recordings that never started, retries, refused uploads, SDK versions. Exits 6 when any finding is an error.",
  positionals: [],
  options: {
    port: {
      type: "string",
      short: "p",
      valueName: "port",
      description: "Port the devkit listens on",
      default: "8010",
    },
    host: {
      type: "string",
      valueName: "host",
      description: "Address the devkit is bound to",
      default: "127.0.0.1",
    },
    json: JSON_OPTION,
  },
  examples: ["replay-devkit doctor", "replay-devkit doctor --port 9000 --json"],
  async run(ctx, { options }) {
    const port = parseIntegerOption(doctor, "port", options.port, 1, 65535);
    const host = options.host;
    if (!/^[A-Za-z0-9.:-]+$/.test(host))
      throw usageError(doctor, `--host is not a host name or address: ${JSON.stringify(host)}`);
    const probeHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
    const url = urlFor(probeHost, port);

    const probe = await probeHealth(probeHost, port);
    if (probe.kind !== "replay-devkit") {
      throw new CliError(
        "REPLAY_DEVKIT_IO",
        probe.kind === "free"
          ? `no replay-devkit is running at ${url}`
          : `${url} is not a replay-devkit (${probe.kind === "silent" ? "it did not answer" : probe.detail})`,
        { hint: "Start it with `replay-devkit dev`, or pass the --port/--host it uses." },
      );
    }
    const report = parseReport(await getJson(probeHost, port, API_ROUTES.doctor), url);
    if (options.json) ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else ctx.stdout.write(formatReport(report, url));
    return report.summary.errors > 0 ? EXIT.FINDINGS : EXIT.OK;
  },
});

/** The checklist as text: one block per client, one line per finding with its fix under it. */
export function formatReport(report: DoctorReport, url: string): string {
  if (report.clients.length === 0) {
    return `No app has talked to the devkit at ${url} yet. Point posthog-js's api_host at ${url} and load a page.\n`;
  }
  const lines: string[] = [];
  for (const client of report.clients) {
    lines.push(client.label);
    const sorted = [...client.findings].sort(
      (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity),
    );
    for (const finding of sorted) {
      lines.push(
        `  ${MARK[finding.severity]} ${finding.severity.padEnd(7)} ${finding.message} [${finding.code}]`,
      );
      if (finding.fix) lines.push(`              fix: ${finding.fix}`);
    }
    if (sorted.length === 0) lines.push("  (nothing yet: no config request or upload from this client)");
    lines.push("");
  }
  const { clients, errors, warnings } = report.summary;
  lines.push(
    `${clients} client${clients === 1 ? "" : "s"}, ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`,
  );
  return `${lines.join("\n")}\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks the shape the printer relies on, so a different server fails with a message, not a crash. */
export function parseReport(value: unknown, url: string): DoctorReport {
  const bad = (what: string): never => {
    throw new CliError(
      "REPLAY_DEVKIT_INVALID_INPUT",
      `${url}${API_ROUTES.doctor} answered an unexpected report: ${what}`,
      {
        hint: "Use a replay-devkit version that has the capture doctor (the same version as this CLI).",
      },
    );
  };
  if (!isObject(value) || !Array.isArray(value.clients) || !isObject(value.summary))
    bad("no clients/summary");
  const report = value as unknown as DoctorReport;
  for (const key of ["clients", "errors", "warnings"] as const) {
    if (typeof report.summary[key] !== "number") bad(`summary.${key} is not a number`);
  }
  for (const client of report.clients as unknown[]) {
    if (!isObject(client) || typeof client.label !== "string" || !Array.isArray(client.findings))
      bad("a client without label/findings");
    for (const finding of (client as { findings: unknown[] }).findings) {
      if (
        !isObject(finding) ||
        typeof finding.code !== "string" ||
        typeof finding.message !== "string" ||
        !SEVERITIES.includes(finding.severity as DiagnosticSeverity) ||
        (finding.fix !== null && typeof finding.fix !== "string")
      )
        bad("a finding without code/severity/message/fix");
    }
  }
  return report;
}

function getJson(host: string, port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const fail = (message: string, cause?: unknown) =>
      reject(
        new CliError("REPLAY_DEVKIT_IO", `GET ${urlFor(host, port)}${path}: ${message}`, {
          hint: "Check that `replay-devkit dev` is still running.",
          cause,
        }),
      );
    const req = request(
      { host, port, path, method: "GET", headers: { accept: "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPORT_BYTES) {
            req.destroy();
            fail(`the answer is larger than ${MAX_REPORT_BYTES} bytes`);
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) {
            fail(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            fail("the answer is not JSON", error);
          }
        });
        res.on("error", (error) => fail(error.message, error));
      },
    );
    req.setTimeout(TIMEOUT_MS, () => {
      req.destroy();
      fail(`no answer within ${TIMEOUT_MS} ms`);
    });
    req.on("error", (error) => fail(error.message, error));
    req.end();
  });
}
