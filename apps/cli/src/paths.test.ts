import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@replay-devkit/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import { CliError } from "./errors.js";
import { resolveInsideCwd } from "./paths.js";

const dir = tempDir("replay-devkit-paths-");
afterAll(() => dir.cleanup());
const cwd = join(dir.path, "project");
const outside = join(dir.path, "elsewhere");
mkdirSync(join(cwd, "fixtures"), { recursive: true });
mkdirSync(outside);
symlinkSync(outside, join(cwd, "escape"));
symlinkSync(join(cwd, "fixtures"), join(cwd, "inner-link"));

function refusal(path: string): CliError {
  try {
    resolveInsideCwd(cwd, path);
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error(`${path} was accepted`);
}

describe("resolveInsideCwd", () => {
  it("accepts files inside the working directory, including folders not created yet", () => {
    expect(resolveInsideCwd(cwd, "bug.fixture.jsonl")).toBe(join(cwd, "bug.fixture.jsonl"));
    expect(resolveInsideCwd(cwd, "fixtures/a.jsonl")).toBe(join(cwd, "fixtures", "a.jsonl"));
    expect(resolveInsideCwd(cwd, "new/deeper/b.jsonl")).toBe(join(cwd, "new", "deeper", "b.jsonl"));
    expect(resolveInsideCwd(cwd, join(cwd, "abs.json"))).toBe(join(cwd, "abs.json"));
    expect(resolveInsideCwd(cwd, "fixtures/../c.json")).toBe(join(cwd, "c.json"));
    expect(resolveInsideCwd(cwd, "inner-link/d.json")).toBe(join(cwd, "inner-link", "d.json"));
  });

  it("refuses parent directories, absolute paths elsewhere and the directory itself", () => {
    for (const path of [
      "../x.json",
      "fixtures/../../x.json",
      "..",
      join(outside, "x.json"),
      "/etc/passwd",
      ".",
      cwd,
    ]) {
      const error = refusal(path);
      expect(error.code).toBe("REPLAY_DEVKIT_USAGE");
      expect(error.message).toContain(JSON.stringify(path));
      expect(error.hint).toContain(cwd);
    }
    expect(refusal("../x.json").message).toContain("outside the working directory");
  });

  it("refuses a path that a symbolic link leads outside, even to a file not created yet", () => {
    expect(refusal("escape/x.json").message).toContain("symbolic link");
    expect(refusal("escape/sub/dir/x.json").message).toContain("symbolic link");
  });

  it("refuses empty paths and NUL bytes", () => {
    expect(refusal("").message).toContain("empty");
    expect(refusal("  ").message).toContain("empty");
    expect(refusal("a\0b.json").message).toContain("NUL");
  });

  it("does not treat a sibling whose name starts like the working directory as inside", () => {
    mkdirSync(`${cwd}-other`, { recursive: true });
    expect(refusal(`${cwd}-other/x.json`).message).toContain("outside");
    expect(refusal("../project-other/x.json").message).toContain("outside");
  });
});
