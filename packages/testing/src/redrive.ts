import type { Page, Route } from "playwright-core";
import { domDigest, type DigestEntry } from "./digest.js";
import { openReplay, type RebuiltDom } from "./dom.js";
import type { PinnedAssetMap } from "./assets.js";
import { TestingError } from "./errors.js";
import type { LoadedRecording, Marker } from "./load.js";
import { RecordedRoutes, type RouteOptions } from "./match.js";
import { diffDigests, normalizeDigest, type DomDifference, type NormalizeOptions } from "./normalize.js";
import { stableSelector } from "./selectors.js";
import { formatOffset } from "./time.js";

/**
 * Options of {@link redrive}.
 * @see redrive
 */
export interface RedriveOptions extends NormalizeOptions, Omit<RouteOptions, "baseUrl"> {
  /** A Playwright page (playwright-core); its context should be fresh. */
  page: Page;
  /** Where the current build of the app runs; recorded URLs keep their path and query. */
  baseURL: string;
  /** The recorded window to re-drive (default: the primary window). */
  windowId?: string;
  /**
   * Which actions get a DOM checkpoint: `"interactions"` (clicks, inputs, page loads; default),
   * `"none"`, or indexes into the list of actions.
   */
  checkpoints?: "interactions" | "none" | number[];
  /** The element compared at each checkpoint (default `body`). */
  region?: string;
  /** How long a checkpoint waits for the live DOM to match before it records a divergence (default 3000 ms). */
  settleMs?: number;
  /** Timeout of each Playwright action (default 5000 ms). */
  actionTimeoutMs?: number;
  /** Text typed where the recording only has masked input (`***`). Default `"redrive"`. */
  maskedInputText?: string;
  /** Serve recorded responses for recorded fetch/XHR routes (default true); other requests reach the app. */
  serveRecordedNetwork?: boolean;
  /** Pinned copies of the recording's assets for the recorded side of each comparison (see rebuildDom). */
  assets?: PinnedAssetMap;
}

/**
 * One replayed action.
 * @see DivergenceReport
 */
export interface RedriveAction {
  /** Position in the list of actions. */
  index: number;
  kind: Marker["kind"];
  /** Recording offset and event of the action. */
  offsetMs: number;
  eventIndex: number;
  windowId: string;
  /** The selector used on the live page (resolved from the recorded snapshot). */
  selector?: string;
  /** What was done, in words: `click #checkout`, `fill input[name="email"] with "…"`. */
  description: string;
  /** Set when the action could not be performed on the live page. */
  error?: string;
}

/**
 * A comparison of the live DOM with the recorded one after an action.
 * @see DivergenceReport
 */
export interface Checkpoint {
  index: number;
  action: RedriveAction;
  /** The recording offset the expected DOM was rebuilt at. */
  expectedAtMs: number;
  ok: boolean;
  differences: DomDifference[];
}

/**
 * What a re-drive found: every action and checkpoint, the first divergences, and a readable
 * `format()` for test failures.
 * @see redrive
 */
export interface DivergenceReport {
  ok: boolean;
  sessionId: string;
  windowId: string;
  baseURL: string;
  actions: RedriveAction[];
  checkpoints: Checkpoint[];
  /** Checkpoints that differ, in order. */
  divergences: Checkpoint[];
  /** Actions that could not be performed. */
  failedActions: RedriveAction[];
  /** Requests answered from the recording / not recorded (passed to the live app). */
  network: { served: { method: string; url: string }[]; passedThrough: { method: string; url: string }[] };
  /** Things a reader should know (masked input typed as placeholder text, skipped actions). */
  notes: string[];
  format(): string;
}

const INTERACTIVE: ReadonlySet<Marker["kind"]> = new Set(["page", "click", "input"]);

function mapUrl(href: string, baseURL: string): string {
  try {
    const recorded = new URL(href);
    const base = new URL(baseURL);
    return new URL(recorded.pathname + recorded.search + recorded.hash, base).toString();
  } catch {
    return baseURL;
  }
}

function samePage(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname === y.pathname;
  } catch {
    return false;
  }
}

/** Collapses keystroke-by-keystroke input events into the final value per field. */
function plannedActions(markers: readonly Marker[]): Marker[] {
  const out: Marker[] = [];
  for (const m of markers) {
    // Values the app's own code set are results to compare, not things the user did.
    if (m.kind === "input" && m.programmatic === true) continue;
    const prev = out.at(-1);
    if (m.kind === "input" && prev?.kind === "input" && prev.nodeId === m.nodeId) out[out.length - 1] = m;
    else if (m.kind === "scroll" && prev?.kind === "scroll" && prev.nodeId === m.nodeId)
      out[out.length - 1] = m;
    else if (m.kind === "resize" && prev?.kind === "resize") out[out.length - 1] = m;
    else out.push(m);
  }
  return out;
}

function elementFor(replay: RebuiltDom, nodeId: number | undefined): Element | null {
  if (nodeId === undefined) return null;
  const node = replay.node(nodeId);
  if (!node) return null;
  return node.nodeType === 1 ? (node as Element) : node.parentElement;
}

function short(text: string | undefined, max = 80): string {
  const t = text ?? "";
  return JSON.stringify(t.length > max ? `${t.slice(0, max)}…` : t);
}

function formatReport(report: Omit<DivergenceReport, "format">, rec: LoadedRecording): string {
  const lines: string[] = [];
  const status = report.ok ? "matches the recording" : "DIVERGES from the recording";
  lines.push(
    `Re-drive of recording ${report.sessionId} (window ${report.windowId}) against ${report.baseURL}: ${status}.`,
    `${report.actions.length} actions, ${report.checkpoints.length} checkpoints, ${report.divergences.length} divergent, ` +
      `${report.failedActions.length} failed actions; ${report.network.served.length} requests answered from the recording.`,
  );
  for (const action of report.failedActions)
    lines.push(
      "",
      `✗ action #${action.index} at ${formatOffset(action.offsetMs)} (event #${action.eventIndex}): ${action.description}`,
      `  could not be performed: ${action.error ?? "unknown error"}`,
    );
  let previous: Checkpoint | undefined;
  for (const cp of report.divergences) {
    const a = cp.action;
    const same =
      previous !== undefined && JSON.stringify(previous.differences) === JSON.stringify(cp.differences);
    lines.push(
      "",
      `✗ checkpoint #${cp.index} after action #${a.index} at ${formatOffset(a.offsetMs)} (event #${a.eventIndex}): ${a.description}`,
      `  expected DOM rebuilt at ${formatOffset(cp.expectedAtMs)}${a.selector ? `; element ${a.selector}` : ""}`,
    );
    if (same && previous) {
      lines.push(`  the same ${cp.differences.length} difference(s) as checkpoint #${previous.index}`);
      continue;
    }
    previous = cp;
    for (const d of cp.differences.slice(0, 8)) {
      if (d.kind === "missing")
        lines.push(`  - missing   ${d.path}${d.expected ? ` (text ${short(d.expected)})` : ""}`);
      else if (d.kind === "unexpected")
        lines.push(`  + unexpected ${d.path}${d.actual ? ` (text ${short(d.actual)})` : ""}`);
      else if (d.kind === "element")
        // Already `tag#id.classes "text"` on both sides.
        lines.push(
          `  ~ element    ${d.path}`,
          `      expected ${d.expected ?? ""}`,
          `      actual   ${d.actual ?? ""}`,
        );
      else
        lines.push(
          `  ~ ${d.kind.padEnd(10)} ${d.path}`,
          `      expected ${short(d.expected)}`,
          `      actual   ${short(d.actual)}`,
        );
    }
    if (cp.differences.length > 8) lines.push(`  … and ${cp.differences.length - 8} more differences`);
  }
  if (report.notes.length > 0) lines.push("", "Notes:", ...report.notes.map((n) => `  • ${n}`));
  void rec;
  return lines.join("\n");
}

/**
 * Re-drives a recorded user against the live app: serves the recorded fetch/XHR responses through
 * `page.route`, replays page loads, clicks, inputs, scrolls and viewport resizes (node ids resolved
 * to stable selectors through the recorded snapshots), and after each interaction compares the live
 * DOM with the DOM rebuilt from the recording just before the next recorded action. Volatile values
 * (generated ids, hashed classes, dates, times, masked text) are normalised first.
 *
 * Never throws for a divergence: check `report.ok`, or `expect(report).toMatchRecordedDom()`.
 * @see DivergenceReport
 * @see rebuildDom
 * @see handlersFromRecording
 */
export async function redrive(rec: LoadedRecording, opts: RedriveOptions): Promise<DivergenceReport> {
  const { page } = opts;
  if (!page || typeof page.goto !== "function")
    throw new TestingError("INVALID_OPTIONS", "redrive: `page` must be a Playwright Page (playwright-core).");
  let base: URL;
  try {
    base = new URL(opts.baseURL);
  } catch {
    throw new TestingError(
      "INVALID_OPTIONS",
      `redrive: baseURL ${JSON.stringify(opts.baseURL)} is not an absolute URL.`,
    );
  }
  const windowId = opts.windowId ?? rec.primaryWindowId;
  const region = opts.region ?? "body";
  const settleMs = opts.settleMs ?? 3000;
  const actionTimeout = opts.actionTimeoutMs ?? 5000;
  const maskedText = opts.maskedInputText ?? "redrive";
  const notes: string[] = [];
  const markers = plannedActions(rec.markers({ windowId }));
  const firstPage = markers.findIndex((m) => m.kind === "page");
  if (firstPage < 0)
    throw new TestingError(
      "REDRIVE_FAILED",
      `Window ${windowId} of recording ${rec.sessionId} has no page load (Meta event); there is no URL to start from.`,
    );
  const planned = markers.slice(firstPage);
  const routes = new RecordedRoutes(rec, { ...opts, baseUrl: base.origin });
  const passedThrough: { method: string; url: string }[] = [];
  const bodiesUnavailable = new Set<string>();
  const serve = opts.serveRecordedNetwork ?? true;
  const routeHandler = async (route: Route) => {
    const request = route.request();
    const recorded =
      serve && routes.has(request.url(), request.method())
        ? routes.take(request.url(), request.method())
        : null;
    if (!recorded) {
      passedThrough.push({ method: request.method(), url: request.url() });
      await route.fallback();
      return;
    }
    if (recorded.bodyUnavailable !== undefined) {
      bodiesUnavailable.add(`${recorded.entry.method} ${recorded.entry.url} (${recorded.bodyUnavailable})`);
    }
    await route.fulfill({ status: recorded.status, headers: recorded.headers, body: recorded.body ?? "" });
  };
  await page.route("**/*", routeHandler);

  const replay = openReplay(rec, windowId, opts.assets);
  const actions: RedriveAction[] = [];
  const checkpoints: Checkpoint[] = [];
  const wantCheckpoint = (i: number, kind: Marker["kind"]) =>
    opts.checkpoints === "none"
      ? false
      : Array.isArray(opts.checkpoints)
        ? opts.checkpoints.includes(i)
        : INTERACTIVE.has(kind);
  try {
    for (let i = 0; i < planned.length; i++) {
      const m = planned[i] as Marker;
      const next = planned[i + 1];
      const action: RedriveAction = {
        index: i,
        kind: m.kind,
        offsetMs: m.offsetMs,
        eventIndex: m.eventIndex,
        windowId,
        description: m.kind,
      };
      actions.push(action);
      try {
        await perform(m, action);
      } catch (error) {
        action.error = (error as Error).message.split("\n")[0] ?? String(error);
        break;
      }
      if (!wantCheckpoint(i, m.kind)) continue;
      // An action followed by a page load (a link click) is judged by the next page's checkpoint:
      // the live page may already have navigated away from the DOM it would be compared with.
      if (m.kind !== "page" && next?.kind === "page") continue;
      // The settled result of an action is what the page showed right before the user's next move.
      const expectedAt = next ? Math.max(m.offsetMs, next.offsetMs - 1) : rec.durationMs;
      replay.seek(expectedAt);
      const expected = normalizeDigest(domDigest(region, replay.document) ?? [], opts);
      let differences: DomDifference[] = [];
      const deadline = Date.now() + settleMs;
      for (;;) {
        const live = await page.evaluate(domDigest, region).catch(() => null as DigestEntry[] | null);
        differences = diffDigests(expected, normalizeDigest(live ?? [], opts));
        if (differences.length === 0 || Date.now() >= deadline) break;
        await page.waitForTimeout(100);
      }
      checkpoints.push({
        index: checkpoints.length,
        action,
        expectedAtMs: expectedAt,
        ok: differences.length === 0,
        differences,
      });
    }
  } finally {
    replay.dispose();
    await page.unroute("**/*", routeHandler).catch(() => undefined);
  }
  if (planned.some((m) => m.kind === "input" && m.text !== undefined && /^\*+$/.test(m.text)))
    notes.push(
      `Masked inputs (recorded as "***") were typed as ${JSON.stringify(maskedText)}; their values are not compared.`,
    );
  if (routes.size === 0)
    notes.push("The recording has no network responses; every request went to the live app.");
  for (const request of bodiesUnavailable)
    notes.push(`Served with an empty body, because the recording has none: ${request}.`);
  const failedActions = actions.filter((a) => a.error !== undefined);
  if (failedActions.length > 0 && actions.length < planned.length)
    notes.push(
      `Stopped after action #${failedActions[0]?.index}; ${planned.length - actions.length} later actions were not replayed.`,
    );
  const divergences = checkpoints.filter((c) => !c.ok);
  const body: Omit<DivergenceReport, "format"> = {
    ok: divergences.length === 0 && failedActions.length === 0,
    sessionId: rec.sessionId,
    windowId,
    baseURL: base.toString(),
    actions,
    checkpoints,
    divergences,
    failedActions,
    network: { served: routes.served.map((s) => ({ method: s.method, url: s.url })), passedThrough },
    notes,
  };
  return { ...body, format: () => formatReport(body, rec) };

  async function perform(m: Marker, action: RedriveAction): Promise<void> {
    switch (m.kind) {
      case "page": {
        const url = mapUrl(m.href ?? "", base.toString());
        if (m.width && m.height) await page.setViewportSize({ width: m.width, height: m.height });
        action.description = `open ${url}`;
        // A recorded click may already have navigated there.
        await page.waitForLoadState("load", { timeout: actionTimeout }).catch(() => undefined);
        if (action.index === 0 || !samePage(page.url(), url))
          await page.goto(url, { waitUntil: "load", timeout: actionTimeout });
        return;
      }
      case "resize":
        if (m.width && m.height) await page.setViewportSize({ width: m.width, height: m.height });
        action.description = `resize the viewport to ${m.width}x${m.height}`;
        return;
      case "scroll": {
        replay.seek(m.offsetMs);
        const el = elementFor(replay, m.nodeId);
        const x = m.x ?? 0;
        const y = m.y ?? 0;
        if (!el || el === replay.document.documentElement || el === replay.document.body) {
          action.description = `scroll the page to ${x},${y}`;
          await page.evaluate(([sx, sy]) => window.scrollTo(sx as number, sy as number), [x, y]);
        } else {
          const selector = stableSelector(el);
          action.selector = selector;
          action.description = `scroll ${selector} to ${x},${y}`;
          await page
            .locator(selector)
            .first()
            .evaluate((node, [sx, sy]) => node.scrollTo(sx as number, sy as number), [x, y], {
              timeout: actionTimeout,
            });
        }
        return;
      }
      case "click":
      case "input": {
        // The element as it was just before the action.
        replay.seek(Math.max(0, m.offsetMs - 1));
        let el = elementFor(replay, m.nodeId);
        if (!el) {
          replay.seek(m.offsetMs);
          el = elementFor(replay, m.nodeId);
        }
        if (!el)
          throw new Error(`node ${m.nodeId} is not in the recorded DOM at ${formatOffset(m.offsetMs)}`);
        const selector = stableSelector(el);
        action.selector = selector;
        const locator = page.locator(selector).first();
        if (m.kind === "click") {
          action.description = `click ${selector}`;
          await locator.click({ timeout: actionTimeout });
          return;
        }
        const tag = el.tagName.toLowerCase();
        const type = (el.getAttribute("type") ?? "").toLowerCase();
        if (m.isChecked !== undefined && (type === "checkbox" || type === "radio")) {
          action.description = `${m.isChecked ? "check" : "uncheck"} ${selector}`;
          await locator.setChecked(m.isChecked, { timeout: actionTimeout });
          return;
        }
        const masked = m.text !== undefined && /^\*+$/.test(m.text);
        const value = masked ? maskedText : (m.text ?? "");
        if (tag === "select") {
          action.description = `select ${short(value)} in ${selector}`;
          await locator.selectOption(value, { timeout: actionTimeout });
          return;
        }
        action.description = `fill ${selector} with ${short(value)}${masked ? " (masked in the recording)" : ""}`;
        await locator.fill(value, { timeout: actionTimeout });
        return;
      }
    }
  }
}
