import type { IncomingHttpHeaders } from "node:http";
import type { CaptureEvent } from "@replay-devkit/codec";
import { afterEach, describe, expect, it } from "vitest";
import { Doctor, type Diagnostic, type DoctorContext, type DoctorOptions } from "./doctor.js";
import { botMarker, browserName, compareVersions } from "./user-agent.js";

const DESKTOP =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
const HEADLESS =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";

const CONTEXT: DoctorContext = {
  recordingEnabled: true,
  sampleRate: null,
  minimumDurationMs: null,
  hasTriggers: false,
  servedSdkVersion: "1.449.2",
  maxBodyBytes: 1000,
  maxDecompressedBytes: 4000,
};

const doctors: Doctor[] = [];
afterEach(() => {
  for (const d of doctors.splice(0)) d.close();
});

function setup(options: DoctorOptions = {}, context: Partial<DoctorContext> = {}) {
  let now = 1_800_000_000_000;
  const emitted: Diagnostic[] = [];
  const doctor = new Doctor(
    { ...CONTEXT, ...context },
    { recordingGraceMs: 10_000, ...options },
    (d) => emitted.push(d),
    () => {},
    () => now,
  );
  doctors.push(doctor);
  return {
    doctor,
    emitted,
    advance: (ms: number) => (now += ms),
  };
}

function headers(origin: string | null, ua: string | null = DESKTOP): IncomingHttpHeaders {
  const h: IncomingHttpHeaders = {};
  if (origin !== null) h.origin = origin;
  if (ua !== null) h["user-agent"] = ua;
  return h;
}

function config(doctor: Doctor, h: IncomingHttpHeaders): void {
  doctor.request({
    headers: h,
    route: "remote-config-js",
    pathname: "/array/phc_x/config.js",
    query: new URLSearchParams(),
    status: 200,
  });
}

function upload(
  doctor: Doctor,
  h: IncomingHttpHeaders,
  events: CaptureEvent[],
  query = "",
  status = 200,
): void {
  if (status === 200) doctor.events(h, events, { bodyBytes: 100, decodedBytes: 300, rejectedEvents: 0 });
  doctor.request({
    headers: h,
    route: "capture",
    pathname: "/i/v0/e/",
    query: new URLSearchParams(query),
    status,
    ...(status === 200 ? {} : { message: "The body is not valid JSON" }),
  });
}

function event(name: string, props: Record<string, unknown>): CaptureEvent {
  return {
    event: name,
    properties: { $session_id: "s1", $lib_version: "1.449.2", ...props },
  };
}

const codes = (doctor: Doctor) => doctor.report().clients.flatMap((c) => c.findings.map((f) => f.code));

describe("user agents and versions", () => {
  it("flags the user agents posthog-js treats as bots and not desktop browsers", () => {
    expect(botMarker(HEADLESS)).toBe("headlesschrome");
    expect(
      botMarker("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    ).not.toBeNull();
    expect(botMarker("Mozilla/5.0 ... Cypress/13.6.0 Chrome/118")).toBe("cypress");
    expect(botMarker(DESKTOP)).toBeNull();
    expect(botMarker("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15")).toBeNull();
    expect(botMarker(null)).toBeNull();
  });

  it("names browsers, preferring the specific product over the Chrome/Safari tokens", () => {
    expect(browserName(DESKTOP)).toBe("Chrome 142");
    expect(browserName(HEADLESS)).toBe("HeadlessChrome 156");
    expect(browserName(`${DESKTOP} Edg/142.0.1`)).toBe("Edge 142");
    expect(browserName("Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0")).toBe(
      "Firefox 131",
    );
    expect(browserName("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15")).toBe(
      "Safari 18",
    );
    expect(browserName("curl/8.5.0")).toBe("curl/8.5.0");
    expect(browserName(undefined)).toBe("no user agent");
  });

  it("compares versions numerically", () => {
    expect(compareVersions("1.99.0", "1.200.0")).toBe(-1);
    expect(compareVersions("1.449.2", "1.200.0")).toBe(1);
    expect(compareVersions("1.200.0", "1.200")).toBe(0);
  });
});

describe("Doctor", () => {
  it("reports a headless user agent as an error once config was served", () => {
    const { doctor, emitted } = setup();
    config(doctor, headers("http://app.test:3000", HEADLESS));
    const report = doctor.report();
    expect(report.clients).toHaveLength(1);
    const client = report.clients[0]!;
    expect(client.browser).toBe("HeadlessChrome 156");
    expect(client.findings.map((f) => [f.code, f.severity])).toContainEqual(["BOT_USER_AGENT", "error"]);
    expect(client.findings.find((f) => f.code === "BOT_USER_AGENT")?.fix).toMatch(/opt_out_useragent_filter/);
    expect(emitted.map((d) => d.finding.code)).toEqual(["BOT_USER_AGENT"]);
    expect(report.summary.errors).toBe(1);
  });

  it("sees a headless browser through sec-ch-ua brands as well", () => {
    const { doctor } = setup();
    config(doctor, { ...headers("http://app.test:3000"), "sec-ch-ua": '"HeadlessChrome";v="156"' });
    expect(codes(doctor)).toContain("BOT_USER_AGENT");
  });

  it("detects localhost and 127.0.0.1 pages from Origin, Referer or $current_url, with a fix naming the port", () => {
    const { doctor, emitted } = setup();
    config(doctor, headers("http://localhost:3000"));
    const finding = doctor.report().clients[0]!.findings.find((f) => f.code === "LOCALHOST_NO_NETWORK");
    expect(finding?.severity).toBe("warning");
    expect(finding?.fix).toContain("http://app.localhost:3000");
    expect(emitted[0]?.client.label).toBe("http://localhost:3000 (Chrome 142)");

    const viaReferer = setup();
    config(viaReferer.doctor, { referer: "http://127.0.0.1:5173/", "user-agent": DESKTOP });
    expect(codes(viaReferer.doctor)).toContain("LOCALHOST_NO_NETWORK");

    const viaBody = setup();
    upload(viaBody.doctor, headers(null), [event("$pageview", { $current_url: "http://127.0.0.1:8080/x" })]);
    expect(codes(viaBody.doctor)).toContain("LOCALHOST_NO_NETWORK");

    const fine = setup();
    config(fine.doctor, headers("http://app.localhost:3000"));
    upload(fine.doctor, headers("http://app.localhost:3000"), [
      event("$pageview", { $current_url: "http://app.localhost:3000/" }),
    ]);
    expect(codes(fine.doctor)).not.toContain("LOCALHOST_NO_NETWORK");
  });

  it("keeps at most maxClients clients, forgetting the least recently seen", () => {
    const { doctor } = setup({ maxClients: 50 });
    config(doctor, headers("http://keep.test"));
    for (let i = 0; i < 200; i++) {
      config(doctor, headers(`http://app${i}.test`, `${DESKTOP} hostile/${i}`));
      // The kept client stays recent, so eviction must skip it.
      if (i % 10 === 0) config(doctor, headers("http://keep.test"));
    }
    const report = doctor.report();
    expect(doctor.size).toBe(50);
    expect(report.clients).toHaveLength(50);
    expect(report.evictedClients).toBe(151);
    expect(report.clients.some((c) => c.origin === "http://keep.test")).toBe(true);
    expect(report.clients.some((c) => c.origin === "http://app0.test")).toBe(false);
    expect(report.clients.some((c) => c.origin === "http://app199.test")).toBe(true);
  });

  it("hands each finding to the hook once per client and code, and caps the rate", () => {
    const { doctor, emitted } = setup();
    for (let i = 0; i < 5; i++) config(doctor, headers("http://localhost:3000", HEADLESS));
    expect(emitted.map((d) => d.finding.code).sort()).toEqual(["BOT_USER_AGENT", "LOCALHOST_NO_NETWORK"]);
    const other = headers("http://localhost:4000", HEADLESS);
    config(doctor, other);
    expect(emitted).toHaveLength(4);

    const flood = setup({ maxClients: 1000 });
    for (let i = 0; i < 200; i++) config(flood.doctor, headers(`http://localhost:${3000 + i}`, HEADLESS));
    expect(flood.emitted).toHaveLength(60);
    expect(flood.doctor.report().summary.errors).toBe(200);
  });

  it("says why a session sends events but no snapshots, once the grace period has passed", () => {
    const { doctor, emitted, advance } = setup();
    const h = headers("http://app.test:3000");
    config(doctor, h);
    upload(doctor, h, [event("$autocapture", { $recording_status: "lazy_loading" })]);
    expect(codes(doctor)).not.toContain("RECORDING_NOT_STARTED");
    advance(11_000);
    upload(doctor, h, [event("$autocapture", { $recording_status: "lazy_loading" })]);
    const finding = doctor.report().clients[0]!.findings.find((f) => f.code === "RECORDING_NOT_STARTED");
    expect(finding?.severity).toBe("error");
    expect(finding?.message).toMatch(/never requested/);
    expect(finding?.fix).toMatch(/posthog-recorder/);
    expect(emitted.some((d) => d.finding.code === "RECORDING_NOT_STARTED")).toBe(true);
  });

  it("blames sampling when the devkit samples and posthog-js says disabled", () => {
    const { doctor, advance } = setup({}, { sampleRate: 0.5 });
    const h = headers("http://app.test:3000");
    config(doctor, h);
    upload(doctor, h, [event("$pageview", { $recording_status: "disabled" })]);
    advance(20_000);
    const finding = doctor.report().clients[0]!.findings.find((f) => f.code === "RECORDING_NOT_STARTED");
    expect(finding?.message).toMatch(/sampled out/);
  });

  it.each([
    ["disabled", {}, "error", /disable_session_recording/],
    ["buffering", { minimumDurationMs: 5000 }, "warning", /5000 ms long/],
    ["paused", {}, "warning", /urlBlocklist/],
    ["trigger_pending", { hasTriggers: true }, "warning", /trigger the devkit configured/],
    ["missing_config", {}, "error", /never got its remote config/],
    ["rrweb_error", {}, "error", /rrweb error/],
    ["active", {}, "warning", /before the first interaction/],
  ] as const)("explains a session stuck with $recording_status %s", (status, context, severity, text) => {
    const { doctor, advance } = setup({}, context);
    const h = headers("http://app.test:3000");
    config(doctor, h);
    upload(doctor, h, [event("$autocapture", { $recording_status: status })]);
    advance(10_000);
    const finding = doctor.report().clients[0]!.findings.find((f) => f.code === "RECORDING_NOT_STARTED");
    expect(finding?.severity).toBe(severity);
    expect(`${finding?.message} ${finding?.fix}`).toMatch(text);
  });

  it("says when the devkit itself turns recording off, and when config came but no events", () => {
    const off = setup({}, { recordingEnabled: false });
    config(off.doctor, headers("http://app.test"));
    expect(codes(off.doctor)).toContain("RECORDING_DISABLED_BY_DEVKIT");

    const silent = setup();
    config(silent.doctor, headers("http://app.test"));
    expect(codes(silent.doctor)).not.toContain("NO_EVENTS");
    silent.advance(10_000);
    expect(codes(silent.doctor)).toContain("NO_EVENTS");
  });

  it("reports a recording with its session count and last upload", () => {
    const { doctor, advance } = setup();
    const h = headers("http://app.test:3000");
    config(doctor, h);
    upload(doctor, h, [event("$pageview", { $recording_status: "active" })]);
    upload(doctor, h, [event("$snapshot", { $snapshot_data: [] })]);
    advance(20_000);
    const client = doctor.report().clients[0]!;
    expect(client.findings.find((f) => f.code === "RECORDING_OK")?.message).toBe(
      "recording: 1 session, last upload 20s ago",
    );
    expect(client.findings.some((f) => f.code === "RECORDING_NOT_STARTED")).toBe(false);
    expect(client.sdkVersion).toBe("1.449.2");
    expect(client.label).toBe("http://app.test:3000 (Chrome 142, posthog-js 1.449.2)");
    expect(doctor.report().summary.errors).toBe(0);
  });

  it("reports retries, refused uploads, large bodies and missing recorder scripts", () => {
    const { doctor } = setup();
    const h = headers("http://app.test:3000");
    upload(doctor, h, [event("$pageview", {})], "retry_count=3");
    upload(doctor, h, [], "", 400);
    doctor.events(h, [event("$pageview", {})], { bodyBytes: 900, decodedBytes: 100, rejectedEvents: 2 });
    doctor.request({
      headers: h,
      route: "posthog-static",
      pathname: "/static/1.449.2/lazy-recorder.js",
      query: new URLSearchParams(),
      status: 404,
    });
    const findings = doctor.report().clients[0]!.findings;
    const byCode = new Map(findings.map((f) => [f.code, f]));
    expect(byCode.get("UPLOAD_RETRIES")?.message).toMatch(/up to 3/);
    expect(byCode.get("UPLOADS_REJECTED")?.message).toMatch(/400 The body is not valid JSON/);
    expect(byCode.get("EVENTS_REJECTED")?.message).toMatch(/^2 /);
    expect(byCode.get("PAYLOAD_NEAR_LIMIT")?.message).toMatch(/90%/);
    expect(byCode.get("RECORDER_SCRIPT_MISSING")?.severity).toBe("error");
  });

  it("notes old SDK generations from /decide/ and from $lib_version", () => {
    const { doctor } = setup();
    doctor.request({
      headers: headers("http://app.test"),
      route: "decide",
      pathname: "/decide/",
      query: new URLSearchParams("v=3&ver=1.180.0"),
      status: 200,
    });
    const client = doctor.report().clients[0]!;
    expect(client.sdkVersion).toBe("1.180.0");
    expect(client.findings.find((f) => f.code === "LEGACY_SDK")?.message).toMatch(/\/decide\//);
  });

  it("warns about a recorder lazy-loaded from another posthog-js version", () => {
    const { doctor } = setup();
    const h = headers("http://app.test");
    upload(doctor, h, [event("$pageview", { $lib_version: "1.300.0" })]);
    doctor.request({
      headers: h,
      route: "posthog-static",
      pathname: "/static/recorder.js",
      query: new URLSearchParams("v=1.300.0"),
      status: 200,
    });
    expect(codes(doctor)).toContain("SDK_VERSION_MISMATCH");
  });

  it("takes the app's SDK version from its own events, not from a recorder of another build", () => {
    const { doctor } = setup();
    const h = headers("http://app.test");
    upload(doctor, h, [event("$pageview", { $lib_version: "1.300.0" })]);
    upload(doctor, h, [event("$snapshot", { $lib_version: "1.449.2" })]);
    expect(doctor.report().clients[0]!.sdkVersion).toBe("1.300.0");
    upload(doctor, h, [event("$pageview", { $lib_version: "1.301.0" })]);
    expect(doctor.report().clients[0]!.sdkVersion).toBe("1.301.0");
  });

  it("ignores routes that are not the SDK's and clips hostile header values", () => {
    const { doctor } = setup();
    doctor.request({
      headers: headers("http://app.test"),
      route: "recordings",
      pathname: "/api/recordings",
      query: new URLSearchParams(),
      status: 200,
    });
    expect(doctor.size).toBe(0);
    config(doctor, headers("not a url", "x".repeat(100_000)));
    const client = doctor.report().clients[0]!;
    expect(client.origin).toBeNull();
    expect(client.userAgent!.length).toBeLessThanOrEqual(301);
  });
});
