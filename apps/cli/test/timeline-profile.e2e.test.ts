import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readRecordingFile } from "@replay-devkit/codec";
import { PUBLIC_FIXTURES, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, assertBuilt, importCapturedSession } from "./helpers.js";

// Drives the built CLI on the session the real posthog-js 1.449.2 recorded (run A of the shared
// capture fixtures), saved as a bundle so its PostHog events come along, and imported into a store.
assertBuilt();

interface TimelineJson {
  format: string;
  version: number;
  scrubbed: boolean;
  anchor: { text: string; offsetMs: number; fromMs: number; toMs: number } | null;
  anchorIndex: number | null;
  entries: ({ kind: string; offsetMs: number } & Record<string, unknown>)[];
}

interface ProfileJson {
  events: number;
  bytes: number;
  bytesPerMinute: number;
  categories: { category: string; events: number; bytes: number; share: number }[];
  inlineCss: { what: string; bytes: number }[];
  advice: { about: string; setting: string }[];
  budget?: { bytesPerMinute: number; over: boolean };
}

describe("replay-devkit timeline and profile (built CLI)", () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let bundle: string;
  let id: string;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-cli-timeline-");
    env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    ({ id, bundle } = await importCapturedSession(dir.path, env));
  });

  afterAll(() => dir?.cleanup());

  const timelineJson = async (args: string[]): Promise<TimelineJson> => {
    const res = await runCli(["timeline", ...args, "--format", "json"], { env });
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout) as TimelineJson;
  };

  it("shows the recorded console error and the POST /api/items 201 around `error`", async () => {
    const doc = await timelineJson([id, "--around", "error", "--window", "5s"]);
    expect(doc).toMatchObject({ format: "replay-devkit-timeline", version: 1, scrubbed: true });
    const anchor = doc.entries[doc.anchorIndex!]!;
    expect(anchor).toMatchObject({ kind: "console", level: "error", message: "harness console error" });
    expect(doc.anchor).toMatchObject({ text: "error", offsetMs: anchor.offsetMs });
    const post = doc.entries.find((e) => e.kind === "request" && e.method === "POST");
    expect(post).toMatchObject({ url: expect.stringMatching(/\/api\/items$/), status: 201, failed: false });
    expect(post).not.toHaveProperty("requestBody");
    for (const e of doc.entries) {
      expect(e.offsetMs).toBeGreaterThanOrEqual(doc.anchor!.fromMs - 5000);
      expect(e.offsetMs).toBeLessThanOrEqual(doc.anchor!.toMs);
    }
    // The page on /second.html is 9 s after the error: outside a 5 s window.
    expect(doc.entries.some((e) => e.kind === "page")).toBe(false);

    const text = await runCli(["timeline", id, "--around", "error"], { env });
    expect(text.stdout).toMatch(/^> \d\d:\d\d\.\d{3} {2}error {3}"harness console error"/m);
    expect(text.stdout).toMatch(/request POST http:\/\/\S+\/api\/items -> 201/);
    const md = await runCli(["timeline", id, "--around", "error", "--format", "md"], { env });
    expect(md.stdout).toContain("| time | kind | what |");
    expect(md.stdout).toMatch(/\| \*\*\d\d:\d\d\.\d{3}\*\* \| \*\*error\*\* \| "harness console error"/);
  });

  it("resolves clicks and inputs to the harness page's selectors, masked input as masked", async () => {
    const doc = await timelineJson([bundle]);
    const clicks = doc.entries.filter((e) => e.kind === "click").map((e) => e.selector);
    expect(clicks).toEqual(
      expect.arrayContaining(["#btn-primary", "#btn-fetch", "#btn-add", "#link-second", "#btn-save"]),
    );
    const inputs = doc.entries.filter((e) => e.kind === "input");
    expect(inputs.map((e) => e.selector)).toEqual(["#text-input", "#password-input", "#notes"]);
    for (const input of inputs) expect(input).toMatchObject({ masked: true, value: null });
    expect(inputs[0]).toMatchObject({ length: "hello harness".length });
    expect(doc.entries.filter((e) => e.kind === "page").map((e) => e.url)).toEqual([
      expect.stringMatching(/\/$/),
      expect.stringMatching(/\/second\.html$/),
    ]);
    const summaries = doc.entries.filter((e) => e.kind === "dom").map((e) => e.summary);
    expect(summaries).toContain('+1 node under #list ("Item 1")');
    expect(summaries).toContain("-1 node under #list");
    expect(summaries).toContain('text changed in #counter ("Clicked 2 times")');
    expect(doc.entries.find((e) => e.kind === "custom" && e.name === "harness_note_saved")).toMatchObject({
      source: "posthog",
      payload: '{"chars":23}',
    });
    // The file and the stored copy give the same timeline.
    expect((await timelineJson([id])).entries).toEqual(doc.entries);
  });

  it("anchors on a click, a request, a page and a time, with bodies on request", async () => {
    const click = await timelineJson([id, "--around", "click:#btn-fetch", "--window", "500ms", "--bodies"]);
    expect(click.entries[click.anchorIndex!]).toMatchObject({
      kind: "click",
      selector: "#btn-fetch",
      text: "Call API",
    });
    expect(click.entries.find((e) => e.kind === "request" && e.method === "POST")).toMatchObject({
      requestBody: '{"name":"widget","qty":3}',
      responseBody: '{"ok":true,"item":{"id":1,"name":"widget","qty":3}}',
    });
    const request = await timelineJson([id, "--around", "request:/api/items?page=1", "--window", "100ms"]);
    expect(request.entries[request.anchorIndex!]).toMatchObject({ method: "GET", status: 200 });
    const page = await timelineJson([id, "--around", "url:/second.html", "--window", "1s"]);
    expect(page.entries[page.anchorIndex!]).toMatchObject({ kind: "page" });
    const time = await timelineJson([id, "--around", "00:10", "--window", "1s"]);
    expect(time.anchor).toMatchObject({ offsetMs: 10_000, fromMs: 9000, toMs: 11_000 });
    expect(time.anchorIndex).toBeNull();
    expect(time.entries.map((e) => e.kind)).toContain("click");
  });

  it("refuses bad anchors, windows and window ids as usage errors that say what exists", async () => {
    const none = await runCli(["timeline", id, "--around", "click:#does-not-exist"], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("matches nothing");
    expect(none.stderr).toContain("#btn-primary");
    expect(none.stderr).toContain("POST /api/items");
    expect(none.stderr).toContain("[REPLAY_DEVKIT_USAGE]");
    for (const args of [
      ["--around", "somewhere"],
      ["--around", "99m"],
      ["--around", "warn:no such warning"],
      ["--window", "soon"],
      ["--window", "0s"],
      ["--window-id", "not-a-window"],
      ["--body-limit", "0"],
    ]) {
      const res = await runCli(["timeline", id, ...args], { env });
      expect(res.code, `${args.join(" ")}: ${res.stderr}`).toBe(2);
      expect(res.stdout).toBe("");
    }
    const missing = await runCli(["timeline", "no-such-id"], { env });
    expect(missing.code).toBe(3);
  });

  it("scrubs what it prints unless told not to", async () => {
    const file = join(dir.path, "leak.rrweb.json");
    const event = (type: number, timestamp: number, data: unknown) => ({ type, timestamp, data });
    writeFileSync(
      file,
      JSON.stringify([
        event(4, 1000, { href: "https://app.example/account", width: 800, height: 600 }),
        event(2, 1001, {
          node: {
            type: 0,
            id: 1,
            childNodes: [{ type: 2, id: 2, tagName: "html", attributes: {}, childNodes: [] }],
          },
          initialOffset: { top: 0, left: 0 },
        }),
        event(6, 1500, {
          plugin: "rrweb/console@1",
          payload: { level: "error", trace: [], payload: ['"no account for jane.roe@example.com"'] },
        }),
      ]),
    );
    const scrubbed = await runCli(["timeline", file, "--around", "error"]);
    expect(scrubbed.code, scrubbed.stderr).toBe(0);
    expect(scrubbed.stdout).toContain("no account for");
    expect(scrubbed.stdout).not.toContain("jane.roe@example.com");
    expect(scrubbed.stderr).toMatch(/^privacy: /m);
    const raw = await runCli(["timeline", file, "--around", "error", "--no-scrub"]);
    expect(raw.stdout).toContain("jane.roe@example.com");
    expect(raw.stderr).toContain("without scrubbing");
  });

  it("profiles the session: shares sum to 100% and bytes to the event JSON size", async () => {
    const res = await runCli(["profile", id, "--json"], { env });
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as ProfileJson;
    const { recordings } = await readRecordingFile(readFileSync(bundle));
    const events = recordings[0]!.windows.flatMap((w) => w.events);
    const jsonBytes = events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
    expect(report.events).toBe(events.length);
    expect(report.bytes).toBe(jsonBytes);
    expect(report.categories.reduce((sum, c) => sum + c.bytes, 0)).toBe(jsonBytes);
    expect(report.categories.reduce((sum, c) => sum + c.share, 0)).toBeCloseTo(1, 9);
    const byId = Object.fromEntries(report.categories.map((c) => [c.category, c]));
    expect(byId["plugin.console"]?.events).toBe(3);
    expect(byId["full-snapshot"]?.events).toBe(2);
    expect(byId["mutation.adds"]?.events).toBeGreaterThan(0);
    expect(byId["plugin.network"]?.bytes).toBeGreaterThan(0);
    const text = await runCli(["profile", bundle], { env });
    expect(text.stdout).toMatch(/^plugin\.network +\d+ +\d+ +[\d.]+ KB +[\d.]+%$/m);
    expect(text.stdout).toContain("events/s");
  });

  it("shows inlined CSS as the top contributor of a public recording and names inlineStylesheet", async () => {
    const file = join(PUBLIC_FIXTURES, "rrweb-player-example__local-docs.json");
    const res = await runCli(["profile", file, "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as ProfileJson;
    expect(report.inlineCss[0]?.what).toMatch(/^_cssText of /);
    const css = report.inlineCss.reduce((sum, c) => sum + c.bytes, 0);
    expect(css / report.bytes).toBeGreaterThan(0.5);
    expect(report.advice[0]).toMatchObject({
      about: "inline-css",
      setting: "session_recording.inlineStylesheet: false",
    });
    const text = await runCli(["profile", file]);
    expect(text.stdout).toContain("_cssText of <link>");
    expect(text.stdout).toContain("inlineStylesheet: false");
  });

  it("exits 6 over --budget, 0 under it, and 2 on a budget it cannot read", async () => {
    const over = await runCli(["profile", id, "--budget", "1KB/min"], { env });
    expect(over.code).toBe(6);
    expect(over.stderr).toMatch(/over the --budget of 1\.0 KB\/min \[REPLAY_DEVKIT_OVER_BUDGET\]/);
    const json = await runCli(["profile", id, "--budget", "1KB/min", "--json"], { env });
    expect((JSON.parse(json.stdout) as ProfileJson).budget).toEqual({ bytesPerMinute: 1024, over: true });
    const under = await runCli(["profile", id, "--budget", "2MB/min"], { env });
    expect(under.code, under.stderr).toBe(0);
    for (const budget of ["2MB", "lots", "0KB/min"]) {
      const bad = await runCli(["profile", id, "--budget", budget], { env });
      expect(bad.code, budget).toBe(2);
      expect(bad.stderr).toContain("--budget must be");
    }
  });

  it("reports a truncated file as invalid input for both commands", async () => {
    const truncated = join(dir.path, "truncated.zip");
    const bytes = readFileSync(bundle);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    for (const command of ["timeline", "profile"]) {
      const res = await runCli([command, truncated]);
      expect(res.code, `${command}: ${res.stderr}`).toBe(4);
      expect(res.stdout).toBe("");
    }
  });
});
