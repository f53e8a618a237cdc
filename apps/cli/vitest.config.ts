import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "cli",
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // A private PostgreSQL cluster for the team-server tests (serve --database-url).
    globalSetup: ["test/global-setup.ts"],
    // The end-to-end tests spawn the built CLI and one installs the packed tarball (a native build).
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
