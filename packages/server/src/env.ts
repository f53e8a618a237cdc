// The only place the server reads the environment.

/** Capture mode (STYLE.md §8): when set, capture routes also write every raw body into this folder. */
export function captureDirFromEnv(): string | null {
  const dir = process.env.REPLAY_DEVKIT_CAPTURE_DIR;
  return dir && dir.trim() !== "" ? dir : null;
}
