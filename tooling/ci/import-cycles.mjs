// Finds import cycles in the source tree: between the files of each package (relative imports,
// `import type` included, since a type-only cycle still ties two files into one) and between the
// workspace packages (their package.json dependencies). No dependency: TS import statements are
// regular enough for a scan. `node tooling/ci/import-cycles.mjs` prints the cycles and exits 1.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SOURCE = /\.(?:ts|tsx|mts|mjs|js)$/;
const SKIP = new Set(["node_modules", "dist", ".next", "out", ".cache", "inspector", "coverage", "results"]);
// `import x from "./a"`, `export { y } from "./b"`, `import "./c"`, `import("./d")`.
const SPECIFIERS =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

function sourceFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, out);
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

/** The file a relative specifier names, trying the TS source behind a `.js` import. */
function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(?:js|mjs|jsx)$/, "");
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    `${stem}.mjs`,
    join(base, "index.ts"),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** Strongly connected components of more than one node (or a node importing itself): the cycles. */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const info = new Map();
  const found = [];
  const visit = (node) => {
    info.set(node, { index, low: index, onStack: true });
    index++;
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!info.has(next)) {
        visit(next);
        info.get(node).low = Math.min(info.get(node).low, info.get(next).low);
      } else if (info.get(next).onStack)
        info.get(node).low = Math.min(info.get(node).low, info.get(next).index);
    }
    if (info.get(node).low === info.get(node).index) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        info.get(member).onStack = false;
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!info.has(node)) visit(node);
  return found;
}

/** Every package folder of the workspace (apps/*, packages/*, examples/*, tooling/*). */
function packageDirs(root) {
  const out = [];
  for (const group of ["apps", "packages", "examples", "tooling"]) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (existsSync(join(dir, name, "package.json"))) out.push(join(dir, name));
    }
  }
  return out;
}

/** Cycles among the files of `root`'s packages and among the packages themselves. */
export function findImportCycles(root = ROOT) {
  const files = new Map();
  const packages = new Map();
  for (const dir of packageDirs(root)) {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const deps = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
    packages.set(manifest.name, new Set(Object.keys(deps)));
    for (const file of sourceFiles(dir)) {
      const edges = new Set();
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(SPECIFIERS)) {
        const specifier = match[1] ?? match[2];
        if (!specifier?.startsWith(".")) continue;
        const target = resolveImport(file, specifier);
        if (target) edges.add(target);
      }
      files.set(file, edges);
    }
  }
  for (const [name, deps] of packages) {
    // Only edges to workspace packages matter; the rest are leaves.
    packages.set(name, new Set([...deps].filter((d) => packages.has(d))));
  }
  return {
    files: cycles(files).map((c) => c.map((f) => relative(root, f))),
    packages: cycles(packages),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = findImportCycles();
  for (const cycle of found.files) console.error(`file cycle: ${cycle.join(" <-> ")}`);
  for (const cycle of found.packages) console.error(`package cycle: ${cycle.join(" <-> ")}`);
  if (found.files.length + found.packages.length > 0) process.exit(1);
  console.log("no import cycles");
}
