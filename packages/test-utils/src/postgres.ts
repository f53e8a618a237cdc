import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { TestUtilsError } from "./errors.js";
import { freePort } from "./ports.js";

const run = promisify(execFile);

/** A private PostgreSQL cluster started for a test run. Never the system cluster. */
export interface TestPostgres {
  host: string;
  port: number;
  /** `postgres://postgres@127.0.0.1:PORT/DATABASE` (trust auth, no password). */
  url(database?: string): string;
  /** Creates a fresh, empty database and returns its URL. Names are generated when not given. */
  createDatabase(name?: string): Promise<string>;
  /** `pg_ctl stop -m fast`, then the data directory is removed. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Where a cluster started by `startPostgres()` listens: what a vitest globalSetup `provide`s to tests. */
export interface PostgresAddress {
  host: string;
  port: number;
}

/**
 * The newest Debian PostgreSQL binaries (/usr/lib/postgresql/N/bin), installed by
 * tooling/ci/ensure-postgres.mjs. Throws a clear error when they are missing.
 */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new TestUtilsError(
      "POSTGRES_MISSING",
      "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb), so the PostgreSQL tests cannot run. " +
        "Install Debian's postgresql with `node tooling/ci/ensure-postgres.mjs` (the test:ci command does this).",
    );
  }
  return join(root, newest, "bin");
}

let databaseCounter = 0;

/**
 * Starts a private cluster: initdb into a temp dir (owned by the postgres user when we are root, since the
 * server refuses to run as root), then pg_ctl on a free loopback port with its socket in that dir.
 * Prefer one per vitest run (see `postgresGlobalSetup`) and one database per test file.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const dir = mkdtempSync(join(tmpdir(), "replay-devkit-pg-"));
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const pgCommand = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);
  const host = "127.0.0.1";
  let port = 0;
  try {
    await pgCommand("initdb", ["-D", dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"]);
    // Another process can take the port between freePort() and the server's bind: try a few.
    for (let attempt = 0; ; attempt += 1) {
      port = await freePort();
      try {
        await pgCommand("pg_ctl", [
          "-D",
          dir,
          "-l",
          join(dir, "server.log"),
          "-o",
          `-c listen_addresses=${host} -p ${port} -k ${dir} -c fsync=off`,
          "-w",
          "start",
        ]);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new TestUtilsError(
      "POSTGRES_START_FAILED",
      `Could not start a private PostgreSQL cluster in ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      const args = ["-D", dir, "-m", "fast", "-w", "stop"];
      if (asRoot)
        execFileSync("runuser", ["-u", "postgres", "--", join(bin, "pg_ctl"), ...args], { stdio: "ignore" });
      else execFileSync(join(bin, "pg_ctl"), args, { stdio: "ignore" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test run that dies without its teardown still must not leave a cluster running.
  process.once("exit", stopSync);
  const url = (database = "postgres") =>
    `postgres://postgres@${host}:${port}/${encodeURIComponent(database)}`;
  const stop = async () => {
    process.removeListener("exit", stopSync);
    stopSync();
  };
  return {
    host,
    port,
    url,
    createDatabase: (name) => createDatabase({ host, port }, name),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * A fresh database on a running cluster (one started by `startPostgres()`, possibly in another process),
 * made with Debian's createdb so test-utils needs no PostgreSQL client library.
 */
export async function createDatabase(address: PostgresAddress, name?: string): Promise<string> {
  databaseCounter += 1;
  const database = name ?? `t_${process.pid}_${Date.now().toString(36)}_${databaseCounter}`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
    throw new TestUtilsError("POSTGRES_START_FAILED", `"${database}" is not a plain database name.`);
  }
  await run(join(postgresBinDir(), "createdb"), [
    "-h",
    address.host,
    "-p",
    String(address.port),
    "-U",
    "postgres",
    database,
  ]);
  return `postgres://postgres@${address.host}:${address.port}/${database}`;
}

/** The part of vitest's TestProject a global setup needs (structural, so test-utils does not import vitest). */
interface ProvidingProject {
  provide(key: "postgres", value: PostgresAddress): void;
}

/**
 * A vitest `globalSetup` body: one cluster for the whole run, its address provided as `inject("postgres")`,
 * stopped at teardown. Each test file then calls `createDatabase(inject("postgres"))` for its own database.
 */
export async function postgresGlobalSetup(project: ProvidingProject): Promise<() => Promise<void>> {
  const cluster = await startPostgres();
  project.provide("postgres", { host: cluster.host, port: cluster.port });
  return () => cluster.stop();
}
