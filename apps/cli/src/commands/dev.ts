import { mkdirSync } from "node:fs";
import { appEnv, LogBatcher, plainText, startApp, type AppExit, type RunningApp } from "../app-process.js";
import { cliVersion, posthogJsVersion } from "../assets.js";
import { defineCommand, parseIntegerOption, usageError, type CommandContext } from "../command.js";
import { databasePath, resolveDataDir } from "../env.js";
import { CliError, toCliError, type ExitCode } from "../errors.js";
import { probeHealth } from "../probe.js";
import { DATA_OPTION } from "../shared.js";
import { LISTEN_OPTIONS, parsePinOrigins, pinOriginsOption, startServer, urlFor } from "../server-start.js";
import { setupText } from "../snippet.js";
import type { Diagnostic, Listening } from "@replay-devkit/server";
import type { Store } from "@replay-devkit/store";

// The SDK version is already in every line's label; its own finding would only repeat it.
const QUIET_CODES = new Set(["SDK_VERSION"]);
const MAX_REMEMBERED = 2000;

/**
 * Prints each capture-doctor finding once, as it happens. The server already reports a code once
 * per client; remembering here too keeps a client that was forgotten and came back from repeating.
 */
export function diagnosticPrinter(stderr: { write(chunk: string): void }): (d: Diagnostic) => void {
  const printed = new Set<string>();
  return ({ client, finding }) => {
    if (QUIET_CODES.has(finding.code)) return;
    const key = `${client.id} ${finding.code}`;
    if (printed.has(key)) return;
    if (printed.size >= MAX_REMEMBERED) printed.clear();
    printed.add(key);
    const fix = finding.fix ? ` — ${finding.fix}` : "";
    stderr.write(`doctor: ${client.label}: ${finding.message}${fix}\n`);
  };
}

const APP_PREFIX = "app │ ";
// Long enough for a dev server to close its watchers and sockets; a second Ctrl-C skips it.
const STOP_GRACE_MS = 5000;

function describeExit(exit: AppExit): string {
  return exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code ?? "?"}`;
}

/** The exit status a shell would report for the app: its code, or 128 + the signal number. */
function exitStatusOf(exit: AppExit): number {
  if (exit.code !== null) return exit.code;
  const signals: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (exit.signal ? (signals[exit.signal] ?? 0) : 0);
}

/**
 * Holds SIGINT/SIGTERM from before the app is spawned until `dev` ends, so a Ctrl-C while the app
 * starts is not left to Node's default (which would exit without stopping the app).
 */
class SignalLatch {
  signalled: NodeJS.Signals | null = null;
  readonly received: Promise<void>;
  /** What a second signal does (kill the app without waiting for its grace period). */
  onRepeat: () => void = () => {};
  private resolve!: () => void;
  private readonly handler = (name: NodeJS.Signals) => {
    if (this.signalled) {
      this.onRepeat();
      return;
    }
    this.signalled = name;
    this.resolve();
  };

  constructor() {
    this.received = new Promise<void>((resolve) => (this.resolve = resolve));
    process.on("SIGINT", this.handler);
    process.on("SIGTERM", this.handler);
  }

  dispose(): void {
    process.off("SIGINT", this.handler);
    process.off("SIGTERM", this.handler);
  }
}

interface AppSession {
  app: RunningApp;
  batcher: LogBatcher | null;
}

/**
 * Starts the user's app next to the devkit: the devkit's URL in its environment, its output on our
 * terminal behind a prefix and (when a store is given) in the database with a timestamp per line.
 */
async function launchApp(
  ctx: CommandContext,
  argv: readonly string[],
  url: string,
  store: Store | null,
): Promise<AppSession> {
  const [command, ...args] = argv as [string, ...string[]];
  const colour = ctx.stdout.isTTY === true;
  const { env, set, kept } = appEnv(ctx.env, url, colour);
  const note = (line: string) => ctx.stderr.write(`replay-devkit: ${line}\n`);
  if (set.length > 0) note(`app environment: ${set.join(", ")}=${url}`);
  for (const name of kept) note(`app environment: kept your ${name}=${env[name] ?? ""}`);
  const batcher = store ? new LogBatcher(store, (message) => note(message)) : null;
  note(`starting the app: ${[command, ...args].join(" ")}`);
  const app = await startApp({
    command,
    args,
    cwd: ctx.cwd,
    env,
    onLine(stream, line) {
      (stream === "stdout" ? ctx.stdout : ctx.stderr).write(`${APP_PREFIX}${line}\n`);
      batcher?.add({ timestamp: Date.now(), stream, text: plainText(line) });
    },
  });
  return { app, batcher };
}

export const dev = defineCommand({
  name: "dev",
  summary: "Run the local capture server, JSON API and inspector on one port",
  description:
    "Stores what posthog-js (or plain rrweb) sends in the data directory's SQLite file and serves the inspector at the printed URL. Stop it with Ctrl-C.",
  positionals: [],
  passthrough: {
    name: "command",
    description:
      "Your app's dev command, started after the devkit (no shell, same directory) with the devkit's URL in REPLAY_DEVKIT_URL, POSTHOG_HOST, NEXT_PUBLIC_POSTHOG_HOST, VITE_POSTHOG_HOST and PUBLIC_POSTHOG_HOST (unless you set them). Its output is shown with an `app │` prefix and stored, so the inspector's Server logs tab shows it on the replay timeline. Ctrl-C stops the app first, then the devkit.",
  },
  options: {
    ...LISTEN_OPTIONS,
    token: {
      type: "string",
      valueName: "token",
      description:
        "Require this token for the API and the inspector (default $REPLAY_DEVKIT_TOKEN); needed to bind beyond loopback",
    },
    data: DATA_OPTION,
    ...pinOriginsOption(
      "Comma-separated origins (besides the page's own and loopback hosts) whose images, stylesheets and fonts are pinned, or `*` for any",
    ),
    "no-pin": {
      type: "boolean",
      description: "Do not fetch and keep copies of the assets recordings reference",
    },
    "exit-with-app": {
      type: "boolean",
      description: "With `-- <command>`: stop the devkit when the app exits, and exit with the app's code",
    },
  },
  examples: [
    "replay-devkit dev",
    "replay-devkit dev --port 9000 --data ./.replay-devkit",
    "replay-devkit dev -- npm run dev",
    "replay-devkit dev --exit-with-app -- node server.js",
  ],
  async run(ctx, { options, passthrough }) {
    const appArgv = passthrough && passthrough.length > 0 ? passthrough : null;
    const pinOrigins = parsePinOrigins(dev, options["pin-origins"], true);
    if (options["exit-with-app"] && !appArgv)
      throw usageError(dev, "--exit-with-app needs the app's command after `--`");
    const port = parseIntegerOption(dev, "port", options.port, 0, 65535);
    const host = options.host;
    if (!/^[A-Za-z0-9.:-]+$/.test(host))
      throw usageError(dev, `--host is not a host name or address: ${JSON.stringify(host)}`);
    const probeHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;

    if (port !== 0) {
      const probe = await probeHealth(probeHost, port);
      if (probe.kind === "replay-devkit") {
        const url = urlFor(host, port);
        ctx.stderr.write(`replay-devkit ${probe.version} is already running at ${url}; using it.\n`);
        ctx.stderr.write("Its capture doctor's findings: `replay-devkit doctor`.\n");
        ctx.stdout.write(`${url}\n`);
        if (appArgv)
          return runAppBesideRunningDevkit(ctx, appArgv, url, options.data, options["exit-with-app"]);
        return;
      }
      if (probe.kind === "other" || probe.kind === "silent") {
        throw new CliError(
          "REPLAY_DEVKIT_PORT_IN_USE",
          `port ${port} on ${host} is in use by another program (${probe.kind === "silent" ? "it accepted a connection but did not answer" : probe.detail})`,
          { hint: "Stop that program or pick another port with --port." },
        );
      }
    }

    const dataDir = resolveDataDir(options.data, ctx.env, ctx.cwd);
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw toCliError(error, `cannot create the data directory ${dataDir}`);
    }
    // Loaded here, not at the top: `--help` and the offline commands never pay for the store.
    const { openStore } = await import("@replay-devkit/store");
    const dbFile = databasePath(dataDir);
    let store: Store;
    try {
      store = openStore(dbFile);
    } catch (error) {
      throw toCliError(error, `cannot open ${dbFile}`);
    }
    let stopped!: () => void;
    const done = new Promise<void>((resolve) => (stopped = resolve));
    let listening: Listening;
    let url: string;
    let posthogJsServed: boolean;
    // With an app to run, Ctrl-C must stop the app before the server, so dev takes the signals.
    const ownSignals = appArgv !== null;
    const token = options.token ?? (ctx.env.REPLAY_DEVKIT_TOKEN || null);
    try {
      ({ listening, url, posthogJsServed } = await startServer(ctx, {
        store,
        port,
        host,
        ...(token === null ? {} : { auth: { token } }),
        onDiagnostic: diagnosticPrinter(ctx.stderr),
        assets: options["no-pin"] ? false : { allowOrigins: pinOrigins },
        handleSignals: !ownSignals,
        onSignalShutdown: () => stopped(),
      }));
    } catch (error) {
      store.close();
      throw error;
    }
    ctx.stderr.write(
      `replay-devkit ${cliVersion()} listening on ${url}\n  inspector  ${url}/\n  data       ${dbFile}\n` +
        (posthogJsServed ? `  posthog-js ${posthogJsVersion() ?? "?"} served at ${url}/static/\n` : ""),
    );
    ctx.stderr.write(setupText(url));
    ctx.stderr.write(
      "\nThe capture doctor names what stops a recording as it sees it, on `doctor:` lines below;\n`replay-devkit doctor` prints the whole checklist.\n",
    );
    ctx.stderr.write(`\nPress Ctrl-C to stop${appArgv ? " the app and the devkit" : ""}.\n`);
    ctx.stdout.write(`${url}\n`);
    if (!appArgv) {
      await done;
      ctx.stderr.write("replay-devkit stopped.\n");
      return;
    }

    const shutdown = async () => {
      await listening.close();
      store.close();
    };
    const latch = new SignalLatch();
    let session: AppSession;
    try {
      session = await launchApp(ctx, appArgv, url, store);
    } catch (error) {
      latch.dispose();
      await shutdown();
      throw error;
    }
    const code = await superviseApp(ctx, session, latch, options["exit-with-app"], shutdown);
    ctx.stderr.write("replay-devkit stopped.\n");
    return code;
  },
});

/**
 * Waits for Ctrl-C/SIGTERM or the app's own exit. A signal stops the app (SIGTERM, then SIGKILL
 * after a grace period, at once on a second signal), stores its last lines, then stops the devkit.
 * An app that exits on its own leaves the devkit running unless `exitWithApp`.
 */
async function superviseApp(
  ctx: CommandContext,
  session: AppSession,
  latch: SignalLatch,
  exitWithApp: boolean,
  shutdown: () => Promise<void>,
): Promise<ExitCode | void> {
  const { app, batcher } = session;
  const note = (line: string) => ctx.stderr.write(`replay-devkit: ${line}\n`);
  const signal = latch.received;
  latch.onRepeat = () => app.kill();
  try {
    const first = await Promise.race([app.exited.then((exit) => ({ exit })), signal.then(() => null)]);
    if (first) {
      batcher?.flush();
      note(`the app ${describeExit(first.exit)}.`);
      if (exitWithApp) {
        batcher?.close();
        await shutdown();
        return exitStatusOf(first.exit) as ExitCode;
      }
      note("the devkit keeps running (recordings and the inspector stay available); Ctrl-C to stop it.");
      await signal;
      note(`${latch.signalled ?? "signal"} received, stopping the devkit`);
    } else {
      note(`${latch.signalled ?? "signal"} received, stopping the app (Ctrl-C again to kill it now)`);
      const exit = await app.stop(STOP_GRACE_MS);
      note(`the app ${describeExit(exit)}.`);
    }
    batcher?.close();
    await shutdown();
    return;
  } finally {
    latch.dispose();
  }
}

/**
 * Another devkit already serves the port: run the app against it, and store its lines in this
 * data directory's database (the same file when both use the default), which SQLite's WAL lets two
 * processes write.
 */
async function runAppBesideRunningDevkit(
  ctx: CommandContext,
  appArgv: readonly string[],
  url: string,
  dataOption: string | undefined,
  exitWithApp: boolean,
): Promise<ExitCode | void> {
  const dataDir = resolveDataDir(dataOption, ctx.env, ctx.cwd);
  const dbFile = databasePath(dataDir);
  const { openStore } = await import("@replay-devkit/store");
  let store: Store;
  try {
    mkdirSync(dataDir, { recursive: true });
    store = openStore(dbFile);
  } catch (error) {
    throw toCliError(error, `cannot open ${dbFile}`);
  }
  ctx.stderr.write(
    `replay-devkit: the app's log lines go to ${dbFile}; the running devkit shows them if it uses the same data directory.\n`,
  );
  const shutdown = () => {
    store.close();
    return Promise.resolve();
  };
  const latch = new SignalLatch();
  let session: AppSession;
  try {
    session = await launchApp(ctx, appArgv, url, store);
  } catch (error) {
    latch.dispose();
    store.close();
    throw error;
  }
  // Nothing of ours to keep running once the app is gone.
  const code = await superviseApp(ctx, session, latch, true, shutdown);
  return exitWithApp ? code : undefined;
}
