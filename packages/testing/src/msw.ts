import { http, HttpResponse, passthrough, type RequestHandler } from "msw";
import { TestingError } from "./errors.js";
import { RecordedRoutes, type NetworkSource, type RouteOptions } from "./match.js";

/**
 * Options of {@link handlersFromRecording}.
 * @see handlersFromRecording
 */
export interface HandlersOptions extends RouteOptions {
  /**
   * What the catch-all does with a request that has no recorded answer: `"error"` answers a 500
   * naming the request and the recorded routes (and logs it), `"warn"` logs and lets it through,
   * `"bypass"` lets it through silently. Default `"error"`.
   */
  onUnhandledRequest?: "error" | "warn" | "bypass";
  /** Where warnings go (default `console.warn`). */
  log?: (message: string) => void;
}

/** msw handlers plus what they served, for assertions. @see handlersFromRecording */
export interface RecordingHandlers extends Array<RequestHandler> {
  /** The route table and the served/unmatched request log. */
  readonly routes: RecordedRoutes;
  /** Why the list holds only the catch-all, when the recording has no network data. */
  readonly message: string | null;
}

/**
 * msw v2 handlers answering each request the recording made with its recorded response (status,
 * headers, body), in recorded order per route (method + URL, see {@link MatchStrategy}), then the
 * last one again (or unmatched, with `whenExhausted: "unmatched"`), plus one catch-all applying
 * `onUnhandledRequest`. Use with `setupServer(...handlers)` (Node) or `setupWorker(...handlers)`.
 *
 * A recording without network data (network capture off) gives just the catch-all, and
 * `handlers.message` says why.
 * @see RecordedRoutes
 * @see NetworkSource
 */
export function handlersFromRecording(rec: NetworkSource, opts: HandlersOptions = {}): RecordingHandlers {
  const strategy = opts.onUnhandledRequest ?? "error";
  if (!["error", "warn", "bypass"].includes(strategy))
    throw new TestingError(
      "INVALID_OPTIONS",
      `onUnhandledRequest must be "error", "warn" or "bypass", got ${JSON.stringify(strategy)}.`,
    );
  const routes = new RecordedRoutes(rec, opts);
  const sessionId = routes.sessionId;
  const log = opts.log ?? ((m: string) => console.warn(m));
  const message =
    routes.size === 0
      ? `Recording ${sessionId} has no recorded network responses (posthog-js network capture with ` +
        `headers/bodies was off, or the app made no fetch/XHR calls); every request goes to the catch-all.`
      : null;
  const describeRoutes = () => (routes.keys.length > 0 ? routes.keys.join(", ") : "none");
  const warnedBodies = new Set<string>();
  const handler = http.all("*", ({ request }) => {
    const recorded = routes.take(request.url, request.method);
    if (recorded) {
      const route = `${request.method} ${request.url}`;
      // Once per recorded request, however often the app asks for it.
      const recordedKey = `${recorded.entry.method} ${recorded.entry.url}`;
      if (recorded.bodyUnavailable !== undefined && !warnedBodies.has(recordedKey)) {
        warnedBodies.add(recordedKey);
        log(
          `[replay-devkit] The recording has no body for ${route} (${recorded.bodyUnavailable}); serving ` +
            `status ${recorded.status} with an empty body. Give this request your own handler ` +
            `(server.use(http.get(…))) if the app needs the body.`,
        );
      }
      return new HttpResponse(recorded.body, { status: recorded.status, headers: recorded.headers });
    }
    const text =
      `[replay-devkit] No recorded response for ${request.method} ${request.url} in recording ${sessionId}. ` +
      `Recorded routes: ${describeRoutes()}.${message ? ` ${message}` : ""}`;
    if (strategy === "bypass") return passthrough();
    log(text);
    if (strategy === "warn") return passthrough();
    return HttpResponse.json(
      { error: { code: "UNHANDLED_REQUEST", message: text } },
      { status: 500, headers: { "x-replay-devkit": "unhandled" } },
    );
  });
  const list = [handler] as unknown as RecordingHandlers;
  Object.defineProperty(list, "routes", { value: routes, enumerable: false });
  Object.defineProperty(list, "message", { value: message, enumerable: false });
  return list;
}
