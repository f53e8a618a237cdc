import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import type { RrwebEvent } from "@replay-devkit/codec";
import { launchChromium, newDesktopContext } from "@replay-devkit/test-utils";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromRecording, redrive, TestingError, type LoadedRecording } from "../src/index.js";
import "../src/vitest.js";

// The package's exports hide umd/, so locate it next to the resolved ESM entry.
const RRWEB_UMD = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve("rrweb")), "..", "umd", "rrweb.js"),
  "utf8",
);

type Variant = "ok" | "status-text" | "no-add-button";

/** A tiny todo app recorded with plain rrweb. Volatile bits on purpose: a time of day and a random id. */
function page(variant: Variant): string {
  const status = variant === "status-text" ? "`items: ${n}`" : "`${n} item${n === 1 ? '' : 's'}`";
  return `<!doctype html><html><head><title>Todo</title></head><body>
<h1>Todo</h1>
<div id="el-${Math.random().toString(16).slice(2, 12)}" class="clock">Rendered at ${new Date().toISOString().slice(11, 19)}</div>
<label>Title <input id="new" name="title"></label>
${variant === "no-add-button" ? "" : '<button class="css-1q2w3e add-btn" type="button">Add</button>'}
<ul id="list"></ul><p id="status">0 items</p><a id="done-link" href="/done">Done</a><div class="spacer" style="height: 2000px"></div>
<script>${RRWEB_UMD}</script>
<script>
rrweb.record({ emit: (e) => window.__emit?.(e) });
let n = 0;
document.querySelector(".add-btn")?.addEventListener("click", async () => {
  const title = document.getElementById("new").value;
  const res = await fetch("/api/add", { method: "POST", body: title });
  const { id } = await res.json();
  const li = document.createElement("li");
  li.textContent = title + " (#" + id + ")";
  document.getElementById("list").append(li);
  n++;
  document.getElementById("status").textContent = ${status};
  document.getElementById("new").value = "";
});
</script></body></html>`;
}

const DONE_PAGE = `<!doctype html><html><head><title>Done</title></head><body>
<h1>Done</h1><p id="summary">All items saved</p>
<script>${RRWEB_UMD}</script><script>rrweb.record({ emit: (e) => window.__emit?.(e) });</script>
</body></html>`;

async function serve(variant: Variant): Promise<{ server: Server; url: string }> {
  let ids = 0;
  const server = createServer((req, res) => {
    if (req.url === "/api/add") {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: ++ids }));
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end(req.url === "/done" ? DONE_PAGE : page(variant));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://app.replay.test:${(server.address() as AddressInfo).port}/` };
}

describe("redrive", () => {
  let browser: Browser;
  let rec: LoadedRecording;
  const servers: Server[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    const { server, url } = await serve("ok");
    servers.push(server);
    const context = await newDesktopContext(browser);
    const p = await context.newPage();
    // The binding survives navigations, so both pages' events land here.
    const events: RrwebEvent[] = [];
    await p.exposeFunction("__emit", (e: RrwebEvent) => events.push(e));
    await p.goto(url);
    for (const title of ["milk", "eggs"]) {
      await p.locator("#new").fill(title);
      await p.waitForTimeout(150);
      await p.locator(".add-btn").click();
      await p.locator("#list li", { hasText: title }).waitFor();
      await p.waitForTimeout(300);
    }
    await p.mouse.wheel(0, 200);
    await p.setViewportSize({ width: 900, height: 700 });
    await p.waitForTimeout(300);
    await p.locator("#done-link").click();
    await p.locator("#summary").waitFor();
    await p.waitForTimeout(500);
    await context.close();
    rec = fromRecording({
      sessionId: "todo",
      distinctId: null,
      posthogEvents: [],
      windows: [{ windowId: "main", events: events.sort((a, b) => a.timestamp - b.timestamp) }],
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) s.close();
  });

  async function run(variant: Variant, extra: { settleMs?: number } = {}) {
    const { server, url } = await serve(variant);
    servers.push(server);
    const context = await newDesktopContext(browser);
    try {
      return await redrive(rec, {
        page: await context.newPage(),
        baseURL: url,
        settleMs: 1500,
        actionTimeoutMs: 2000,
        ...extra,
      });
    } finally {
      await context.close();
    }
  }

  it("replays the recorded user against an unchanged app: every checkpoint matches", async () => {
    const report = await run("ok");
    expect(report).toMatchRecordedDom();
    const kinds = report.actions.map((a) => a.kind);
    expect(kinds.slice(0, 5)).toEqual(["page", "input", "click", "input", "click"]);
    // rrweb throttles scroll events, so the scroll may land after the resize; then the link and page two.
    expect(kinds.slice(5, 7).sort()).toEqual(["resize", "scroll"]);
    expect(kinds.slice(7)).toEqual(["click", "page"]);
    const last = report.checkpoints.at(-1);
    expect(last?.action.description).toMatch(/^open http:\/\/app\.replay\.test:\d+\/done$/);
    expect(last?.ok).toBe(true);
    // The app clearing the field after each add is recorded as an input too, but it is not replayed.
    expect(rec.markers({ kind: "input" }).filter((m) => m.programmatic)).toHaveLength(2);
    // Selectors come from the recorded snapshot: id first, then name, unique class (hashed ones skipped).
    const selectors = report.actions.map((a) => a.selector).filter(Boolean);
    expect(selectors).toContain("#new");
    expect(selectors).toContain("button.add-btn");
    expect(report.checkpoints.length).toBeGreaterThanOrEqual(5);
    expect(report.notes.join(" ")).toContain("no network responses");
    expect(report.format()).toContain("matches the recording");
  });

  it("reports a changed text with the checkpoint, time, action and element", async () => {
    const report = await run("status-text");
    expect(report.ok).toBe(false);
    const first = report.divergences[0];
    expect(first?.action.description).toBe("click button.add-btn");
    expect(first?.differences).toContainEqual({
      kind: "text",
      path: "body > p#status",
      expected: "1 item",
      actual: "items: 1",
    });
    const text = report.format();
    expect(text).toMatch(
      /✗ checkpoint #\d+ after action #2 at 00:\d\d\.\d{3} \(event #\d+\): click button\.add-btn/,
    );
    expect(text).toContain('expected "1 item"');
    expect(text).toContain('actual   "items: 1"');
    expect(() => expect(report).toMatchRecordedDom()).toThrow(/DIVERGES/);
  });

  it("reports an action it cannot perform and stops there", async () => {
    const report = await run("no-add-button");
    expect(report.ok).toBe(false);
    expect(report.failedActions).toHaveLength(1);
    expect(report.failedActions[0]?.description).toBe("click button.add-btn");
    expect(report.format()).toMatch(/could not be performed: .*Timeout/);
    expect(report.notes.join(" ")).toMatch(/Stopped after action #2; \d+ later actions were not replayed/);
  });

  it("rejects a bad page or base URL with a typed error", async () => {
    await expect(redrive(rec, { page: {} as never, baseURL: "http://x/" })).rejects.toThrow(TestingError);
    const context = await newDesktopContext(browser);
    try {
      await expect(redrive(rec, { page: await context.newPage(), baseURL: "not a url" })).rejects.toThrow(
        /not an absolute URL/,
      );
    } finally {
      await context.close();
    }
  });
});
