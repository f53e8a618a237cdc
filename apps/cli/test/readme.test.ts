import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../src/errors.js";
import { mainHelp } from "../src/help.js";
import { COMMANDS } from "../src/registry.js";
import { CLI_ROOT } from "./helpers.js";

const readme = readFileSync(join(CLI_ROOT, "README.md"), "utf8");

function tableRows(marker: string): string[][] {
  const section = new RegExp(`<!-- ${marker}:start[^>]*-->([\\s\\S]*?)<!-- ${marker}:end -->`).exec(readme);
  if (!section?.[1]) throw new Error(`README has no ${marker} section`);
  return section[1]
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2)
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^`|`$/g, "")),
    );
}

describe("README", () => {
  it("lists exactly the registered commands, in order, with their summaries", () => {
    expect(tableRows("commands")).toEqual(COMMANDS.map((c) => [c.name, c.summary]));
  });

  it("documents every exit code the CLI uses, as help prints them", () => {
    const rows = tableRows("exit-codes");
    expect(rows.map(([code]) => Number(code))).toEqual(Object.values(EXIT));
    const help = mainHelp(COMMANDS, "0.0.0");
    for (const [code, meaning] of rows) expect(help).toContain(`  ${code}  ${meaning}`);
  });
});
