// A PostHog mobile recording, posted to /s/ as posthog-ios sends it (the stand-in in test-utils
// lists the SDK facts it encodes) and imported from a PostHog export file, played by the built
// inspector in Chromium: texts, images and form values at the wireframes' boxes, removed elements
// gone, masked values masked, the device frame and the keyboard.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  decodeCaptureBody,
  groupRecordings,
  splitCaptureEvents,
  writePosthogExport,
  type Recording,
} from "@replay-devkit/codec";
import {
  launchChromium,
  newDesktopContext,
  posthogIosBody,
  posthogIosSession,
  type MobileBox,
  type MobileSession,
} from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevkit } from "./harness";
import { RESULTS_DIR, importFile, startDevkit } from "./harness";

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Probe {
  /** Box in the replay document (wireframe units). */
  doc: Box;
  /** Box on the inspector page. */
  page: Box;
  tag: string;
  text: string;
  value: string | null;
  type: string | null;
  src: string | null;
}

const RRWEB_UMD = join(dirname(createRequire(import.meta.url).resolve("rrweb")), "rrweb.umd.min.cjs");

describe("mobile recordings in the inspector (Chromium)", () => {
  let devkit: RunningDevkit;
  let browser: Browser;
  let context: BrowserContext;
  let session: MobileSession;
  const importedId = "ios-imported-session";
  const pageErrors: string[] = [];

  beforeAll(async () => {
    devkit = await startDevkit();
    session = posthogIosSession();
    for (const events of session.requests) {
      const res = await fetch(`${devkit.baseUrl}/s/`, {
        method: "POST",
        // posthog-ios: gzip'd JSON array, Content-Encoding gzip (PostHogApi.swift requestAndPayload).
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: new Uint8Array(posthogIosBody(events)),
      });
      expect(res.status, await res.text()).toBe(200);
    }
    // The same recording as a PostHog "Export to JSON" file, under another session id.
    const snapshots = session.requests.flatMap(
      (events) => splitCaptureEvents(decodeCaptureBody(posthogIosBody(events)).events).snapshots,
    );
    const [rec] = groupRecordings(snapshots) as [Recording];
    const file = join(devkit.dir.path, "ios.posthog.json");
    writeFileSync(
      file,
      writePosthogExport({
        ...rec,
        sessionId: importedId,
        windows: rec.windows.map((w) => ({ ...w, windowId: importedId })),
      }),
    );
    expect(await importFile(devkit.baseUrl, file)).toEqual([importedId]);
    browser = await launchChromium();
    context = await newDesktopContext(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await devkit?.close();
  });

  const open = async (id: string, offset: number): Promise<Page> => {
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${devkit.baseUrl}/recording/?id=${encodeURIComponent(id)}&t=${offset}`);
    await page.getByTestId("play-toggle").and(page.locator(":enabled")).waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () =>
        !!document.querySelector<HTMLIFrameElement>('[data-testid="player-root"] iframe')?.contentDocument
          ?.body?.childElementCount,
      undefined,
      { timeout: 30_000 },
    );
    await expect
      .poll(async () => Number(await page.getByTestId("time").getAttribute("data-offset")))
      .toBe(offset);
    return page;
  };

  const probe = (page: Page, selector: string): Promise<Probe | null> =>
    page.evaluate((sel) => {
      const frame = document.querySelector<HTMLIFrameElement>('[data-testid="player-root"] iframe')!;
      const el = frame.contentDocument!.querySelector<HTMLElement>(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      const f = frame.getBoundingClientRect();
      const scale = f.width / frame.offsetWidth;
      const input = el as HTMLInputElement;
      return {
        doc: { x: r.x, y: r.y, width: r.width, height: r.height },
        page: {
          x: f.x + r.x * scale,
          y: f.y + r.y * scale,
          width: r.width * scale,
          height: r.height * scale,
        },
        frame: { x: f.x, y: f.y, scale },
        tag: el.tagName.toLowerCase(),
        text: (el.textContent ?? "").trim(),
        value: "value" in el ? input.value : null,
        type: el.getAttribute("type"),
        src: el.getAttribute("src"),
      };
    }, selector);

  const frameOf = (page: Page) =>
    page.evaluate(() => {
      const frame = document.querySelector<HTMLIFrameElement>('[data-testid="player-root"] iframe')!;
      const f = frame.getBoundingClientRect();
      return { x: f.x, y: f.y, scale: f.width / frame.offsetWidth };
    });

  const expectAt = async (page: Page, found: Probe | null, box: MobileBox) => {
    expect(found).not.toBeNull();
    const frame = await frameOf(page);
    for (const key of ["x", "y", "width", "height"] as const) {
      expect(Math.abs(found!.doc[key] - box[key]), `${key} in the document`).toBeLessThanOrEqual(2);
    }
    const expected = {
      x: frame.x + box.x * frame.scale,
      y: frame.y + box.y * frame.scale,
      width: box.width * frame.scale,
      height: box.height * frame.scale,
    };
    for (const key of ["x", "y", "width", "height"] as const) {
      expect(Math.abs(found!.page[key] - expected[key]), `${key} on the page`).toBeLessThanOrEqual(2);
    }
  };

  const wf = (id: number) => `[data-wf="${id}"]`;

  for (const source of ["posted to /s/", "imported from a file"] as const) {
    it(`plays the recording ${source} with every element where the wireframes put it`, async () => {
      const { facts } = session;
      const id = source === "posted to /s/" ? facts.sessionId : importedId;
      const recording = (await (await fetch(`${devkit.baseUrl}/api/recordings/${id}`)).json()) as Record<
        string,
        unknown
      >;
      const summary = (recording.recording ?? recording) as Record<string, unknown>;
      expect(summary).toMatchObject({
        snapshotSource: "mobile",
        firstUrl: "LoginScreen",
        urls: facts.screens,
        clickCount: 2,
        durationMs: facts.durationMs,
        screen: facts.screen,
      });
      if (source === "posted to /s/") expect(summary).toMatchObject({ sdk: "posthog-ios", platform: "ios" });

      const page = await open(id, facts.moments.home);
      const frame = page.getByTestId("device-frame");
      expect(await frame.getAttribute("data-width")).toBe(String(facts.screen.width));
      expect(await frame.getAttribute("data-height")).toBe(String(facts.screen.height));
      const title = await probe(page, wf(facts.texts.title.id));
      expect(title?.text).toBe("Welcome back");
      await expectAt(page, title, facts.texts.title);
      const big = await probe(page, wf(facts.bigId));
      expect(big?.text).toBe("Build 2026.12");
      await expectAt(page, big, facts.texts.big);
      const image = await probe(page, wf(facts.image.id));
      expect(image?.tag).toBe("img");
      expect(image?.src).toMatch(/^data:image\/png;base64,iVBOR/);
      await expectAt(page, image, facts.image);
      const email = await probe(page, wf(facts.email.id));
      expect(email?.value).toBe(facts.email.value);
      expect(email?.value).toMatch(/^\*+$/);
      await expectAt(page, email, facts.email);
      const password = await probe(page, wf(facts.password.id));
      expect(password?.type).toBe("password");
      expect(password?.value).toMatch(/^\*+$/);
      await expectAt(page, password, facts.password);
      expect(await page.getByTestId("device-keyboard").count()).toBe(0);
      await page.screenshot({
        path: join(RESULTS_DIR, `mobile-${source === "posted to /s/" ? "posted" : "imported"}.png`),
      });
      await page.close();

      const typing = await open(id, facts.moments.keyboard);
      await typing.getByTestId("device-keyboard").waitFor();
      const keyboard = await probe(typing, '[data-wf-layer="keyboard"]');
      await expectAt(typing, keyboard, {
        x: 0,
        y: facts.screen.height - facts.keyboardHeight,
        width: facts.screen.width,
        height: facts.keyboardHeight,
      });
      await typing.close();

      const after = await open(id, facts.moments.signedIn);
      const signedIn = await probe(after, wf(facts.texts.signedIn.id));
      expect(signedIn?.text).toBe("Signed in");
      await expectAt(after, signedIn, facts.texts.signedIn);
      expect(await probe(after, wf(facts.image.id))).toBeNull();
      const loading = await probe(after, wf(facts.texts.loading.id));
      expect(loading?.text).toBe("Loading profile");
      await expectAt(after, loading, facts.texts.loading);
      // The mobile console text and the request (no bodies from iOS) are in the panes.
      await after.getByTestId("tab-console").click();
      await after.locator('[data-testid="console-pane"]', { hasText: facts.consoleText }).waitFor();
      await after.getByTestId("tab-network").click();
      await after.locator('[data-testid="network-pane"]', { hasText: "/v1/login" }).waitFor();
      await after.close();

      const profile = await open(id, facts.moments.profile);
      expect((await probe(profile, wf(facts.texts.profile.id)))?.text).toBe("Jane's profile");
      expect(await probe(profile, wf(facts.texts.title.id))).toBeNull();
      await profile.close();
      expect(pageErrors).toEqual([]);
    });
  }

  it("exports the posted events unchanged as PostHog JSON, and DOM events rrweb's own Replayer plays", async () => {
    const { facts } = session;
    const res = await fetch(
      `${devkit.baseUrl}/api/recordings/${facts.sessionId}/export?format=posthog&scrub=false`,
    );
    const doc = (await res.json()) as { data: { snapshots: Record<string, unknown>[] } };
    expect(doc.data.snapshots.map(({ windowId: _w, ...event }) => event)).toEqual(session.posted);
    // iOS sends no $window_id: the window is the session.
    expect(new Set(doc.data.snapshots.map((e) => e.windowId))).toEqual(new Set([facts.sessionId]));

    const rrweb = await (
      await fetch(`${devkit.baseUrl}/api/recordings/${facts.sessionId}/export?format=rrweb`)
    ).text();
    const page = await context.newPage();
    await page.setContent("<!doctype html><html><body><div id=root></div></body></html>");
    await page.addScriptTag({ path: RRWEB_UMD });
    const texts = await page.evaluate(
      ({ json, moments, ids }) => {
        const events = JSON.parse(json) as { timestamp: number }[];
        const rr = (
          globalThis as unknown as {
            rrweb: {
              Replayer: new (...a: unknown[]) => { pause(t: number): void; iframe: HTMLIFrameElement };
            };
          }
        ).rrweb;
        const replayer = new rr.Replayer(events, { root: document.getElementById("root"), mouseTail: false });
        const at = (offset: number, id: number) => {
          replayer.pause(offset);
          return replayer.iframe.contentDocument?.querySelector(`[data-wf="${id}"]`)?.textContent ?? null;
        };
        return [
          at(moments.home, ids.title),
          at(moments.signedIn, ids.title),
          at(moments.signedIn, ids.loading),
          at(moments.profile, ids.profile),
        ];
      },
      {
        json: rrweb,
        moments: facts.moments,
        ids: {
          title: facts.texts.title.id,
          loading: facts.texts.loading.id,
          profile: facts.texts.profile.id,
        },
      },
    );
    expect(texts).toEqual(["Welcome back", "Signed in", "Loading profile", "Jane's profile"]);
    await page.close();
  });
});
