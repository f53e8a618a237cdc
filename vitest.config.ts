import { defineConfig } from "vitest/config";

// One root config: each workspace package with tests declares its own project (name, environment,
// timeouts) in its vitest.config.ts; `pnpm vitest run --project codec` runs one of them.
export default defineConfig({
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "apps/*/vitest.config.ts",
      "examples/*/vitest.config.ts",
      "tooling/ci/vitest.config.ts",
    ],
  },
});
