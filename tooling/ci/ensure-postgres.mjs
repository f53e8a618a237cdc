#!/usr/bin/env node
// Installs Debian's postgresql for the storage tests when it is missing. The tests start their own private
// cluster (packages/test-utils/src/postgres.ts); the system cluster the package creates is left alone.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = "/usr/lib/postgresql";
const found = () =>
  existsSync(root) && readdirSync(root).some((version) => existsSync(join(root, version, "bin", "initdb")));

if (found()) {
  console.error("[replay-devkit] postgresql found in /usr/lib/postgresql");
  process.exit(0);
}
if (process.platform !== "linux" || !existsSync("/usr/bin/apt-get")) {
  console.error(
    "[replay-devkit] PostgreSQL is missing and this is not a Debian-like system: install PostgreSQL server binaries under /usr/lib/postgresql/N/bin.",
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
console.error("[replay-devkit] installing Debian's postgresql for the storage tests (apt-get)…");
try {
  run(["apt-get", "update", "-qq"]);
  run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"]);
} catch (error) {
  console.error(
    `[replay-devkit] could not install postgresql with apt-get: ${error instanceof Error ? error.message : String(error)}`,
  );
  console.error("[replay-devkit] run as root (or with passwordless sudo), or install postgresql yourself.");
  process.exit(1);
}
if (!found()) {
  console.error("[replay-devkit] apt-get finished but /usr/lib/postgresql/*/bin/initdb is still missing.");
  process.exit(1);
}
