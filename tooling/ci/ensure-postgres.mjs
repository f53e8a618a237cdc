#!/usr/bin/env node
// Installs Debian's postgresql for the storage tests when it is missing. The tests start their own private
// cluster (packages/test-utils/src/postgres.ts); the system cluster the package creates is left alone.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ensureWithApt } from "./apt.mjs";

const root = "/usr/lib/postgresql";
const found = () =>
  existsSync(root) && readdirSync(root).some((version) => existsSync(join(root, version, "bin", "initdb")));

ensureWithApt({
  what: "PostgreSQL (/usr/lib/postgresql/*/bin/initdb)",
  found,
  packages: ["postgresql"],
  purpose: "the storage tests",
  elsewhere: "install PostgreSQL's server binaries under /usr/lib/postgresql/N/bin.",
});
console.error("[replay-devkit] postgresql found in /usr/lib/postgresql");
