// PostHog mobile recordings through the testing API: rebuildDom plays the transformed wireframes in
// rrweb's own Replayer (jsdom), and the rrweb export of the same recording replays the same texts.
import {
  decodeCaptureBody,
  groupRecordings,
  playableRecording,
  splitCaptureEvents,
  writeRrwebJson,
  type Recording,
  type RrwebEvent,
} from "@replay-devkit/codec";
import { posthogIosBody, posthogIosSession, TINY_PNG } from "@replay-devkit/test-utils";
import { describe, expect, it } from "vitest";
import { fromRecording, loadRecording, rebuildDom } from "../src/index.js";

function recordingOf(requests: Record<string, unknown>[][]): Recording {
  const snapshots = requests.flatMap(
    (events) => splitCaptureEvents(decodeCaptureBody(posthogIosBody(events)).events).snapshots,
  );
  const [rec] = groupRecordings(snapshots);
  return rec as Recording;
}

describe("mobile recordings in rebuildDom", () => {
  const session = posthogIosSession("ios-session-1");
  const { facts } = session;
  const rec = fromRecording(recordingOf(session.requests));
  const wf = (id: number) => `[data-wf="${id}"]`;

  it("draws the wireframes where the device put them, and follows updates and removes", () => {
    using dom = rebuildDom(rec, { at: facts.moments.home });
    expect(dom.text(wf(facts.texts.title.id))).toBe("Welcome back");
    expect(dom.text(wf(facts.bigId))).toBe("Build 2026.12");
    const img = dom.document.querySelector(wf(facts.image.id)) as HTMLImageElement;
    expect(img.tagName).toBe("IMG");
    expect(img.getAttribute("src")).toBe(`data:image/png;base64,${TINY_PNG}`);
    const password = dom.document.querySelector(wf(facts.password.id)) as HTMLInputElement;
    expect(password.type).toBe("password");
    expect(password.value).toBe(facts.password.value);
    expect((dom.document.querySelector(wf(facts.email.id)) as HTMLInputElement).value).toMatch(/^\*+$/);
    expect(dom.document.querySelector(wf(facts.toggleId))?.getAttribute("aria-checked")).toBe("true");
    const style = img.getAttribute("style") ?? "";
    expect(style).toContain(`left:${facts.image.x}px`);
    expect(style).toContain(`top:${facts.image.y}px`);

    dom.seek(facts.moments.signedIn);
    expect(dom.text(wf(facts.texts.title.id))).toBe("Signed in");
    expect(dom.document.querySelectorAll(wf(facts.texts.title.id))).toHaveLength(1);
    expect(dom.document.querySelector(wf(facts.image.id))).toBeNull();
    expect(dom.text(wf(facts.texts.loading.id))).toBe("Loading profile");

    dom.seek(facts.moments.profile);
    expect(dom.text(wf(facts.texts.profile.id))).toBe("Jane's profile");
    expect(dom.document.querySelector(wf(facts.texts.title.id))).toBeNull();
  });

  it("shows the keyboard at the bottom, full width, over the navigation bar, while it is open", () => {
    using dom = rebuildDom(rec, { at: facts.moments.keyboard });
    const keyboard = dom.document.querySelector('[data-wf-layer="keyboard"]') as HTMLElement;
    expect(keyboard.style.top).toBe(`${facts.screen.height - facts.keyboardHeight}px`);
    expect(keyboard.style.width).toBe(`${facts.screen.width}px`);
    expect(Number(keyboard.style.zIndex)).toBeGreaterThan(
      Number((dom.document.querySelector('[data-wf-type="navigation_bar"]') as HTMLElement).style.zIndex),
    );
    dom.seek(facts.moments.signedIn);
    expect(dom.isVisible('[data-wf-layer="keyboard"]')).toBe(false);
  });

  it("replays the rrweb export of the recording with the same texts", async () => {
    const exported = writeRrwebJson(playableRecording(rec.recording));
    const loaded = await loadRecording(new TextEncoder().encode(exported));
    using dom = rebuildDom(loaded, { at: facts.moments.signedIn });
    expect(dom.text(wf(facts.texts.title.id))).toBe("Signed in");
    expect(dom.text(wf(facts.texts.loading.id))).toBe("Loading profile");
    expect(dom.document.querySelector(wf(facts.image.id))).toBeNull();
  });

  it("plays a screenshot-mode stream with no Meta and no FullSnapshot frame by frame", () => {
    const t0 = 1_800_000_000_000;
    const frames = [0, 1, 2].map(
      (n) => `data:image/jpeg;base64,${Buffer.from(`frame-${n}`).toString("base64")}`,
    );
    // React Native 4.1.0 sent incrementals only; each frame replaces the full-screen screenshot.
    const events = frames.map(
      (base64, n) =>
        ({
          type: 3,
          timestamp: t0 + n * 500,
          data: {
            source: 0,
            updates: [
              {
                parentId: 0,
                wireframe: { id: 42, x: 0, y: 0, width: 360, height: 780, type: "screenshot", base64 },
              },
            ],
          },
        }) as unknown as RrwebEvent,
    );
    const screenshots = fromRecording({
      sessionId: "rn-screenshots",
      distinctId: null,
      windows: [{ windowId: "rn-screenshots", events }],
      posthogEvents: [],
    });
    using dom = rebuildDom(screenshots, { at: 0 });
    frames.forEach((src, n) => {
      dom.seek(n * 500 + 10);
      const imgs = dom.document.querySelectorAll("img");
      expect(imgs).toHaveLength(1);
      expect(imgs[0]?.getAttribute("src")).toBe(src);
      expect(imgs[0]?.getAttribute("style")).toContain("width:360px");
    });
  });
});
