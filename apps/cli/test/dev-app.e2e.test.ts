// `replay-devkit dev -- <command>`, driven through the built CLI: the app gets the devkit's URL,
// its output is prefixed on the terminal and stored with timestamps, and stopping is orderly.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "@replay-devkit/store";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { BIN, CLI_ROOT, freePort, runCli } from "./helpers.js";

const dirs: TempDir[] = [];
const children: ChildProcess[] = [];
function dataDir(): string {
  const dir = tempDir("cli-dev-app-");
  dirs.push(dir);
  return dir.path;
}
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) dir.cleanup();
});

// Without the user's own values, so "set" and "kept" are decided by the test alone.
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/POSTHOG_HOST$|^REPLAY_DEVKIT_/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

function storedLines(dir: string) {
  const store = openStore(join(dir, "recordings.db"), { readonly: true });
  try {
    return store.appLogs({ limit: 5000 }).lines;
  } finally {
    store.close();
  }
}

interface Live {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, what: "out" | "err", timeoutMs?: number): Promise<RegExpExecArray>;
}

function startLive(args: readonly string[], env: Record<string, string>): Live {
  const child = spawn(process.execPath, [BIN, "dev", ...args], {
    cwd: CLI_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    out: () => out,
    err: () => err,
    exited,
    async waitFor(pattern, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(what === "out" ? out : err);
        if (match) return match;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no ${String(pattern)} on ${what}\nstdout:\n${out}\nstderr:\n${err}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const PRINTER = `
for (const k of ["REPLAY_DEVKIT_URL","POSTHOG_HOST","NEXT_PUBLIC_POSTHOG_HOST","VITE_POSTHOG_HOST","PUBLIC_POSTHOG_HOST"])
  console.log("ENV " + k + "=" + process.env[k]);
console.error("Error: boom in handler");
process.stdout.write("GET /api/cart 500\\r\\nno newline at the end");
setTimeout(() => process.exit(7), 300);
`;

describe("dev -- <command>", () => {
  it("passes the URL in the environment, keeps user values, prefixes and stores output, propagates --exit-with-app", async () => {
    const dir = dataDir();
    const before = Date.now();
    const result = await runCli(
      ["dev", "--port", "0", "--data", dir, "--exit-with-app", "--", process.execPath, "-e", PRINTER],
      { env: cleanEnv({ VITE_POSTHOG_HOST: "http://mine.test:1234" }) },
    );
    const after = Date.now();
    expect(result.code, result.stderr).toBe(7);
    const url = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(result.stdout)?.[1];
    expect(url).toBeDefined();
    for (const name of [
      "REPLAY_DEVKIT_URL",
      "POSTHOG_HOST",
      "NEXT_PUBLIC_POSTHOG_HOST",
      "PUBLIC_POSTHOG_HOST",
    ]) {
      expect(result.stdout).toContain(`app │ ENV ${name}=${url}\n`);
    }
    expect(result.stdout).toContain("app │ ENV VITE_POSTHOG_HOST=http://mine.test:1234\n");
    expect(result.stderr).toContain("kept your VITE_POSTHOG_HOST=http://mine.test:1234");
    expect(result.stderr).toMatch(
      /app environment: REPLAY_DEVKIT_URL, POSTHOG_HOST, NEXT_PUBLIC_POSTHOG_HOST, PUBLIC_POSTHOG_HOST=/,
    );
    expect(result.stderr).toContain("app │ Error: boom in handler\n");
    expect(result.stdout).toContain("app │ GET /api/cart 500\n");
    expect(result.stdout).toContain("app │ no newline at the end\n");
    expect(result.stderr).toContain("the app exited with code 7");

    // The devkit closed the database before exiting (a read-only reader below would keep the WAL).
    expect(existsSync(join(dir, "recordings.db-wal"))).toBe(false);
    const lines = storedLines(dir);
    // Order holds within a stream; across the two pipes it depends on which the OS delivers first.
    expect(lines.filter((l) => l.stream === "stdout").map((l) => l.text)).toEqual([
      ...[
        "REPLAY_DEVKIT_URL",
        "POSTHOG_HOST",
        "NEXT_PUBLIC_POSTHOG_HOST",
        "VITE_POSTHOG_HOST",
        "PUBLIC_POSTHOG_HOST",
      ].map((name) => `ENV ${name}=${name === "VITE_POSTHOG_HOST" ? "http://mine.test:1234" : url}`),
      "GET /api/cart 500",
      "no newline at the end",
    ]);
    expect(lines.filter((l) => l.stream === "stderr").map((l) => l.text)).toEqual(["Error: boom in handler"]);
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      expect(line.timestamp).toBeGreaterThanOrEqual(before);
      expect(line.timestamp).toBeLessThanOrEqual(after);
    }
  });

  it("SIGINT stops the app first (its last words are stored), then the devkit, leaving no WAL", async () => {
    const dir = dataDir();
    const pidFile = join(dir, "app.pid");
    const app = `
      require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
      console.log("ready");
      process.on("SIGTERM", () => { console.log("got SIGTERM, closing"); process.exit(0); });
      setInterval(() => {}, 1000);
    `;
    const live = startLive(["--port", "0", "--data", dir, "--", process.execPath, "-e", app], cleanEnv());
    const url = (await live.waitFor(/^(http:\/\/\S+)$/m, "out"))[1]!;
    await live.waitFor(/app │ ready/, "out");
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(alive(pid)).toBe(true);
    expect((await fetch(`${url}/health`)).ok).toBe(true);

    live.child.kill("SIGINT");
    expect(await live.exited).toBe(0);
    expect(live.out()).toContain("app │ got SIGTERM, closing");
    expect(live.err()).toMatch(
      /SIGINT received, stopping the app[\s\S]*the app exited with code 0[\s\S]*replay-devkit stopped/,
    );
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dir, "recordings.db-wal"))).toBe(false);
    expect(storedLines(dir).map((l) => l.text)).toEqual(["ready", "got SIGTERM, closing"]);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it("a second SIGINT kills an app that ignores SIGTERM, grandchildren included", async () => {
    const dir = dataDir();
    const pidFile = join(dir, "grandchild.pid");
    // The app starts a grandchild (like `npm run dev` starting next) and ignores SIGTERM.
    const app = `
      const { spawn } = require("child_process");
      const g = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
      require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      process.on("SIGTERM", () => console.log("ignoring SIGTERM"));
      console.log("ready");
      setInterval(() => {}, 1000);
    `;
    const live = startLive(["--port", "0", "--data", dir, "--", process.execPath, "-e", app], cleanEnv());
    await live.waitFor(/app │ ready/, "out");
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    live.child.kill("SIGINT");
    await live.waitFor(/app │ ignoring SIGTERM/, "out");
    live.child.kill("SIGINT");
    expect(await live.exited).toBe(0);
    expect(live.err()).toContain("the app was stopped by SIGKILL");
    // The whole process group went, not only the direct child.
    for (let i = 0; i < 40 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(grandchild)).toBe(false);
  });

  it("keeps the devkit running when the app exits on its own, and says so", async () => {
    const dir = dataDir();
    const live = startLive(
      ["--port", "0", "--data", dir, "--", process.execPath, "-e", "console.log('bye'); process.exit(4)"],
      cleanEnv(),
    );
    const url = (await live.waitFor(/^(http:\/\/\S+)$/m, "out"))[1]!;
    await live.waitFor(/the devkit keeps running/, "err");
    expect(live.err()).toContain("the app exited with code 4");
    expect((await fetch(`${url}/health`)).ok).toBe(true);
    // SIGTERM (a process manager) stops it like Ctrl-C.
    live.child.kill("SIGTERM");
    expect(await live.exited).toBe(0);
    expect(live.err()).toContain("SIGTERM received, stopping the devkit");
    expect(existsSync(join(dir, "recordings.db-wal"))).toBe(false);
  });

  it("runs the app against a devkit already on the port and stores its lines in the shared file", async () => {
    const dir = dataDir();
    const port = await freePort();
    const running = startLive(["--port", String(port), "--data", dir], cleanEnv());
    const url = (await running.waitFor(/^(http:\/\/\S+)$/m, "out"))[1]!;
    const result = await runCli(
      [
        "dev",
        "--port",
        String(port),
        "--data",
        dir,
        "--exit-with-app",
        "--",
        process.execPath,
        "-e",
        "console.log('via ' + process.env.POSTHOG_HOST); process.exit(5)",
      ],
      { env: cleanEnv() },
    );
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toContain("already running");
    expect(result.stdout).toContain(`app │ via ${url}\n`);
    expect(storedLines(dir).map((l) => l.text)).toEqual([`via ${url}`]);
    running.child.kill("SIGINT");
    expect(await running.exited).toBe(0);
  });

  it("fails clearly, with exit 3 and no server left, when the command does not exist", async () => {
    const dir = dataDir();
    const result = await runCli(
      ["dev", "--port", "0", "--data", dir, "--", "replay-devkit-no-such-app", "--flag"],
      {
        env: cleanEnv(),
      },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("cannot start the app: replay-devkit-no-such-app: command not found");
    expect(result.stderr).toContain("REPLAY_DEVKIT_FILE_NOT_FOUND");
    expect(result.stderr).toContain("sh -c");
  });

  it("treats everything after -- as the app's, and asks for -- when it is missing", async () => {
    const dir = dataDir();
    // `--debug` and `--port` after `--` are the app's arguments, not ours.
    const ok = await runCli(
      [
        "dev",
        "--port",
        "0",
        "--data",
        dir,
        "--exit-with-app",
        "--",
        process.execPath,
        "-e",
        "console.log(process.argv.slice(1).join(' '))",
        "--",
        "--port",
        "1",
        "--debug",
      ],
      { env: cleanEnv() },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("app │ --port 1 --debug\n");

    const missing = await runCli(["dev", "--data", dir, "node", "server.js"], { env: cleanEnv() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("replay-devkit dev -- node server.js");
    const empty = await runCli(["dev", "--data", dir, "--"], { env: cleanEnv() });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("nothing after `--`");
    const lone = await runCli(["dev", "--data", dir, "--exit-with-app"], { env: cleanEnv() });
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain("--exit-with-app needs");
  });
});
