import { defineProject } from "vitest/config";

// End-to-end tests drive the built static export in Chromium, so they are slow by nature.
export default defineProject({
  test: {
    name: "inspector",
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
