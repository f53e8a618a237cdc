import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

/**
 * Where recordings live: `--data`, else `$REPLAY_DEVKIT_DATA`, else `$XDG_DATA_HOME/replay-devkit`,
 * else `~/.local/share/replay-devkit`. The only place the CLI reads the environment for paths.
 */
export function resolveDataDir(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string {
  if (flag) return resolve(cwd, flag);
  const explicit = env.REPLAY_DEVKIT_DATA;
  if (explicit) return resolve(cwd, explicit);
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, "replay-devkit");
  return join(env.HOME || homedir(), ".local", "share", "replay-devkit");
}

export const DATABASE_FILE = "recordings.db";

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/** The PostHog personal API key `pull` sends as a Bearer token; never printed, logged or stored. */
export const POSTHOG_KEY_VARIABLE = "POSTHOG_PERSONAL_API_KEY";

export function posthogApiKey(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const key = env[POSTHOG_KEY_VARIABLE]?.trim();
  return key ? key : undefined;
}
