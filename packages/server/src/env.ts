// The only place the server reads the environment.

/** Capture mode (STYLE.md §8): when set, capture routes also write every raw body into this folder. */
export function captureDirFromEnv(): string | null {
  const dir = process.env.REPLAY_DEVKIT_CAPTURE_DIR;
  return dir && dir.trim() !== "" ? dir : null;
}

function listFromEnv(name: string): string[] {
  const value = process.env[name];
  if (!value) return [];
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Extra browser origins allowed to call the private JSON API (`REPLAY_DEVKIT_ALLOWED_ORIGINS`, comma-separated). */
export function allowedOriginsFromEnv(): string[] {
  return listFromEnv("REPLAY_DEVKIT_ALLOWED_ORIGINS");
}

/** Extra Host names accepted by the JSON API and the inspector (`REPLAY_DEVKIT_ALLOWED_HOSTS`, comma-separated). */
export function allowedHostsFromEnv(): string[] {
  return listFromEnv("REPLAY_DEVKIT_ALLOWED_HOSTS");
}
