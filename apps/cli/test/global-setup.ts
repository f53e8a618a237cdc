import { postgresGlobalSetup } from "@replay-devkit/test-utils";

// One private PostgreSQL cluster for the CLI's team-server tests; each test file makes its own database.
export default postgresGlobalSetup;
