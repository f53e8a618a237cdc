// The offline player: bundled by build-player.mjs into one script string that html.ts inlines.
import {
  recordingMarkers,
  rewriteAssetUrls,
  windowConsoleEntries,
  type RrwebEvent,
} from "@replay-devkit/codec";
import { Replayer } from "rrweb";
import type { HtmlPayload } from "../payload.js";
import { clock, h } from "./dom.js";
import { loadAssets, loadPayload } from "./load.js";
import { consolePane, eventsPane, networkPane, privacyPane, type Pane } from "./panes.js";

const FULL_SNAPSHOT = 2;
const META = 4;
const SPEEDS = [0.5, 1, 2, 4, 8];

interface WindowView {
  replayer: Replayer;
  start: number;
  total: number;
  /** Page URLs over time, from the Meta events. */
  hrefs: { offset: number; href: string }[];
  panes: Pane[];
}

function firstDrawnOffset(events: RrwebEvent[], start: number): number {
  const snapshot = events.find((e) => e.type === FULL_SNAPSHOT);
  return snapshot ? Math.max(0, snapshot.timestamp - start) : 0;
}

function boot(payload: HtmlPayload, assets: Map<string, string>): void {
  const app = document.getElementById("app") as HTMLElement;
  app.replaceChildren();
  const windows = payload.windows.filter((w) => w.events.length > 0);
  if (windows.length === 0) {
    app.append(h("p", { class: "boot", text: "This recording has no replayable events." }));
    app.dataset.state = "empty";
    return;
  }

  const urlBar = h("input", { class: "url-bar", testid: "url-bar" });
  urlBar.readOnly = true;
  urlBar.setAttribute("aria-label", "Page URL");
  const switcher = h("select", { class: "windows", testid: "window-switcher" });
  switcher.setAttribute("aria-label", "Window");
  windows.forEach((w, i) =>
    switcher.append(new Option(`Window ${i + 1} (${w.windowId.slice(0, 8)})`, String(i))),
  );
  const playButton = h("button", { class: "play", testid: "play", text: "Play" });
  const slider = h("input", { class: "seek", testid: "seek" });
  slider.type = "range";
  slider.min = "0";
  slider.step = "1";
  slider.setAttribute("aria-label", "Seek");
  const markers = h("div", { class: "markers", testid: "markers" });
  const time = h("span", { class: "time", testid: "time" });
  const speed = h("select", { class: "speed", testid: "speed" });
  speed.setAttribute("aria-label", "Speed");
  for (const s of SPEEDS) speed.append(new Option(`${s}x`, String(s), s === 1, s === 1));
  const skip = h("input", { testid: "skip-idle" });
  skip.type = "checkbox";
  skip.checked = true;
  const stage = h("div", { class: "stage", testid: "stage" });
  const tabs = h("div", { class: "tabs", testid: "tabs" });
  tabs.setAttribute("role", "tablist");
  const tabBody = h("div", { class: "tab-body", testid: "tab-body" });

  app.append(
    h("header", { class: "top" }, [
      h("strong", { class: "title", text: "replay-devkit" }),
      ...(windows.length > 1 ? [switcher] : []),
      urlBar,
    ]),
    h("main", { class: "layout" }, [
      h("section", { class: "player" }, [
        stage,
        h("div", { class: "controls" }, [
          playButton,
          h("div", { class: "track" }, [markers, slider]),
          time,
          speed,
          h("label", { class: "skip" }, [skip, " Skip idle"]),
        ]),
      ]),
      h("aside", { class: "side" }, [tabs, tabBody]),
    ]),
    h("footer", { class: "foot", text: `${payload.sessionId} · ${payload.producer}` }),
  );

  let current: WindowView | null = null;
  let playing = false;
  let activeTab: Pane["name"] = "Console";

  const seek = (offset: number): void => {
    if (!current) return;
    const at = Math.min(Math.max(0, offset), current.total);
    if (playing) current.replayer.play(at);
    else current.replayer.pause(at);
    update();
  };

  function fit(): void {
    const wrapper = stage.querySelector<HTMLElement>(".replayer-wrapper");
    const iframe = stage.querySelector("iframe");
    if (!wrapper || !iframe) return;
    const width = iframe.offsetWidth || 1;
    const height = iframe.offsetHeight || 1;
    // Fit the recorded viewport to the stage's width; the stage takes the scaled height.
    const scale = Math.min(stage.clientWidth / width, 1);
    wrapper.style.transform = `scale(${scale})`;
    wrapper.style.transformOrigin = "top left";
    stage.style.height = `${Math.ceil(height * scale)}px`;
  }

  function renderTabs(): void {
    if (!current) return;
    tabs.replaceChildren(
      ...current.panes.map((pane) => {
        const tab = h("button", { class: pane.name === activeTab ? "tab active" : "tab", text: pane.name });
        tab.setAttribute("role", "tab");
        tab.setAttribute("aria-selected", String(pane.name === activeTab));
        tab.addEventListener("click", () => {
          activeTab = pane.name;
          renderTabs();
        });
        return tab;
      }),
    );
    const pane = current.panes.find((p) => p.name === activeTab);
    tabBody.replaceChildren(pane ? pane.body : "");
    tabBody.dataset.tab = activeTab;
  }

  function update(): void {
    if (!current) return;
    const now = current.replayer.getCurrentTime();
    slider.value = String(Math.round(now));
    time.textContent = `${clock(now)} / ${clock(current.total)}`;
    let href = current.hrefs[0]?.href ?? "";
    for (const entry of current.hrefs) if (entry.offset <= now) href = entry.href;
    if (urlBar.value !== href) urlBar.value = href;
    for (const pane of current.panes)
      for (const r of pane.rows) r.element.classList.toggle("future", r.offset > now);
    app.dataset.time = String(Math.round(now));
  }

  function drawMarkers(view: WindowView, windowId: string, events: RrwebEvent[]): void {
    const rec = {
      sessionId: payload.sessionId,
      distinctId: payload.distinctId,
      windows: [{ windowId, events }],
      posthogEvents: [],
    };
    const points: { offset: number; kind: string; label: string }[] = recordingMarkers(rec, view.start)
      .filter((m) => m.kind === "page" || m.kind === "click")
      .map((m) => ({
        offset: m.offsetMs,
        kind: m.kind,
        label: m.kind === "page" ? (m.href ?? "page") : "click",
      }));
    for (const entry of windowConsoleEntries(events, windowId))
      if (entry.level === "error")
        points.push({ offset: entry.timestamp - view.start, kind: "error", label: entry.payload.join(" ") });
    markers.replaceChildren(
      ...points.map((p) => {
        const tick = h("button", {
          class: `marker ${p.kind}`,
          testid: "marker",
          title: `${clock(p.offset)} ${p.label}`,
        });
        tick.style.left = `${(100 * p.offset) / Math.max(view.total, 1)}%`;
        tick.addEventListener("click", () => seek(p.offset));
        return tick;
      }),
    );
  }

  function show(index: number): void {
    const source = windows[index];
    if (!source) return;
    current?.replayer.destroy();
    stage.replaceChildren();
    app.dataset.state = "loading";
    playing = false;
    playButton.textContent = "Play";
    const events = rewriteAssetUrls(source.events, assets);
    const replayer = new Replayer(events, {
      root: stage,
      skipInactive: skip.checked,
      speed: Number(speed.value),
      mouseTail: false,
      showWarning: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
    });
    const start = events[0]?.timestamp ?? 0;
    const view: WindowView = {
      replayer,
      start,
      total: replayer.getMetaData().totalTime,
      hrefs: [],
      panes: [],
    };
    current = view;
    slider.max = String(Math.round(view.total));
    replayer.on("resize", () => fit());
    replayer.on("finish", () => {
      playing = false;
      playButton.textContent = "Play";
      app.dataset.state = "finished";
    });
    // The first frame first; the panes and markers read every event, so they follow a frame later.
    replayer.pause(firstDrawnOffset(events, start));
    fit();
    update();
    requestAnimationFrame(() => {
      if (current !== view) return;
      view.hrefs = events
        .filter((e) => e.type === META)
        .map((e) => ({
          offset: e.timestamp - start,
          href: String((e.data as { href?: unknown }).href ?? ""),
        }));
      view.panes = [
        consolePane(events, source.windowId, start, seek),
        networkPane(events, source.windowId, start, seek),
        eventsPane(payload.posthogEvents, source.windowId, start, seek),
        privacyPane(payload.privacy),
      ];
      drawMarkers(view, source.windowId, events);
      renderTabs();
      update();
      app.dataset.state = "ready";
      app.dataset.window = source.windowId;
    });
  }

  playButton.addEventListener("click", () => {
    if (!current) return;
    if (playing) {
      current.replayer.pause();
      playing = false;
      playButton.textContent = "Play";
      app.dataset.state = "paused";
    } else {
      const at = current.replayer.getCurrentTime();
      current.replayer.play(at >= current.total ? 0 : at);
      playing = true;
      playButton.textContent = "Pause";
      app.dataset.state = "playing";
    }
  });
  slider.addEventListener("input", () => seek(Number(slider.value)));
  speed.addEventListener("change", () => current?.replayer.setConfig({ speed: Number(speed.value) }));
  skip.addEventListener("change", () => current?.replayer.setConfig({ skipInactive: skip.checked }));
  switcher.addEventListener("change", () => show(Number(switcher.value)));
  window.addEventListener("resize", fit);
  const tick = (): void => {
    if (playing) update();
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  show(0);
}

loadPayload()
  .then(async (payload) => boot(payload, await loadAssets(payload)))
  .catch((error: unknown) => {
    const app = document.getElementById("app");
    if (!app) return;
    app.dataset.state = "error";
    app.replaceChildren(
      h("p", {
        class: "boot error",
        testid: "load-error",
        text: `Cannot play this file: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
  });
