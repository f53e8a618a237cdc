import { mkdirSync } from "node:fs";
import { cliVersion, inspectorDir, posthogJsDir, posthogJsVersion } from "../assets.js";
import { defineCommand, parseIntegerOption, usageError } from "../command.js";
import { databasePath, resolveDataDir } from "../env.js";
import { CliError, toCliError } from "../errors.js";
import { probeHealth } from "../probe.js";
import { DATA_OPTION } from "../shared.js";
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

function urlFor(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

export const dev = defineCommand({
  name: "dev",
  summary: "Run the local capture server, JSON API and inspector on one port",
  description:
    "Stores what posthog-js (or plain rrweb) sends in the data directory's SQLite file and serves the inspector at the printed URL. Stop it with Ctrl-C.",
  positionals: [],
  options: {
    port: {
      type: "string",
      short: "p",
      valueName: "port",
      description: "Port to listen on",
      default: "8010",
    },
    host: {
      type: "string",
      valueName: "host",
      description: "Address to bind (non-loopback exposes your recordings)",
      default: "127.0.0.1",
    },
    data: DATA_OPTION,
  },
  examples: ["replay-devkit dev", "replay-devkit dev --port 9000 --data ./.replay-devkit"],
  async run(ctx, { options }) {
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
    const staticDirs: { posthogJs?: string; inspector?: string } = {};
    const inspector = inspectorDir();
    if (inspector) staticDirs.inspector = inspector;
    else
      ctx.stderr.write(
        "warning: this install has no built inspector; only the capture endpoints and the JSON API are served.\n",
      );
    const posthogJs = posthogJsDir();
    if (posthogJs) staticDirs.posthogJs = posthogJs;
    else
      ctx.stderr.write(
        "warning: posthog-js is not installed next to replay-devkit; the script-tag snippet will not load.\n",
      );

    // Loaded here, not at the top: `--help` and the offline commands never pay for the server.
    const [{ openStore }, { createHandler, listen }] = await Promise.all([
      import("@replay-devkit/store"),
      import("@replay-devkit/server"),
    ]);
    const dbFile = databasePath(dataDir);
    let store: Store;
    try {
      store = openStore(dbFile);
    } catch (error) {
      throw toCliError(error, `cannot open ${dbFile}`);
    }
    const log = (line: string) => ctx.stderr.write(`${line}\n`);
    let stopped!: () => void;
    const done = new Promise<void>((resolve) => (stopped = resolve));
    let listening: Listening;
    try {
      const handler = createHandler({
        store,
        version: cliVersion(),
        staticDirs,
        log,
        onDiagnostic: diagnosticPrinter(ctx.stderr),
      });
      // listen() itself warns when the host is not loopback.
      listening = await listen(handler, { port, host, log, onSignalShutdown: () => stopped() });
    } catch (error) {
      store.close();
      const cliError = toCliError(error);
      if (cliError.code === "REPLAY_DEVKIT_PORT_IN_USE") {
        throw new CliError("REPLAY_DEVKIT_PORT_IN_USE", `port ${port} on ${host} is already in use`, {
          hint: "Stop the other program or pick another port with --port.",
          cause: error,
        });
      }
      throw cliError;
    }
    const url = urlFor(host === "0.0.0.0" || host === "::" ? probeHost : host, listening.port);
    ctx.stderr.write(
      `replay-devkit ${cliVersion()} listening on ${url}\n  inspector  ${url}/\n  data       ${dbFile}\n` +
        (posthogJs ? `  posthog-js ${posthogJsVersion() ?? "?"} served at ${url}/static/\n` : ""),
    );
    ctx.stderr.write(setupText(url));
    ctx.stderr.write(
      "\nThe capture doctor names what stops a recording as it sees it, on `doctor:` lines below;\n`replay-devkit doctor` prints the whole checklist.\n",
    );
    ctx.stderr.write("\nPress Ctrl-C to stop.\n");
    ctx.stdout.write(`${url}\n`);
    await done;
    ctx.stderr.write("replay-devkit stopped.\n");
  },
});
