import { defineProject } from "vitest/config";

// Browser tests render real videos in Chromium: slow by nature.
export default defineProject({
  test: {
    name: "video",
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
