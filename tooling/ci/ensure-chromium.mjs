#!/usr/bin/env node
// Installs Debian's chromium for the browser tests when it is missing. Only apt: browser tests must
// never download a browser from outside the registries (no `playwright install`).
import { existsSync } from "node:fs";
import { ensureWithApt } from "./apt.mjs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

ensureWithApt({
  what: chromium,
  found: () => existsSync(chromium),
  packages: ["chromium", "fonts-liberation"],
  purpose: "the browser tests",
  elsewhere: "install Chromium and set CHROMIUM_PATH to its binary.",
});
console.error(`[replay-devkit] chromium found at ${chromium}`);
