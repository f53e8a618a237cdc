import { PosthogApiError } from "./errors.js";

/** Where a recording lives: the API host (the URL's origin), the project and the session. */
export interface RecordingLocation {
  /** `https://us.posthog.com`, `https://eu.posthog.com`, or a self-hosted origin (http allowed). */
  host: string;
  projectId: string;
  sessionId: string;
}

/** PostHog's own recording page paths: `/project/:id/replay/:session` (the UI link users copy). */
const REPLAY_PATH = /^\/project\/(\d+)\/replay\/([A-Za-z0-9-]{1,70})\/?$/;
/** Session ids PostHog capture accepts: at most 70 of `[A-Za-z0-9-]` (POSTHOG-PROTOCOL.md §2.2). */
const SESSION_ID = /^[A-Za-z0-9-]{1,70}$/;

/**
 * Reads a PostHog recording link such as `https://us.posthog.com/project/123/replay/<session>?t=5`.
 * The API host is the link's origin (the UI and the API share it on both clouds and on self-hosted
 * installs); the query string and fragment (`?t=5` seeks the player) are ignored.
 */
export function parseRecordingUrl(text: string): RecordingLocation {
  const url = parseHttpUrl(text, "recording URL");
  const match = REPLAY_PATH.exec(url.pathname);
  if (!match) {
    throw new PosthogApiError(
      "INVALID_URL",
      `${url.origin}${url.pathname} is not a PostHog recording link; expected …/project/<id>/replay/<session id>`,
    );
  }
  return { host: url.origin, projectId: match[1] as string, sessionId: match[2] as string };
}

/** True when the text looks like a PostHog recording link (used by the CLI to pick the source). */
export function isRecordingUrl(text: string): boolean {
  try {
    parseRecordingUrl(text);
    return true;
  } catch {
    return false;
  }
}

/** A PostHog host given on its own (`--from`): only its origin is used. */
export function parseHostUrl(text: string): string {
  return parseHttpUrl(text, "host URL").origin;
}

export function checkSessionId(text: string): string {
  if (!SESSION_ID.test(text)) {
    throw new PosthogApiError(
      "INVALID_URL",
      `${JSON.stringify(text)} is not a session id (1–70 letters, digits and dashes)`,
    );
  }
  return text;
}

export function checkProjectId(text: string): string {
  if (!/^\d+$/.test(text)) {
    throw new PosthogApiError(
      "INVALID_URL",
      `${JSON.stringify(text)} is not a PostHog project id (a number)`,
    );
  }
  return text;
}

function parseHttpUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PosthogApiError("INVALID_URL", `${JSON.stringify(text)} is not a ${what}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PosthogApiError("INVALID_URL", `${what} must be http or https, got ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new PosthogApiError("INVALID_URL", `${what} must not carry a user name or password`);
  }
  return url;
}
