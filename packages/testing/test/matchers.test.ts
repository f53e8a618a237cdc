import { describe, expect, it } from "vitest";
import { fromRecording, loadRecording, type DivergenceReport } from "../src/index.js";
import {
  installMatchers,
  toHaveNoConsoleErrors,
  toHaveNoPII,
  toHaveRequested,
  toMatchRecordedDom,
} from "../src/vitest.js";
import { capturedRecording, publicFixture } from "./helpers.js";

installMatchers();
const captured = fromRecording(capturedRecording("A"));

describe("vitest matchers", () => {
  it("toHaveNoConsoleErrors points at the moment of each error", () => {
    expect(() => expect(captured).toHaveNoConsoleErrors()).toThrow(
      /has 1:\n {2}\d\d:\d\d\.\d{3} \(event #\d+\): "harness console error"/,
    );
    const error = captured.consoleEntries({ level: "error" })[0];
    const result = toHaveNoConsoleErrors(captured);
    expect(result.pass).toBe(false);
    const moment = captured.at(captured.offsetOf(error?.timestamp ?? 0), error?.windowId);
    expect(result.message()).toContain(`(event #${moment.eventIndex})`);
    const events = captured.events(error?.windowId);
    expect((events[moment.eventIndex] as { timestamp: number }).timestamp).toBe(error?.timestamp);
  });

  it("toHaveRequested matches method and URL (string or RegExp) and lists what was requested", async () => {
    expect(captured).toHaveRequested("POST", "/api/items");
    expect(captured).toHaveRequested("get", /\/api\/items\?page=1$/);
    expect(captured).not.toHaveRequested("DELETE", "/api/items");
    expect(toHaveRequested(captured, "DELETE", "/api/items").message()).toContain("used POST, GET");
    expect(toHaveRequested(captured, "GET", "/nowhere").message()).toMatch(/Recorded requests:\n.*GET http/);
    const silent = await loadRecording(publicFixture("rrweb-player-example__homepage.json"));
    expect(toHaveRequested(silent, "GET", "/").message()).toContain("no network data at all");
    expect(() => toHaveRequested({}, "GET", "/")).toThrow(/expected a LoadedRecording/);
  });

  it("toHaveNoPII delegates to privacy's scanner and names the findings' moments", () => {
    const dirty = fromRecording({
      ...capturedRecording("A"),
      posthogEvents: [
        {
          event: "signup",
          properties: { email: "jane.doe@example.com", $session_id: captured.sessionId },
          timestamp: new Date(captured.startTime + 1000).toISOString(),
        },
      ],
    });
    const result = toHaveNoPII(dirty);
    expect(result.pass).toBe(false);
    expect(result.message()).toMatch(/email/);
    expect(result.message()).not.toContain("jane.doe@example.com");
    expect(() => expect(dirty).toHaveNoPII()).toThrow(/no personal data or secrets/);
    expect(toHaveNoPII(dirty, { threshold: 1000 }).pass).toBe(true);
  });

  it("toMatchRecordedDom passes on ok reports and prints format() otherwise", () => {
    const report = (ok: boolean): DivergenceReport =>
      ({
        ok,
        sessionId: "s",
        checkpoints: [],
        format: () => (ok ? "fine" : "✗ checkpoint #0 diverged"),
      }) as unknown as DivergenceReport;
    expect(report(true)).toMatchRecordedDom();
    expect(() => expect(report(false)).toMatchRecordedDom()).toThrow("✗ checkpoint #0 diverged");
    expect(() => toMatchRecordedDom({})).toThrow(/DivergenceReport/);
  });
});
