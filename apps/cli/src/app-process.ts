import { spawn, type ChildProcess } from "node:child_process";
import type { AppLogLine } from "@replay-devkit/store";
import { CliError } from "./errors.js";

/** The names frameworks read a PostHog host from, so an unmodified app finds the devkit. */
export const APP_ENV_NAMES = [
  "REPLAY_DEVKIT_URL",
  "POSTHOG_HOST",
  "NEXT_PUBLIC_POSTHOG_HOST",
  "VITE_POSTHOG_HOST",
  "PUBLIC_POSTHOG_HOST",
] as const;

export interface AppEnv {
  env: Record<string, string | undefined>;
  /** Variables this run set to the devkit's URL. */
  set: string[];
  /** Variables the user had already set, left as they were. */
  kept: string[];
}

/**
 * The child's environment: the user's, plus the devkit URL under every name not already set. The
 * child's output goes through a pipe, so tools would turn colour off; FORCE_COLOR asks them to keep
 * it when our own terminal shows colour (and the user did not say otherwise).
 */
export function appEnv(
  base: Readonly<Record<string, string | undefined>>,
  url: string,
  colour: boolean,
): AppEnv {
  const env: Record<string, string | undefined> = { ...base };
  const set: string[] = [];
  const kept: string[] = [];
  for (const name of APP_ENV_NAMES) {
    if (base[name] !== undefined) kept.push(name);
    else {
      env[name] = url;
      set.push(name);
    }
  }
  if (colour && base.FORCE_COLOR === undefined && base.NO_COLOR === undefined) env.FORCE_COLOR = "1";
  return { env, set, kept };
}

// CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** The line as a person reads it: escape sequences and carriage-return redraws removed. */
export function plainText(line: string): string {
  const text = line.replace(ANSI, "");
  // A progress bar redraws with \r; what is left after the last one is what the terminal showed.
  const lastCr = text.lastIndexOf("\r");
  return lastCr === -1 ? text : text.slice(lastCr + 1);
}

/**
 * Splits a byte stream into lines. A partial line is held until its newline, or until the stream
 * is quiet for `idleMs` (a prompt without a newline must still show), or until it reaches
 * `maxLineBytes` (a child printing megabytes without a newline cannot grow our memory).
 */
export class LineSplitter {
  private pending = "";
  private timer: NodeJS.Timeout | null = null;
  private readonly decoder = new TextDecoder("utf-8");

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly opts: { idleMs: number; maxLineChars: number } = {
      idleMs: 200,
      maxLineChars: 64 * 1024,
    },
  ) {}

  push(chunk: Uint8Array): void {
    let text = this.pending + this.decoder.decode(chunk, { stream: true });
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      this.emit(text.slice(0, newline));
      text = text.slice(newline + 1);
      newline = text.indexOf("\n");
    }
    while (text.length >= this.opts.maxLineChars) {
      this.emit(text.slice(0, this.opts.maxLineChars));
      text = text.slice(this.opts.maxLineChars);
    }
    this.pending = text;
    this.arm();
  }

  /** Emits whatever is held (stream end). */
  end(): void {
    this.pending += this.decoder.decode();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending !== "") this.emit(this.pending);
    this.pending = "";
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === "") return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.pending === "") return;
      const line = this.pending;
      this.pending = "";
      this.emit(line);
    }, this.opts.idleMs);
    this.timer.unref();
  }

  private emit(line: string): void {
    this.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  }
}

export interface LogSink {
  appendAppLogs(lines: readonly AppLogLine[]): { stored: number; dropped: number; truncated: number };
}

/**
 * Collects lines and writes them in one store call per flush (every `intervalMs`, or sooner at
 * `maxBatch` lines), so a chatty dev server costs one transaction per interval, not one per line.
 * The queue is bounded: if the store keeps failing, the oldest unsaved lines are dropped.
 */
export class LogBatcher {
  private queue: AppLogLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lostToErrors = 0;
  private warnedDrop = false;
  private warnedError = false;
  flushes = 0;

  constructor(
    private readonly sink: LogSink,
    private readonly warn: (message: string) => void,
    private readonly opts: { intervalMs: number; maxBatch: number; maxQueue: number } = {
      intervalMs: 250,
      maxBatch: 2000,
      maxQueue: 20_000,
    },
  ) {}

  add(line: AppLogLine): void {
    if (this.queue.length >= this.opts.maxQueue) {
      this.queue.shift();
      this.lostToErrors++;
    }
    this.queue.push(line);
    if (this.queue.length >= this.opts.maxBatch) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.opts.intervalMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    try {
      const result = this.sink.appendAppLogs(batch);
      this.queue = [];
      this.flushes++;
      if (result.dropped > 0 && !this.warnedDrop) {
        this.warnedDrop = true;
        this.warn(
          "the app prints more lines a minute than replay-devkit stores; the rest of each such minute is shown here but not kept",
        );
      }
    } catch (error) {
      // Keep the lines for the next flush (a BUSY database is usually brief); the queue bound
      // caps what that can cost.
      if (!this.warnedError) {
        this.warnedError = true;
        this.warn(
          `cannot store the app's log lines (${error instanceof Error ? error.message : String(error)}); retrying`,
        );
      }
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.flush();
        }, this.opts.intervalMs);
        this.timer.unref();
      }
    }
  }

  /** Lines dropped because the queue was full while the store refused writes. */
  get lost(): number {
    return this.lostToErrors;
  }

  close(): void {
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningApp {
  child: ChildProcess;
  /** Resolves when the child exited and its output was read to the end. */
  exited: Promise<AppExit>;
  /** SIGTERM to the child's process group, SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs: number): Promise<AppExit>;
  /** Skips the rest of the grace period (a second Ctrl-C). */
  kill(): void;
}

export interface StartAppOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Called for every complete line, in order per stream. */
  onLine: (stream: "stdout" | "stderr", line: string) => void;
}

/**
 * Spawns the app without a shell, in its own process group so that stopping it also stops what it
 * started (`npm run dev` → sh → next) and so that the terminal's Ctrl-C reaches only the devkit,
 * which then stops the app first. Rejects with a CliError when the command cannot be started.
 */
export function startApp(opts: StartAppOptions): Promise<RunningApp> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(opts.command, [...opts.args], {
        cwd: opts.cwd,
        env: opts.env,
        // No stdin: a background process group reading the terminal would be stopped by SIGTTIN.
        stdio: ["ignore", "pipe", "pipe"],
        detached: process.platform !== "win32",
        shell: false,
      });
    } catch (error) {
      reject(spawnError(opts.command, error));
      return;
    }
    const splitters = {
      stdout: new LineSplitter((line) => opts.onLine("stdout", line)),
      stderr: new LineSplitter((line) => opts.onLine("stderr", line)),
    };
    let started = false;
    let exitInfo: AppExit | null = null;
    let resolveExit!: (exit: AppExit) => void;
    const exited = new Promise<AppExit>((done) => (resolveExit = done));
    child.stdout?.on("data", (chunk: Buffer) => splitters.stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => splitters.stderr.push(chunk));
    child.stdout?.on("end", () => splitters.stdout.end());
    child.stderr?.on("end", () => splitters.stderr.end());
    child.once("error", (error) => {
      if (!started) reject(spawnError(opts.command, error));
    });
    // "close" waits for both pipes to end, so every line has been handed on by then.
    child.once("close", (code, signal) => {
      exitInfo = { code, signal };
      process.off("exit", killOnExit);
      resolveExit(exitInfo);
    });
    const killGroup = (signal: NodeJS.Signals) => {
      if (exitInfo || child.pid === undefined) return;
      try {
        if (process.platform === "win32") child.kill(signal);
        else process.kill(-child.pid, signal);
      } catch {
        // Already gone (ESRCH), or the group leader exited and left no group to signal.
        try {
          child.kill(signal);
        } catch {
          // Nothing left to stop.
        }
      }
    };
    // If the devkit dies without stopping the app (an uncaught error), the app must not outlive it.
    const killOnExit = () => killGroup("SIGKILL");
    child.once("spawn", () => {
      started = true;
      process.on("exit", killOnExit);
      resolve({
        child,
        exited,
        kill: () => killGroup("SIGKILL"),
        stop(graceMs) {
          if (exitInfo) return Promise.resolve(exitInfo);
          killGroup("SIGTERM");
          const timer = setTimeout(() => killGroup("SIGKILL"), graceMs);
          return exited.finally(() => clearTimeout(timer));
        },
      });
    });
  });
}

function spawnError(command: string, error: unknown): CliError {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const shellHint =
    "The command after `--` runs without a shell: for `&&`, pipes or `$VARS` use `-- sh -c '…'`.";
  if (code === "ENOENT") {
    return new CliError(
      "REPLAY_DEVKIT_FILE_NOT_FOUND",
      `cannot start the app: ${command}: command not found`,
      {
        hint: `Check the spelling and that it is on your PATH (or give its path, e.g. ./node_modules/.bin/${command}). ${shellHint}`,
        cause: error,
      },
    );
  }
  if (code === "EACCES") {
    return new CliError("REPLAY_DEVKIT_IO", `cannot start the app: ${command}: permission denied`, {
      hint: "Make the file executable (chmod +x) or run it through its interpreter (e.g. `-- node app.js`).",
      cause: error,
    });
  }
  return new CliError(
    "REPLAY_DEVKIT_IO",
    `cannot start the app: ${command}: ${error instanceof Error ? error.message : String(error)}`,
    { hint: shellHint, cause: error },
  );
}
