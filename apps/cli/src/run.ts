import { cliVersion } from "./assets.js";
import { parseCommandArgs, usageError, type CommandContext, type Output } from "./command.js";
import { CliError, EXIT, formatError, toCliError, type ExitCode } from "./errors.js";
import { commandHelp, mainHelp } from "./help.js";
import { COMMANDS, findCommand } from "./registry.js";

export interface RunOptions {
  stdout?: Output;
  stderr?: Output;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

function streamOutput(stream: NodeJS.WriteStream): Output {
  return {
    write: (chunk) => {
      stream.write(chunk);
    },
    get isTTY() {
      return stream.isTTY === true;
    },
  };
}

/** Runs one command line and resolves to its exit code. Never exits and never throws. */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<ExitCode> {
  const stdout = options.stdout ?? streamOutput(process.stdout);
  const stderr = options.stderr ?? streamOutput(process.stderr);
  // Words after `--` belong to the program `dev` runs; its own --debug is not ours.
  const dashDash = argv.indexOf("--");
  const debug = (dashDash === -1 ? argv : argv.slice(0, dashDash)).includes("--debug");
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      const topic = name === "help" ? rest[0] : undefined;
      const command = topic ? findCommand(topic) : undefined;
      if (topic && !command) throw unknownCommand(topic);
      const text = command ? commandHelp(command) : mainHelp(COMMANDS, cliVersion());
      // Asked-for help is output; help shown because no command was given is a usage error.
      if (name === undefined) {
        stderr.write(text);
        return EXIT.USAGE;
      }
      stdout.write(text);
      return EXIT.OK;
    }
    if (name === "--version" || name === "-v") {
      stdout.write(`${cliVersion()}\n`);
      return EXIT.OK;
    }
    if (name.startsWith("-") && name !== "--debug") throw usageError(null, `unknown option ${name}`);
    const commandName = name === "--debug" ? rest.shift() : name;
    if (commandName === undefined) throw usageError(null, "missing a command");
    const command = findCommand(commandName);
    if (!command) throw unknownCommand(commandName);
    const parsed = parseCommandArgs(command, rest);
    if (parsed.help) {
      stdout.write(commandHelp(command));
      return EXIT.OK;
    }
    const ctx: CommandContext = {
      stdout,
      stderr,
      env: options.env ?? process.env,
      cwd: options.cwd ?? process.cwd(),
      debug: debug || parsed.debug,
    };
    const code = await command.run(ctx, {
      options: parsed.options,
      positionals: parsed.positionals,
      ...(parsed.passthrough ? { passthrough: parsed.passthrough } : {}),
    });
    return code ?? EXIT.OK;
  } catch (error) {
    const cliError = toCliError(error);
    stderr.write(formatError(cliError, debug));
    return cliError.exitCode;
  }
}

function unknownCommand(name: string): CliError {
  const near = COMMANDS.map((c) => c.name).find((c) => c.startsWith(name.slice(0, 2)));
  return new CliError("REPLAY_DEVKIT_UNKNOWN_COMMAND", `unknown command ${JSON.stringify(name)}`, {
    hint: `${near ? `Did you mean \`${near}\`? ` : ""}Run \`replay-devkit --help\` for the list of commands.`,
  });
}
