import { parseArgs } from "node:util";
import { CliError, type ExitCode } from "./errors.js";

export interface StringOption {
  type: "string";
  short?: string;
  /** Shown in help as `--name <valueName>`. */
  valueName: string;
  description: string;
  default?: string;
  /** Accepted values; anything else is a usage error naming them. */
  choices?: readonly string[];
}

export interface BooleanOption {
  type: "boolean";
  short?: string;
  description: string;
}

export type OptionSpec = StringOption | BooleanOption;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface PositionalSpec {
  name: string;
  description: string;
  /** Default true. */
  required?: boolean;
  /** Takes every remaining argument (only the last positional). */
  variadic?: boolean;
}

/** Option values as the handler receives them: strings (or undefined when absent without default), booleans. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K] extends BooleanOption
    ? boolean
    : O[K] extends { default: string }
      ? string
      : string | undefined;
};

export interface Output {
  write(chunk: string | Uint8Array): void;
  /** True when the stream is a terminal (progress lines redraw in place). */
  readonly isTTY?: boolean;
}

/** Everything a command may touch of the outside world; tests pass their own. */
export interface CommandContext {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  debug: boolean;
}

export interface ParsedArgs<O extends OptionSpecs> {
  options: OptionValues<O>;
  positionals: string[];
  /** Everything after the first `--`, untouched (only for commands with {@link Command.passthrough}). */
  passthrough?: string[];
}

/** A command that runs another program: the words after `--` are its command line, never parsed. */
export interface PassthroughSpec {
  /** Shown in help as `-- <name>`. */
  name: string;
  description: string;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line for the command table. */
  summary: string;
  /** Longer description for `<cmd> --help`. */
  description?: string;
  positionals: readonly PositionalSpec[];
  options: O;
  /** Accepts `-- <command> [args…]`; without it `--` only ends option parsing. */
  passthrough?: PassthroughSpec;
  examples?: readonly string[];
  /** Resolves to the exit code (0 when nothing is returned); throws CliError on failure. */
  run(ctx: CommandContext, args: ParsedArgs<O>): Promise<ExitCode | void>;
}

/** Keeps the literal option types so `run` sees typed values. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  help: { type: "boolean", short: "h", description: "Show help for this command" },
  debug: { type: "boolean", description: "Print stack traces on errors" },
} as const satisfies OptionSpecs;

/**
 * Parses argv for one command with node:util parseArgs, then checks choices and positionals.
 * Never exits: returns values or throws a REPLAY_DEVKIT_USAGE CliError.
 */
export function parseCommandArgs<O extends OptionSpecs>(
  command: Command<O>,
  argv: readonly string[],
): ParsedArgs<O> & { help: boolean; debug: boolean } {
  // Split before parsing, so an option after `--` (`node -e`, `--port`) belongs to the program and
  // is never read as ours.
  let passthrough: string[] | undefined;
  if (command.passthrough) {
    const at = argv.indexOf("--");
    if (at !== -1) {
      passthrough = argv.slice(at + 1);
      argv = argv.slice(0, at);
    }
  }
  const specs: Record<string, { type: "string" | "boolean"; short?: string; default?: string }> = {};
  const all: OptionSpecs = { ...GLOBAL_OPTIONS, ...command.options };
  for (const [name, spec] of Object.entries(all)) {
    const entry: { type: "string" | "boolean"; short?: string; default?: string } = { type: spec.type };
    if (spec.short !== undefined) entry.short = spec.short;
    if (spec.type === "string" && spec.default !== undefined) entry.default = spec.default;
    specs[name] = entry;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: specs, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(
      command,
      error instanceof Error ? cleanParseMessage(error.message) : String(error),
      error,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const help = values.help === true;
  const debug = values.debug === true;
  if (help) return { options: {} as OptionValues<O>, positionals: parsed.positionals, help, debug };
  if (passthrough !== undefined && passthrough.length === 0) {
    throw usageError(
      command,
      `nothing after \`--\`: give the ${command.passthrough?.name ?? "command"} to run`,
    );
  }

  const options: Record<string, string | boolean | undefined> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const value = values[name];
    if (spec.type === "boolean") {
      options[name] = value === true;
      continue;
    }
    if (typeof value === "string" && spec.choices && !spec.choices.includes(value)) {
      throw usageError(
        command,
        `--${name} must be one of ${spec.choices.join(", ")}; got ${JSON.stringify(value)}`,
      );
    }
    if (typeof value === "string" && value === "") throw usageError(command, `--${name} needs a value`);
    options[name] = value;
  }

  const positionals = parsed.positionals;
  const required = command.positionals.filter((p) => p.required !== false);
  if (positionals.length < required.length) {
    const missing = required[positionals.length];
    throw usageError(command, `missing ${missing ? `<${missing.name}>` : "an argument"}`);
  }
  const variadic = command.positionals.at(-1)?.variadic === true;
  if (!variadic && positionals.length > command.positionals.length) {
    const extra = JSON.stringify(positionals[command.positionals.length]);
    throw usageError(
      command,
      command.passthrough
        ? `unexpected argument ${extra}; put the ${command.passthrough.name} after \`--\` (replay-devkit ${command.name} -- ${positionals.slice(command.positionals.length).join(" ")})`
        : `unexpected argument ${extra}`,
    );
  }
  const result: ParsedArgs<O> & { help: boolean; debug: boolean } = {
    options: options as OptionValues<O>,
    positionals,
    help,
    debug,
  };
  if (passthrough !== undefined) result.passthrough = passthrough;
  return result;
}

function cleanParseMessage(message: string): string {
  // parseArgs explains how to pass a dash-prefixed positional; that advice is noise for a user here.
  return message.replace(/\. To specify a positional argument.*$/s, "").replace(/^Option '/, "option '");
}

export function usageError(command: Command<OptionSpecs> | null, message: string, cause?: unknown): CliError {
  const hint = command
    ? `Run \`replay-devkit ${command.name} --help\` for usage.`
    : "Run `replay-devkit --help` for the list of commands.";
  return new CliError("REPLAY_DEVKIT_USAGE", message, { hint, cause });
}

/** A port, host-side number check that gives a usage error naming the option. */
export function parseIntegerOption(
  command: Command<OptionSpecs>,
  name: string,
  text: string,
  min: number,
  max: number,
): number {
  if (!/^\d+$/.test(text))
    throw usageError(command, `--${name} must be a whole number; got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (value < min || value > max)
    throw usageError(command, `--${name} must be from ${min} to ${max}; got ${value}`);
  return value;
}
