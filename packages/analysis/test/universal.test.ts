import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The inspector bundles this package for the browser (a Next static export), so what it ships may
// import nothing from Node and nothing but the codec and privacy, which run in browsers too.
const SRC = fileURLToPath(new URL("../src", import.meta.url));
const sources = readdirSync(SRC).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
const SPECIFIER = /\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

describe("analysis runs in browsers", () => {
  it.each(sources)("%s imports only its own files, the codec and privacy", (file) => {
    const text = readFileSync(join(SRC, file), "utf8");
    const specifiers = [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2]);
    for (const s of specifiers)
      expect(s, `${file} imports ${s}`).toMatch(/^(?:\.\/[\w-]+\.js|@replay-devkit\/(?:codec|privacy))$/);
    // Node globals only through a guarded globalThis lookup.
    expect(text).not.toMatch(/(?<![.\w])(?:process|require|__dirname)\b(?!\?)/);
  });
});
