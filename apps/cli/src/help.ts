import { GLOBAL_OPTIONS, type Command, type OptionSpec, type OptionSpecs } from "./command.js";
import { EXIT } from "./errors.js";

function usageLine(command: Command<OptionSpecs>): string {
  const args = command.positionals.map((p) => {
    const name = `${p.name.toUpperCase()}${p.variadic ? "…" : ""}`;
    return p.required === false ? `[${name}]` : name;
  });
  const tail = command.passthrough ? [`[-- <${command.passthrough.name}> [args…]]`] : [];
  return ["replay-devkit", command.name, ...args, "[options]", ...tail].join(" ");
}

function optionLabel(name: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : "    ";
  return `${short}--${name}${spec.type === "string" ? ` <${spec.valueName}>` : ""}`;
}

function optionRows(options: OptionSpecs): [string, string][] {
  return Object.entries(options).map(([name, spec]) => {
    const extra = spec.type === "string" && spec.default !== undefined ? ` (default: ${spec.default})` : "";
    return [optionLabel(name, spec), `${spec.description}${extra}`];
  });
}

function columns(rows: [string, string][], indent = "  "): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`).join("\n");
}

/** `replay-devkit <command> --help`, generated from the command's metadata. */
export function commandHelp(command: Command<OptionSpecs>): string {
  const parts = [`Usage: ${usageLine(command)}`, "", command.summary];
  if (command.description) parts.push("", command.description);
  if (command.positionals.length > 0) {
    parts.push(
      "",
      "Arguments:",
      columns(command.positionals.map((p) => [p.name.toUpperCase(), p.description])),
    );
  }
  if (command.passthrough) {
    parts.push(
      "",
      "After --:",
      columns([[`<${command.passthrough.name}> [args…]`, command.passthrough.description]]),
    );
  }
  parts.push("", "Options:", columns([...optionRows(command.options), ...optionRows(GLOBAL_OPTIONS)]));
  if (command.examples?.length) parts.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  return `${parts.join("\n")}\n`;
}

/** `replay-devkit --help`: every command from the registry, plus exit codes. */
export function mainHelp(commands: readonly Command<OptionSpecs>[], version: string): string {
  const exitRows: [string, string][] = [
    [String(EXIT.OK), "success"],
    [String(EXIT.FAILURE), "failure (I/O, database, unexpected error)"],
    [String(EXIT.USAGE), "usage error (unknown command or option, bad argument)"],
    [String(EXIT.NOT_FOUND), "recording or file not found"],
    [String(EXIT.INVALID_INPUT), "invalid input file (corrupt, truncated, too large, unknown format)"],
    [String(EXIT.PORT_IN_USE), "port in use by another program"],
    [
      String(EXIT.FINDINGS),
      "privacy findings, recording cost over the allowed limit, or capture-doctor errors",
    ],
    [
      String(EXIT.UNAUTHORIZED),
      "a server refused the token or API key, or none was given (`REPLAY_DEVKIT_TOKEN`)",
    ],
    [String(EXIT.REMOTE), "another server failed or could not be reached (push, pull; S3)"],
    [String(EXIT.NO_API_KEY), "pull from PostHog: no API key (`POSTHOG_PERSONAL_API_KEY`)"],
    [String(EXIT.REMOTE_DELETED), "pull from PostHog: the recording was deleted (410)"],
    [String(EXIT.RATE_LIMITED), "pull from PostHog: rate limited for longer than the pull waits"],
    [String(EXIT.UNTRUSTED_CERTIFICATE), "pull: self-signed or untrusted TLS certificate (see --insecure)"],
  ];
  return [
    `replay-devkit ${version}: local session replay for PostHog and rrweb`,
    "",
    "Usage: replay-devkit <command> [options]",
    "",
    "Commands:",
    columns(commands.map((c) => [c.name, c.summary])),
    "",
    "Options:",
    columns([...optionRows(GLOBAL_OPTIONS), ["    --version", "Print the version"]]),
    "",
    "Exit codes:",
    // Right-aligned, so one- and two-digit codes line up.
    columns(exitRows.map(([code, meaning]) => [code.padStart(2), meaning])),
    "",
    "Run `replay-devkit <command> --help` for a command's options.",
    "",
  ].join("\n");
}
