import { postgresGlobalSetup } from "@replay-devkit/test-utils";

// One private PostgreSQL cluster for the whole store test run; each test file makes its own database.
export default postgresGlobalSetup;
