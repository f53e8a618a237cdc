// Shared by the ensure-*.mjs scripts: install Debian packages with apt-get (as root, or through
// passwordless sudo), or exit 1 with a message that says what to do instead.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * Makes sure `found()` is true, installing `packages` with apt-get when it is not.
 * `what` names the need in messages; `elsewhere` says what to do on a system without apt.
 */
export function ensureWithApt({ what, found, packages, elsewhere, purpose }) {
  if (found()) return;
  if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get")) {
    console.error(`[replay-devkit] ${what} is missing and this is not a Debian-like system: ${elsewhere}`);
    process.exit(1);
  }
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const run = (args) => {
    const [cmd, ...rest] = asRoot ? args : ["sudo", "-n", ...args];
    execFileSync(cmd, rest, {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  };
  console.error(`[replay-devkit] installing Debian's ${packages[0]} for ${purpose} (apt-get)…`);
  try {
    run(["apt-get", "update", "-qq"]);
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages]);
  } catch (error) {
    console.error(
      `[replay-devkit] could not install ${packages[0]} with apt-get: ${error instanceof Error ? error.message : String(error)}`,
    );
    console.error(`[replay-devkit] run as root (or with passwordless sudo), or ${elsewhere}`);
    process.exit(1);
  }
  if (!found()) {
    console.error(`[replay-devkit] apt-get finished but ${what} is still missing.`);
    process.exit(1);
  }
}
