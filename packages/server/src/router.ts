import type { Route } from "./context.js";
import { HttpError } from "./errors.js";
import { ROUTES } from "./routes/index.js";

// Matching a request target against the route table: the path split into decoded segments, and
// each route's pattern (`:param`, `*rest`) compiled once.

export interface CompiledRoute extends Route {
  parts: string[];
}

export const COMPILED_ROUTES: readonly CompiledRoute[] = ROUTES.map((route) => ({
  ...route,
  parts: route.path.split("/").filter((p) => p !== ""),
}));

export function matchRoute(
  parts: readonly string[],
  segments: readonly string[],
): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part.startsWith("*")) {
      if (segments.length <= i) return null;
      params[part.slice(1)] = segments.slice(i).join("/");
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return null;
    if (part.startsWith(":")) params[part.slice(1)] = segment;
    else if (part !== segment) return null;
  }
  return segments.length === parts.length ? params : null;
}

export function parseTarget(raw: string): { pathname: string; query: URLSearchParams; segments: string[] } {
  let target = raw;
  if (/^https?:\/\//i.test(target)) {
    const url = new URL(target);
    target = url.pathname + url.search;
  }
  if (!target.startsWith("/"))
    throw new HttpError("INVALID_PATH", "The request target must be a path starting with /.");
  const q = target.indexOf("?");
  const pathname = q === -1 ? target : target.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : target.slice(q + 1));
  const segments: string[] = [];
  for (const part of pathname.split("/")) {
    if (part === "") continue;
    try {
      segments.push(decodeURIComponent(part));
    } catch {
      throw new HttpError("INVALID_PATH", "The path has malformed percent-encoding.");
    }
  }
  return { pathname, query, segments };
}
