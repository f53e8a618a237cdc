import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findImportCycles } from "./import-cycles.mjs";

describe("import cycles", () => {
  it("the source tree has none, between files or between packages", () => {
    expect(findImportCycles()).toEqual({ files: [], packages: [] });
  });

  const root = mkdtempSync(join(tmpdir(), "replay-devkit-cycles-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("finds a type-only file cycle and a package cycle in a small tree", () => {
    const pkg = (name, deps) => {
      const dir = join(root, "packages", name);
      mkdirSync(join(dir, "src"), { recursive: true });
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name, dependencies: deps }));
      return dir;
    };
    const a = pkg("a", { b: "workspace:*" });
    pkg("b", { a: "workspace:*" });
    // The shape testing's dom.ts <-> load.ts had: a value import one way, a type import back.
    writeFileSync(
      join(a, "src", "load.ts"),
      'import { findClick } from "./dom.js";\nexport const x = findClick;\n',
    );
    writeFileSync(
      join(a, "src", "dom.ts"),
      'import type { Loaded } from "./load.js";\nexport function findClick() {}\n',
    );
    writeFileSync(join(a, "src", "leaf.ts"), 'import { x } from "./load.js";\nexport default x;\n');
    const found = findImportCycles(root);
    expect(found.files).toEqual([["packages/a/src/dom.ts", "packages/a/src/load.ts"]]);
    expect(found.packages).toEqual([["a", "b"]]);
  });
});
