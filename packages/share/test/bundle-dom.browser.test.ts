// The bundle's dom/ pages are plain HTML: unzipped and opened from disk in Chromium they show the
// recorded page with its pinned images from ../assets/, with no player and no network, and nothing
// masked in the recording appears in any file of the bundle.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBundle, type BundleManifest, type PinnedAsset } from "@replay-devkit/codec";
import { scrubRecording } from "@replay-devkit/privacy";
import { CAPTURE_FIXTURES, launchChromium, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { captureRecording } from "../../codec/test/helpers.js";
import { imageRecording, PNG_1X1 } from "./image-recording.js";

const mustNotContain = (
  JSON.parse(readFileSync(join(CAPTURE_FIXTURES, "session-A.json"), "utf8")) as {
    expect: { mustNotContain: string[] };
  }
).expect.mustNotContain;

function unzipTo(zip: Uint8Array, dir: string): Record<string, Uint8Array> {
  const files = unzipSync(zip);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return files;
}

describe("bundle v2 dom/ pages", () => {
  let dir: TempDir;
  let browser: Browser;

  beforeAll(async () => {
    dir = tempDir("replay-share-dom-");
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    dir?.cleanup();
  });

  /** Opens a file under `root`; files under it load, every other request is aborted and counted. */
  async function open(root: string, path: string): Promise<{ page: Page; requests: string[] }> {
    const context = await browser.newContext();
    const requests: string[] = [];
    const allowed = pathToFileURL(root).href;
    await context.route("**", (route) => {
      if (route.request().url().startsWith(allowed)) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(root, path)).href);
    return { page, requests };
  }

  it("show the recorded page and hold nothing masked, in any file", async () => {
    const { recording, redactions } = scrubRecording(captureRecording("A"));
    const root = join(dir.path, "captured");
    const files = unzipTo(await writeBundle(recording, { producer: "test", redactions }), root);
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"])) as BundleManifest;
    expect(manifest.dom?.length).toBeGreaterThanOrEqual(2);
    const texts: string[] = [];
    for (const [path, bytes] of Object.entries(files))
      texts.push(new TextDecoder().decode(path.endsWith(".gz") ? gunzipSync(bytes) : bytes));
    for (const secret of mustNotContain)
      expect(
        texts.some((t) => t.includes(secret)),
        secret,
      ).toBe(false);
    const first = await open(root, manifest.dom![0]!.path);
    expect(await first.page.locator("body").innerText()).toContain("Welcome to the harness shop");
    expect(await first.page.locator("script").count()).toBe(0);
    // The second page load (/second.html) starts with its own full snapshot.
    const second = manifest.dom!.filter((d) => d.reason === "full-snapshot")[1]!;
    const page2 = await open(root, second.path);
    expect(await page2.page.locator("body").innerText()).toContain("Second page");
    await first.page.context().close();
    await page2.page.context().close();
  });

  it("load pinned images from ../assets/ with the network blocked", async () => {
    const logo: PinnedAsset = {
      url: "http://assets.test/logo.png",
      sha256: "",
      contentType: "image/png",
      bytes: PNG_1X1,
    };
    const root = join(dir.path, "images");
    const files = unzipTo(await writeBundle(imageRecording(), { producer: "test", assets: [logo] }), root);
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"])) as BundleManifest;
    const { page, requests } = await open(root, manifest.dom![0]!.path);
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    expect(await page.locator("#pinned").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    expect(await page.locator("#inline").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    expect(await page.locator("#pinned").getAttribute("src")).toBe(`../${manifest.assets![0]!.path}`);
    // The page itself still points at what nobody pinned; with the network blocked it stays empty.
    expect(requests.sort()).toEqual(["http://assets.test/bg.png", "http://elsewhere.test/gone.png"]);
    expect(manifest.fidelity).toContain("assets-partial");
    await page.context().close();
  });
});
