// Starts the real devkit server (store + handler) on a temp SQLite file, serving the built
// inspector, and feeds it the shared fixtures exactly as posthog-js sent them.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHandler, type AuthOptions } from "@replay-devkit/server";
import { openStore } from "@replay-devkit/store";
import type { CapturedRequest, TempDir } from "@replay-devkit/test-utils";
import {
  CAPTURE_FIXTURES,
  PUBLIC_FIXTURES,
  capturedBody,
  capturedRequests,
  tempDir,
} from "@replay-devkit/test-utils";

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const OUT_DIR = join(APP_DIR, "out");
export const RESULTS_DIR = join(APP_DIR, "test-results");

export interface RunningDevkit {
  baseUrl: string;
  dir: TempDir;
  close(): Promise<void>;
}

/** `auth`: start the server with a token (and project tokens), as `serve --token` does. */
export async function startDevkit(auth?: AuthOptions): Promise<RunningDevkit> {
  if (!existsSync(join(OUT_DIR, "index.html"))) {
    throw new Error(
      `No built inspector at ${OUT_DIR}. Run \`pnpm --filter @replay-devkit/inspector build\` first.`,
    );
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const dir = tempDir("inspector-e2e-");
  const store = openStore(join(dir.path, "devkit.db"));
  const handler = createHandler({
    store,
    staticDirs: { inspector: OUT_DIR },
    version: "0.0.0-e2e",
    log: () => {},
    ...(auth ? { auth } : {}),
  });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dir,
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      dir.cleanup();
    },
  };
}

function queryString(query: unknown): string {
  if (typeof query === "string") return query.startsWith("?") || query === "" ? query : `?${query}`;
  if (query && typeof query === "object") {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query as Record<string, unknown>)) params.set(k, String(v));
    const s = params.toString();
    return s ? `?${s}` : "";
  }
  return "";
}

/** Replays every capture POST of one run of the shared posthog-js capture against the server. */
export async function postCaptureRun(baseUrl: string, run: "A" | "B"): Promise<CapturedRequest[]> {
  const sent: CapturedRequest[] = [];
  for (const request of capturedRequests()) {
    if (request.run !== run || request.method !== "POST" || !request.body_file) continue;
    if (!/^\/(e|s|i\/v0\/e|batch|capture)\/?$/.test(request.path)) continue;
    const body = capturedBody(request);
    if (!body) continue;
    const res = await fetch(`${baseUrl}${request.path}${queryString(request.query)}`, {
      method: "POST",
      headers: { "content-type": request.content_type ?? "text/plain" },
      body: new Uint8Array(body),
    });
    if (!res.ok)
      throw new Error(`capture ${request.path} #${request.seq} answered ${res.status}: ${await res.text()}`);
    sent.push(request);
  }
  return sent;
}

export async function importFile(baseUrl: string, path: string, token?: string): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/import`, {
    method: "POST",
    body: new Uint8Array(readFileSync(path)),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`import of ${path} answered ${res.status}: ${text}`);
  const body = JSON.parse(text) as { imported?: unknown };
  if (!Array.isArray(body.imported)) throw new Error(`import of ${path} answered ${text}`);
  return body.imported as string[];
}

export const HOMEPAGE_FIXTURE = join(PUBLIC_FIXTURES, "rrweb-player-example__homepage.json");
export const DOCS_FIXTURE = join(PUBLIC_FIXTURES, "rrweb-player-example__local-docs.json");
export const MOBILE_FIXTURE = join(PUBLIC_FIXTURES, "rrweb-player-example__mobile-homepage.json");

interface FixtureEvent {
  type: number;
  timestamp: number;
  data: unknown;
}

/** The events of a 2020 rrweb-player example file (`{"result": [...]}`). */
export function fixtureEvents(path: string): FixtureEvent[] {
  const doc = JSON.parse(readFileSync(path, "utf8")) as { result: FixtureEvent[] };
  return doc.result;
}

/**
 * A two-tab session made of two public recordings, sent through the plain rrweb ingest route:
 * tab 1 is the desktop docs page, tab 2 the mobile homepage shifted to start 2 s after it.
 */
export async function postTwoTabSession(baseUrl: string, sessionId: string): Promise<void> {
  const docs = fixtureEvents(DOCS_FIXTURE);
  const mobile = fixtureEvents(MOBILE_FIXTURE);
  const shift = (docs[0] as FixtureEvent).timestamp + 2000 - (mobile[0] as FixtureEvent).timestamp;
  const windows: [string, FixtureEvent[]][] = [
    ["tab-1", docs],
    ["tab-2", mobile.map((e) => ({ ...e, timestamp: e.timestamp + shift }))],
  ];
  for (const [windowId, events] of windows) {
    const res = await fetch(
      `${baseUrl}/api/rrweb/${encodeURIComponent(sessionId)}?window=${windowId}&distinctId=tester`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(events),
      },
    );
    if (!res.ok) throw new Error(`rrweb ingest of ${windowId} answered ${res.status}: ${await res.text()}`);
  }
}

export interface SessionFacts {
  sessionId: string;
  distinctId: string;
  windowIds: string[];
}

export function sessionFacts(run: "A" | "B"): SessionFacts {
  return JSON.parse(readFileSync(join(CAPTURE_FIXTURES, `session-${run}.json`), "utf8")) as SessionFacts;
}
