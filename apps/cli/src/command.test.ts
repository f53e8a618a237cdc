import { describe, expect, it } from "vitest";
import { defineCommand, parseCommandArgs } from "./command.js";
import { CliError } from "./errors.js";
import { commandHelp, mainHelp } from "./help.js";
import { COMMANDS } from "./registry.js";

const sample = defineCommand({
  name: "sample",
  summary: "A command for tests",
  positionals: [
    { name: "id", description: "An id" },
    { name: "rest", description: "More", required: false, variadic: true },
  ],
  options: {
    format: {
      type: "string",
      short: "f",
      valueName: "fmt",
      description: "Format",
      choices: ["a", "b"],
      default: "a",
    },
    out: { type: "string", short: "o", valueName: "file", description: "Output" },
    json: { type: "boolean", description: "JSON" },
  },
  async run() {},
});

function usageCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as CliError).code;
  }
  throw new Error("expected a CliError");
}

describe("parseCommandArgs", () => {
  it("returns typed values, defaults and positionals", () => {
    const parsed = parseCommandArgs(sample, ["x1", "y", "z", "-o", "out.json", "--json"]);
    expect(parsed.options).toEqual({ format: "a", out: "out.json", json: true });
    expect(parsed.positionals).toEqual(["x1", "y", "z"]);
    expect(parsed.help).toBe(false);
  });

  it("rejects unknown options, bad choices, missing positionals and empty values", () => {
    expect(usageCode(() => parseCommandArgs(sample, ["x", "--nope"]))).toBe("REPLAY_DEVKIT_USAGE");
    expect(usageCode(() => parseCommandArgs(sample, ["x", "-f", "c"]))).toBe("REPLAY_DEVKIT_USAGE");
    expect(usageCode(() => parseCommandArgs(sample, []))).toBe("REPLAY_DEVKIT_USAGE");
    expect(usageCode(() => parseCommandArgs(sample, ["x", "--out="]))).toBe("REPLAY_DEVKIT_USAGE");
    expect(usageCode(() => parseCommandArgs(sample, ["x", "--out"]))).toBe("REPLAY_DEVKIT_USAGE");
  });

  it("names the bad choice and the allowed ones", () => {
    try {
      parseCommandArgs(sample, ["x", "--format", "zip"]);
      expect.unreachable();
    } catch (error) {
      expect((error as CliError).message).toBe('--format must be one of a, b; got "zip"');
      expect((error as CliError).exitCode).toBe(2);
    }
  });

  it("rejects extra positionals when the last one is not variadic", () => {
    const one = defineCommand({ ...sample, positionals: [{ name: "id", description: "An id" }] });
    expect(usageCode(() => parseCommandArgs(one, ["a", "b"]))).toBe("REPLAY_DEVKIT_USAGE");
  });

  it("accepts --help without the required positionals", () => {
    expect(parseCommandArgs(sample, ["--help"]).help).toBe(true);
  });
});

describe("parseCommandArgs with -- passthrough", () => {
  const runner = defineCommand({
    name: "runner",
    summary: "runs a program",
    positionals: [],
    passthrough: { name: "command", description: "the program" },
    options: { port: { type: "string", valueName: "port", description: "port", default: "1" } },
    run: () => Promise.resolve(),
  });

  it("keeps everything after the first -- untouched, options and a second -- included", () => {
    const parsed = parseCommandArgs(runner, [
      "--port",
      "9",
      "--",
      "node",
      "-e",
      "x",
      "--port",
      "3",
      "--",
      "--help",
    ]);
    expect(parsed.options.port).toBe("9");
    expect(parsed.help).toBe(false);
    expect(parsed.passthrough).toEqual(["node", "-e", "x", "--port", "3", "--", "--help"]);
  });

  it("has no passthrough without --, and names -- when the command is given without it", () => {
    expect(parseCommandArgs(runner, []).passthrough).toBeUndefined();
    expect(() => parseCommandArgs(runner, ["node", "app.js"])).toThrow(
      /after `--` \(replay-devkit runner -- node app.js\)/,
    );
    expect(() => parseCommandArgs(runner, ["--"])).toThrow(/nothing after `--`/);
  });
});

describe("help", () => {
  it("lists every registered command with its summary", () => {
    const text = mainHelp(COMMANDS, "1.2.3");
    expect(text).toContain("replay-devkit 1.2.3");
    for (const command of COMMANDS)
      expect(text).toMatch(new RegExp(`^  ${command.name} +${escape(command.summary)}$`, "m"));
  });

  it("documents every option of every command", () => {
    for (const command of COMMANDS) {
      const text = commandHelp(command);
      for (const [name, spec] of Object.entries(command.options)) {
        expect(text).toContain(`--${name}`);
        expect(text).toContain(spec.description);
      }
      for (const positional of command.positionals) expect(text).toContain(positional.name.toUpperCase());
    }
  });

  it("has unique command names and option short flags", () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const command of COMMANDS) {
      const shorts = Object.values(command.options).flatMap((o) => (o.short ? [o.short] : []));
      expect(new Set([...shorts, "h"]).size, command.name).toBe(shorts.length + 1);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
