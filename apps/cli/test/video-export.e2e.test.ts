// `export --format mp4|gif` through the built CLI: a stored recording rendered in Debian's chromium,
// scrubbed first like every export (an e-mail in the page is redacted before it is drawn), with a
// clip from --from/--to and progress on stderr.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, type TempDir } from "@replay-devkit/test-utils";
import { assertBuilt, freePort, runCli, startDev } from "./helpers.js";

assertBuilt();

const T0 = 1_700_000_000_000;
const SECRET = "jane.doe@example.com";

function rrwebFile(): string {
  const events: unknown[] = [
    { type: 4, timestamp: T0, data: { href: "http://shop.localhost:9/", width: 640, height: 400 } },
    {
      type: 2,
      timestamp: T0 + 5,
      data: {
        initialOffset: { top: 0, left: 0 },
        node: {
          type: 0,
          id: 1,
          childNodes: [
            {
              type: 2,
              id: 2,
              tagName: "html",
              attributes: {},
              childNodes: [
                {
                  type: 2,
                  id: 3,
                  tagName: "body",
                  attributes: { style: "margin:0;font:48px sans-serif;background:#fff" },
                  childNodes: [{ type: 3, id: 4, textContent: `Signed in as ${SECRET}` }],
                },
              ],
            },
          ],
        },
      },
    },
  ];
  for (let ms = 200; ms <= 6000; ms += 200)
    events.push({
      type: 3,
      timestamp: T0 + ms,
      data: { source: 1, positions: [{ x: ms / 20, y: 300, id: 3, timeOffset: 0 }] },
    });
  return JSON.stringify(events);
}

describe("replay-devkit export --format mp4|gif", () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let id = "";
  beforeAll(async () => {
    dir = tempDir("replay-devkit-cli-video-");
    env = { REPLAY_DEVKIT_DATA: join(dir.path, "data") };
    const file = join(dir.path, "rec.json");
    writeFileSync(file, rrwebFile());
    const imported = await runCli(["import", file], { env });
    expect(imported.code, imported.stderr).toBe(0);
    id = imported.stdout.trim();
  });
  afterAll(() => dir?.cleanup());

  it("renders a clip to MP4 and GIF files, with progress and a summary", async () => {
    const mp4 = join(dir.path, "clip.mp4");
    const res = await runCli(["export", id, "--format", "mp4", "--from", "1s", "--to", "5s", "-o", mp4], {
      env,
      timeoutMs: 120_000,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/Rendering mp4 \[#+\] 60\/60 frames/);
    expect(res.stderr).toMatch(/mp4: 4\.0 s \(clip 4\.0 s\), 640x400, 15 fps, (avc1|vp09)/);
    const bytes = readFileSync(mp4);
    expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    const gif = join(dir.path, "clip.gif");
    const g = await runCli(["export", id, "-f", "gif", "--to", "2s", "-o", gif], { env, timeoutMs: 120_000 });
    expect(g.code, g.stderr).toBe(0);
    expect(readFileSync(gif).subarray(0, 6).toString("latin1")).toBe("GIF89a");
  });

  it("draws the scrubbed page unless --no-scrub", async () => {
    const render = async (extra: string[], name: string) => {
      const out = join(dir.path, name);
      const res = await runCli(["export", id, "-f", "gif", "--to", "1s", "--fps", "2", "-o", out, ...extra], {
        env,
        timeoutMs: 120_000,
      });
      expect(res.code, res.stderr).toBe(0);
      return { bytes: readFileSync(out), stderr: res.stderr };
    };
    const scrubbed = await render([], "a.gif");
    const again = await render([], "b.gif");
    const raw = await render(["--no-scrub"], "raw.gif");
    // Rendering is deterministic, so the only difference between these files is the redacted text.
    expect(again.bytes.equals(scrubbed.bytes)).toBe(true);
    expect(raw.bytes.equals(scrubbed.bytes)).toBe(false);
    expect(raw.stderr).toContain("rendered without scrubbing");
  });

  it("renders from the inspector's Export menu route while dev runs", async () => {
    const dev = await startDev(["--port", String(await freePort())], { env });
    try {
      const res = await fetch(`${dev.url}/api/recordings/${id}/video?format=gif&to=1000`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/gif");
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${id}.gif"`);
      expect(Number(res.headers.get("x-replay-devkit-redactions"))).toBeGreaterThan(0);
      expect(
        Buffer.from(await res.arrayBuffer())
          .subarray(0, 6)
          .toString("latin1"),
      ).toBe("GIF89a");
    } finally {
      await dev.stop();
    }
  });

  it("refuses a clip that starts after the end, with a usage error", async () => {
    const res = await runCli(["export", id, "-f", "mp4", "--from", "10m", "-o", join(dir.path, "x.mp4")], {
      env,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--from is after the end/);
  });
});
