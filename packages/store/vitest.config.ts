import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "store",
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // PostgreSQL and S3 round trips on a shared two-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
