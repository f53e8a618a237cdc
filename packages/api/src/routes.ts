/**
 * Every JSON API path the server answers, as route patterns (`:id` is one path segment). The
 * server's route table, the inspector, the CLI and the end-to-end client build their URLs from these.
 */
export const API_ROUTES = {
  health: "/health",
  recordings: "/api/recordings",
  recording: "/api/recordings/:id",
  events: "/api/recordings/:id/events",
  eventsNdjson: "/api/recordings/:id/events.ndjson",
  posthogEvents: "/api/recordings/:id/posthog-events",
  logs: "/api/recordings/:id/logs",
  export: "/api/recordings/:id/export",
  findings: "/api/recordings/:id/findings",
  timeline: "/api/recordings/:id/timeline",
  profile: "/api/recordings/:id/profile",
  /** Every asset URL the recording referenced, pinned or missing (and why). */
  assets: "/api/recordings/:id/assets",
  /** One pinned copy, by the sha256 of its bytes (only copies this recording points at). */
  asset: "/api/recordings/:id/assets/:sha256",
  /** With a server token: a signed, expiring grant to read this one recording. */
  share: "/api/recordings/:id/share",
  /** With a server token: the inspector's sign-in form, and sign in / out. */
  signIn: "/sign-in",
  session: "/api/session",
  import: "/api/import",
  rrweb: "/api/rrweb",
  rrwebSession: "/api/rrweb/:sessionId",
  stream: "/api/stream",
  doctor: "/api/doctor",
} as const;

export type ApiRoute = keyof typeof API_ROUTES;

type ParamsOf<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamsOf<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The `:name` parameters a route pattern has, e.g. `{ id: string }` for `recording`. */
export type RouteParams<R extends ApiRoute> = { [K in ParamsOf<(typeof API_ROUTES)[R]>]: string };

/** A concrete path for a route, each parameter URL-encoded: `apiPath("export", { id })`. */
export function apiPath<R extends ApiRoute>(
  route: R,
  ...[params]: keyof RouteParams<R> extends never ? [] : [RouteParams<R>]
): string {
  const values = (params ?? {}) as Record<string, string>;
  return API_ROUTES[route].replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new TypeError(`apiPath(${route}) needs the ${name} parameter`);
    return encodeURIComponent(value);
  });
}
