import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "privacy",
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
