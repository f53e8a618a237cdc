"use client";

import { useEffect, useState } from "react";
import { api, type DoctorClient, type DoctorReport, type DoctorSeverity } from "../lib/api";

const ORDER: readonly DoctorSeverity[] = ["error", "warning", "ok", "info"];
// Nothing in the store changes while posthog-js silently drops everything, so live updates alone
// would never refresh the panel in the case it exists for; poll gently while it matters.
const POLL_MS = 5000;

function shown(client: DoctorClient, empty: boolean): boolean {
  return client.findings.some((f) => f.severity === "error" || (empty && f.severity === "warning"));
}

/**
 * The capture doctor's findings above the recordings list: shown when there are no recordings yet
 * (why not?) or when some app's setup has an error (a headless browser, a recorder that cannot load).
 */
export function DoctorPanel({ reloadKey, empty }: { reloadKey: number; empty: boolean }) {
  const [report, setReport] = useState<DoctorReport | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api
      .doctor(controller.signal)
      .then(setReport)
      .catch(() => {
        // The list shows connection errors already; the panel just stays as it was.
      });
    return () => controller.abort();
  }, [reloadKey, tick]);

  const clients = (report?.clients ?? []).filter((c) => shown(c, empty));
  const polling = empty || clients.length > 0;
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => setTick((t) => t + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [polling]);

  if (clients.length === 0) return null;
  return (
    <section className="doctor" data-testid="doctor" aria-label="Capture doctor">
      <h2>Capture doctor</h2>
      {clients.map((client) => (
        <div key={client.id} data-client={client.id}>
          <div className="mono">{client.label}</div>
          <ul>
            {[...client.findings]
              .filter((f) => f.severity !== "info")
              .sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity))
              .map((f) => (
                <li key={f.code} data-code={f.code}>
                  <span
                    className={`badge ${f.severity === "error" ? "error" : f.severity === "warning" ? "warn" : ""}`}
                  >
                    {f.severity}
                  </span>{" "}
                  {f.message}
                  {f.fix && (
                    <div className="muted">
                      Fix: <code>{f.fix}</code>
                    </div>
                  )}
                </li>
              ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
