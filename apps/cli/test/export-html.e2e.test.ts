// `export --format html`: the offline player file, on stdout without -o, scrubbed unless --no-scrub.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBinaryText, PAYLOAD_ELEMENT_ID, type HtmlPayload } from "@replay-devkit/share";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { BIN, CLI_ROOT, assertBuilt, importCapturedSession, runCli } from "./helpers.js";

assertBuilt();

function payloadOf(file: Buffer): HtmlPayload {
  const text = file.toString("latin1");
  const start = text.indexOf(">", text.indexOf(`id="${PAYLOAD_ELEMENT_ID}"`)) + 1;
  const bytes = decodeBinaryText(text.slice(start, text.indexOf("</script>", start)));
  return JSON.parse(gunzipSync(bytes).toString("utf8")) as HtmlPayload;
}

/** The CLI with stdout kept as bytes (the file is windows-1252, not UTF-8). */
function exportBytes(
  args: string[],
  env: Record<string, string>,
): { code: number | null; stdout: Buffer; stderr: string } {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    cwd: CLI_ROOT,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr.toString("utf8") };
}

describe("replay-devkit export --format html", () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let id: string;

  beforeAll(async () => {
    dir = tempDir("replay-devkit-html-");
    env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    ({ id } = await importCapturedSession(dir.path, env));
  });
  afterAll(() => dir?.cleanup());

  it("writes the player file to stdout, scrubbed, and the same bytes with -o", async () => {
    const out = exportBytes(["export", id, "--format", "html"], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.subarray(0, 15).toString("latin1")).toBe("<!doctype html>");
    const payload = payloadOf(out.stdout);
    expect(payload.sessionId).toBe(id);
    expect(payload.privacy.scrubbed).toBe(true);
    expect(payload.posthogEvents.map((e) => e.event)).toContain("harness_note_saved");
    const file = join(dir.path, "bug.html");
    const written = await runCli(["export", id, "--format", "html", "-o", file], { env });
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe("");
    expect(readFileSync(file).equals(out.stdout)).toBe(true);
  });

  it("--no-scrub exports raw and says so in the file and on stderr", () => {
    const out = exportBytes(["export", id, "--format", "html", "--no-scrub"], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/exported without scrubbing/);
    expect(payloadOf(out.stdout).privacy).toMatchObject({ scrubbed: false, redactions: [] });
  });
});
