#!/usr/bin/env node
// Installs Debian's chromium for the browser tests when it is missing. Only apt: browser tests must
// never download a browser from outside the registries (no `playwright install`).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

if (existsSync(chromium)) {
  console.error(`[replay-devkit] chromium found at ${chromium}`);
  process.exit(0);
}
if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get")) {
  console.error(
    `[replay-devkit] ${chromium} is missing and this is not a Debian-like system: install Chromium and set CHROMIUM_PATH to its binary.`,
  );
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
console.error("[replay-devkit] installing Debian's chromium for the browser tests (apt-get)…");
try {
  run(["apt-get", "update", "-qq"]);
  run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-liberation"]);
} catch (error) {
  console.error(
    `[replay-devkit] could not install chromium with apt-get: ${error instanceof Error ? error.message : String(error)}`,
  );
  console.error(
    "[replay-devkit] run as root (or with passwordless sudo), or install chromium and set CHROMIUM_PATH.",
  );
  process.exit(1);
}
if (!existsSync(chromium)) {
  console.error(`[replay-devkit] apt-get finished but ${chromium} is still missing.`);
  process.exit(1);
}
