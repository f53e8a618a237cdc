// `validate` on bundles: every checksum, every differing file named by its path in the zip.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir, type TempDir } from "@replay-devkit/test-utils";
import { assertBuilt, importCapturedSession, runCli } from "./helpers.js";

assertBuilt();

/** Flips one bit in the middle of `path`'s bytes as stored in the zip; the zip itself stays readable. */
function flipOneByte(zip: Buffer, path: string): Buffer {
  const content = unzipSync(zip)[path];
  if (!content) throw new Error(`no ${path} in the bundle`);
  const probe = Buffer.from(content.subarray(0, 64));
  const at = zip.indexOf(probe);
  if (at === -1) throw new Error(`${path} is not stored verbatim`);
  const copy = Buffer.from(zip);
  copy[at + 32] = (copy[at + 32] as number) ^ 0x01;
  return copy;
}

describe("replay-devkit validate on bundles", () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let bundle: string;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-validate-");
    env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    const { id } = await importCapturedSession(dir.path, env);
    bundle = join(dir.path, "export.zip");
    const exported = await runCli(["export", id, "--format", "bundle", "-o", bundle], { env });
    expect(exported.code, exported.stderr).toBe(0);
  });
  afterAll(() => dir?.cleanup());

  it("accepts the bundle as exported, and a version 1 bundle", async () => {
    const ok = await runCli(["validate", bundle]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/valid bundle 2:/);
    const v1 = join(REPO_ROOT, "packages/codec/test/fixtures/bundle-v1.replay-bundle.zip");
    const old = await runCli(["validate", v1, "--json"]);
    expect(old.code, old.stderr).toBe(0);
    expect(JSON.parse(old.stdout)).toMatchObject({ valid: true, format: "bundle", formatVersion: "1" });
  });

  it("fails when one byte changed and names the file, also where the content still parses", async () => {
    const zip = readFileSync(bundle);
    const eventsPath = Object.keys(unzipSync(zip)).find((p) => p.startsWith("events/"))!;
    const tampered = join(dir.path, "tampered.zip");
    writeFileSync(tampered, flipOneByte(zip, eventsPath));
    const res = await runCli(["validate", tampered]);
    expect(res.code).toBe(4);
    expect(res.stdout).toBe(`${tampered}: ${eventsPath} does not match its sha256 in the manifest\n`);
    expect(res.stderr).toContain(`1 file of`);
    expect(res.stderr).toContain(eventsPath);

    // A JSON line changed inside the uncompressed metadata still parses; the checksum catches it.
    const files = unzipSync(zip);
    const metadata = Buffer.from(files["metadata.json"]!).toString("utf8");
    expect(metadata).toMatch(/"distinctId": "/);
    const { zipSync } = await import("fflate");
    const edited = zipSync({
      ...files,
      "metadata.json": Buffer.from(metadata.replace(/"distinctId": "./, '"distinctId": "X')),
      "dom/snap-0001.html": Buffer.from(
        Buffer.from(files["dom/snap-0001.html"]!).toString("utf8").replace("Harness", "Harnesz"),
      ),
    });
    const two = join(dir.path, "two.zip");
    writeFileSync(two, edited);
    const json = await runCli(["validate", two, "--json"]);
    expect(json.code).toBe(4);
    const report = JSON.parse(json.stdout) as {
      valid: boolean;
      problems: { path: string; problem: string }[];
    };
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => p.path).sort()).toEqual(["dom/snap-0001.html", "metadata.json"]);
  });
});
