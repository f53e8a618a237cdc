import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  decodeCaptureBody,
  groupRecordings,
  splitCaptureEvents,
  writeBundle,
  type CaptureEvent,
  type Recording,
  type SnapshotBatch,
} from "@replay-devkit/codec";
import { capturedBody, capturedRequests } from "@replay-devkit/test-utils";

export const CLI_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const BIN = fileURLToPath(new URL("../bin/replay-devkit.js", import.meta.url));

/**
 * These tests drive the built CLI; without a build they fail with this, never skip (a green run must
 * mean they ran).
 */
export function assertBuilt(): void {
  for (const file of ["dist/cli.js", "inspector/index.html"]) {
    if (!existsSync(join(CLI_ROOT, file)))
      throw new Error(`${join(CLI_ROOT, file)} is missing: run \`pnpm --filter replay-devkit build\` first.`);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with a hard timeout so a hang fails the test instead of stalling it. */
export function runCli(
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; bin?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? BIN, ...args], {
      cwd: opts.cwd ?? CLI_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`replay-devkit ${args.join(" ")} timed out\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface DevProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `dev` and resolves once it printed its URL on stdout (it is listening by then). */
export function startDev(
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; bin?: string; timeoutMs?: number } = {},
): Promise<DevProcess> {
  return startListening("dev", args, opts);
}

/** Starts `dev` or `serve` and resolves once it printed its URL on stdout (it is listening by then). */
export function startListening(
  command: "dev" | "serve",
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; bin?: string; timeoutMs?: number } = {},
): Promise<DevProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? BIN, command, ...args], {
      cwd: opts.cwd ?? CLI_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not start in time\n${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const line = /^(http:\/\/\S+)\n/m.exec(stdout);
      if (line?.[1]) {
        clearTimeout(timer);
        resolve({
          child,
          url: line[1],
          stderr: () => stderr,
          stop: async () => {
            if (child.exitCode === null) child.kill("SIGINT");
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before listening\n${stderr}`));
    });
  });
}

export async function waitForHealth(
  url: string,
  timeoutMs = 20_000,
): Promise<{ name: string; version: string }> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return (await res.json()) as { name: string; version: string };
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no /health answer from ${url}: ${String(last)}`);
}

/** The recording the real posthog-js 1.449.2 made in one run of the shared captures (A or B). */
export function capturedRecording(run: "A" | "B"): Recording {
  const snapshots: SnapshotBatch[] = [];
  const others: CaptureEvent[] = [];
  for (const request of capturedRequests()) {
    if (
      request.run !== run ||
      request.method !== "POST" ||
      !["/s/", "/e/", "/i/v0/e/"].includes(request.path)
    )
      continue;
    const body = capturedBody(request);
    if (!body) continue;
    const decoded = decodeCaptureBody(new Uint8Array(body), {
      contentType: request.content_type ?? null,
      query: request.query,
    });
    const split = splitCaptureEvents(decoded.events);
    snapshots.push(...split.snapshots);
    others.push(...split.others);
  }
  const [recording] = groupRecordings(snapshots, others);
  if (!recording) throw new Error(`the capture fixtures hold no recording for run ${run}`);
  return recording;
}

/** Saves `recording` as a bundle (so its PostHog events come along) and imports it with the CLI into `env`'s data directory. */
export async function importRecordingWithCli(
  recording: Recording,
  file: string,
  env: Record<string, string>,
): Promise<void> {
  writeFileSync(file, await writeBundle(recording, { producer: "test", redactions: [] }));
  const imported = await runCli(["import", file], { env });
  if (imported.code !== 0) throw new Error(`importing ${file} failed: ${imported.stderr}`);
}

/**
 * The session the real posthog-js 1.449.2 recorded (run A of the shared captures), saved as a bundle
 * so its PostHog events come along, and imported with the CLI into `env`'s data directory.
 */
export async function importCapturedSession(
  dir: string,
  env: Record<string, string>,
): Promise<{ id: string; bundle: string }> {
  const recording = capturedRecording("A");
  const bundle = join(dir, "session-a.zip");
  await importRecordingWithCli(recording, bundle, env);
  return { id: recording.sessionId, bundle };
}
