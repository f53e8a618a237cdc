// Records fixtures/checkout.replay.jsonl from the example shop with the real posthog-js SDK,
// through replay-devkit's own server: start the server on a temp store, serve the shop as
// app.replay.test, drive Chromium, wait for the recording through the JSON API, scrub, write.
//
//   node examples/shop/scripts/record-fixture.mjs [output-path]
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readRecordingFile, writeFixture } from "@replay-devkit/codec";
import { scrubRecording, summarizeRedactions } from "@replay-devkit/privacy";
import { createHandler, listen } from "@replay-devkit/server";
import { openStore } from "@replay-devkit/store";
import { launchChromium, newDesktopContext, tempDir } from "@replay-devkit/test-utils";
import { startShop } from "../server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const output = process.argv[2] ?? join(here, "..", "fixtures", "checkout.replay.jsonl");

const dir = tempDir("shop-record-");
const store = openStore(join(dir.path, "recordings.db"));
const handler = createHandler({
  store,
  version: "example-shop",
  recordingConfig: { consoleLogs: true, networkHeaders: true, networkBodies: true },
  compactIdleMs: null,
  log: (line) => console.error(`[server] ${line}`),
});
const server = await listen(handler, { port: 0, handleSignals: false });
// posthog-js skips its own host in network capture only by URL; a distinct host keeps it obvious.
const shop = await startShop({ posthogHost: `http://127.0.0.1:${server.port}` });
const browser = await launchChromium();
try {
  const context = await newDesktopContext(browser);
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") console.error(`[page] ${msg.text()}`);
  });
  await page.goto(shop.url, { waitUntil: "load" });
  await page.waitForFunction(() => globalThis.posthog?.sessionRecordingStarted?.() === true, undefined, {
    timeout: 20_000,
  });
  await page.locator("[data-testid=product-1] button.add").waitFor();
  await page.waitForTimeout(600);
  await page.mouse.move(200, 200);
  await page.locator("[data-testid=product-1] button.add").click();
  await page.waitForTimeout(400);
  await page.locator("[data-testid=product-3] button.add").click();
  await page.waitForTimeout(400);
  await page.locator("#email").pressSequentially("shopper@example.com", { delay: 20 });
  await page.waitForTimeout(400);
  await page.locator("#checkout").click();
  await page.locator("#banner:not([hidden])").waitFor();
  await page.waitForTimeout(1500);
  await page.evaluate(() => console.log("checkout finished"));
  await page.waitForTimeout(2500);
  // pagehide makes posthog-js flush what is still buffered.
  await page.goto("about:blank");
  await page.waitForTimeout(1000);
  await context.close();

  // Wait until the API shows a recording with the checkout request in it.
  const api = `http://127.0.0.1:${server.port}`;
  let id = null;
  for (let i = 0; i < 60 && id === null; i++) {
    const list = await (await fetch(`${api}/api/recordings`)).json();
    const recordings = list.recordings ?? list.items ?? list;
    const candidate = Array.isArray(recordings) ? recordings[0] : undefined;
    if (candidate && candidate.clickCount >= 3) id = candidate.id;
    else await new Promise((r) => setTimeout(r, 500));
  }
  if (id === null)
    throw new Error("No recording with the checkout clicks arrived at the server within 30 s.");
  const exported = await fetch(
    `${api}/api/recordings/${encodeURIComponent(id)}/export?format=posthog&scrub=false`,
  );
  if (!exported.ok) throw new Error(`Export failed: ${exported.status} ${await exported.text()}`);
  const read = await readRecordingFile(new Uint8Array(await exported.arrayBuffer()));
  const exportedRecording = read.recordings[0];
  if (!exportedRecording) throw new Error("The export held no recording.");
  // PostHog's export format carries snapshots only; the analytics events ($pageview, ...) come from the API.
  const linked = await (await fetch(`${api}/api/recordings/${encodeURIComponent(id)}/posthog-events`)).json();
  const recording = { ...exportedRecording, posthogEvents: linked.events ?? [] };
  const { recording: scrubbed, redactions } = scrubRecording(recording);
  writeFileSync(output, writeFixture(scrubbed));
  console.error(
    `wrote ${output}: session ${scrubbed.sessionId}, ${scrubbed.windows.reduce((n, w) => n + w.events.length, 0)} events, ` +
      `${scrubbed.posthogEvents.length} PostHog events, ${redactions.length} redactions${redactions.length ? ` (${summarizeRedactions(redactions)})` : ""}`,
  );
} finally {
  await browser.close();
  await shop.close();
  await server.close();
  store.close();
  dir.cleanup();
}
