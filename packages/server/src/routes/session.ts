import type { RouteContext } from "../context.js";
import { Auth } from "../auth.js";
import { HttpError } from "../errors.js";
import { readBody, send, sendJson } from "../http.js";

const MAX_SIGN_IN_BODY = 4096;

/** A relative path on this server to go back to after signing in; anything else goes to `/`. */
function safeNext(value: string | null): string {
  if (value === null || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return "/";
  return value.slice(0, 2000);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The inspector's sign-in page: a form that posts the token once and gets an HttpOnly cookie back.
 * Served with 401 wherever a signed-out browser asks for an inspector page.
 */
export function signInPage(next: string, failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self'">
<title>Sign in · replay-devkit</title>
<style>body{font:15px system-ui,sans-serif;max-width:28rem;margin:12vh auto;padding:0 1rem;color:#1f2328}
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;margin:.5rem 0 1rem}
button{padding:.5rem 1rem;font:inherit}.error{color:#b42318}</style></head>
<body><h1>replay-devkit</h1>
<p>This server keeps your team's recordings. Enter its token (the <code>--token</code> it was started with, or <code>REPLAY_DEVKIT_TOKEN</code>).</p>
${failed ? '<p class="error" role="alert">That token is not this server\'s token.</p>' : ""}
<form method="post" action="/api/session">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<label for="token">Token</label><input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></body></html>
`;
}

/** `GET /sign-in`: the form (200 here; other inspector pages serve it with 401 when signed out). */
export function signInForm(ctx: RouteContext): void {
  send(ctx.res, 200, signInPage(safeNext(ctx.query.get("next")), ctx.query.has("failed")), {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
}

/**
 * `POST /api/session`: a form post (`token`, `next`) or JSON `{"token"}`. A right token sets the
 * session cookie; a form is redirected back, JSON gets `{"ok":true}`. A wrong token is a 401 (the
 * form is sent back to the page with a note).
 */
export async function signIn(ctx: RouteContext): Promise<void> {
  const { auth } = ctx.options;
  if (!auth.enabled)
    throw new HttpError("NOT_FOUND", "This server has no token, so there is nothing to sign in to.");
  const body = await readBody(ctx.req, MAX_SIGN_IN_BODY);
  const type = String(ctx.req.headers["content-type"] ?? "").toLowerCase();
  const form = type.startsWith("application/x-www-form-urlencoded");
  let token: unknown;
  let next = "/";
  if (form) {
    const fields = new URLSearchParams(body.toString("utf8"));
    token = fields.get("token");
    next = safeNext(fields.get("next"));
  } else {
    try {
      token = (JSON.parse(body.toString("utf8")) as { token?: unknown }).token;
    } catch {
      throw new HttpError("INVALID_BODY", 'Sign in with a form field `token` or a JSON body {"token": "…"}.');
    }
  }
  const ok = typeof token === "string" && auth.tokenMatches(token);
  if (!ok) {
    if (form) {
      ctx.res.writeHead(303, { location: `/sign-in?failed=1&next=${encodeURIComponent(next)}` });
      ctx.res.end();
      return;
    }
    throw new HttpError("UNAUTHORIZED", "That is not this server's token.");
  }
  const secure = ctx.req.headers["x-forwarded-proto"] === "https" || "encrypted" in ctx.req.socket;
  ctx.res.setHeader("set-cookie", auth.sessionCookie(secure));
  if (form) {
    ctx.res.writeHead(303, { location: next });
    ctx.res.end();
    return;
  }
  sendJson(ctx.res, 200, { ok: true });
}

/** `DELETE /api/session`: signs the browser out. */
export function signOut(ctx: RouteContext): void {
  ctx.res.setHeader("set-cookie", Auth.clearedCookie());
  sendJson(ctx.res, 200, { ok: true });
}
