import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "s3",
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
