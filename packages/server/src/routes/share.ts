import type { RouteContext } from "../context.js";
import { GRANT_PARAM, MAX_GRANT_TTL_MS } from "../auth.js";
import { HttpError } from "../errors.js";
import { sendJson } from "../http.js";
import { recordingOr404 } from "./recording-lookup.js";

const DEFAULT_TTL_MS = 7 * 24 * 3_600_000;

/**
 * `POST /api/recordings/:id/share?ttl=<seconds>`: a link that opens this one recording in the
 * inspector's embed view without the server token, until it expires (default 7 days, at most 30).
 * Without a server token every link already works, so there is nothing to sign.
 */
export async function shareRecording(ctx: RouteContext): Promise<void> {
  const { id } = await recordingOr404(ctx);
  const { auth } = ctx.options;
  if (!auth.enabled)
    throw new HttpError(
      "BAD_REQUEST",
      "This server runs without a token, so its links need no grant; share /embed?id=… directly.",
    );
  const raw = ctx.query.get("ttl");
  const ttlMs = raw === null ? DEFAULT_TTL_MS : Number(raw) * 1000;
  if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_GRANT_TTL_MS)
    throw new HttpError(
      "INVALID_QUERY",
      `ttl is the link's lifetime in whole seconds, from 1 to ${MAX_GRANT_TTL_MS / 1000}.`,
    );
  const grant = auth.issueGrant(id, ttlMs);
  const query = `id=${encodeURIComponent(id)}&${GRANT_PARAM}=${grant.grant}`;
  sendJson(ctx.res, 200, { ...grant, path: `/embed?${query}` });
}
