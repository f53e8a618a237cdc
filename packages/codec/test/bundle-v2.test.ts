import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIMITS,
  FIDELITY_FLAGS,
  checkBundle,
  domSnapshots,
  readRecordingFile,
  writeBundle,
  type BundleManifest,
  type PinnedAsset,
  type Recording,
  type RrwebEvent,
} from "../src/index.js";
import { captureRecording } from "./helpers.js";

const V1_BUNDLE = new Uint8Array(
  readFileSync(new URL("./fixtures/bundle-v1.replay-bundle.zip", import.meta.url)),
);
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

/** Flips one bit of the stored bytes of `path` inside the zip, leaving the zip itself intact. */
function flipByteOf(zip: Uint8Array, path: string, content: Uint8Array): Uint8Array {
  const copy = zip.slice();
  const at = Buffer.from(copy).indexOf(Buffer.from(content.subarray(0, Math.min(64, content.length))));
  if (at === -1) throw new Error(`${path} is not stored verbatim`);
  copy[at + Math.floor(Math.min(64, content.length) / 2)]! ^= 0x01;
  return copy;
}

type Node = Record<string, unknown>;
/** A page whose counter changes every 4 s for 30 s, with one image pinned and one not. */
function ticking(): Recording {
  const start = 1_790_000_000_000;
  const doc: Node = {
    type: 0,
    id: 1,
    childNodes: [
      { type: 1, id: 2, name: "html", publicId: "", systemId: "" },
      {
        type: 2,
        id: 3,
        tagName: "html",
        attributes: {},
        childNodes: [
          {
            type: 2,
            id: 4,
            tagName: "head",
            attributes: {},
            childNodes: [
              {
                type: 2,
                id: 9,
                tagName: "script",
                attributes: {},
                childNodes: [{ type: 3, id: 10, textContent: "alert(1)" }],
              },
            ],
          },
          {
            type: 2,
            id: 5,
            tagName: "body",
            attributes: { onload: "alert(2)" },
            childNodes: [
              {
                type: 2,
                id: 6,
                tagName: "p",
                attributes: { id: "count" },
                childNodes: [{ type: 3, id: 7, textContent: "count 0" }],
              },
              {
                type: 2,
                id: 8,
                tagName: "img",
                attributes: {
                  src: "http://app.test/logo.png",
                  srcset: "http://app.test/logo.png 1x, http://cdn.test/big.png 2x",
                },
                childNodes: [],
              },
              { type: 2, id: 11, tagName: "input", attributes: { id: "name", type: "text" }, childNodes: [] },
            ],
          },
        ],
      },
    ],
  };
  const events = [
    { type: 4, timestamp: start, data: { href: "http://app.test/", width: 800, height: 600 } },
    { type: 2, timestamp: start + 5, data: { node: doc, initialOffset: { top: 0, left: 0 } } },
    ...[1, 2, 3, 4, 5, 6, 7].map((n) => ({
      type: 3,
      timestamp: start + n * 4000,
      data: { source: 0, texts: [{ id: 7, value: `count ${n}` }], attributes: [], removes: [], adds: [] },
    })),
    { type: 3, timestamp: start + 29_000, data: { source: 5, id: 11, text: "*****", isChecked: false } },
  ] as unknown as RrwebEvent[];
  return {
    sessionId: "ticking",
    distinctId: "user-1",
    windows: [{ windowId: "w1", events }],
    posthogEvents: [
      {
        event: "$pageview",
        properties: { $lib: "web", $lib_version: "1.449.2", $current_url: "http://app.test/" },
        timestamp: new Date(start).toISOString(),
      },
    ],
  };
}

const logo: PinnedAsset = {
  url: "http://app.test/logo.png",
  sha256: "ignored",
  contentType: "image/png; charset=binary",
  bytes: new Uint8Array([137, 80, 78, 71, 1, 2, 3]),
};

describe("bundle v2", () => {
  it("lists every file but the manifest with size and sha256, and writes metadata.json exactly", async () => {
    const rec = captureRecording("A");
    const zip = await writeBundle(rec, { producer: "test", createdAt: new Date(0) });
    const files = unzipSync(zip);
    const manifest = JSON.parse(text(files["manifest.json"])) as BundleManifest;
    expect(manifest.formatVersion).toBe(2);
    expect(manifest.files.map((f) => f.path)).not.toContain("manifest.json");
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      Object.keys(files)
        .filter((p) => p !== "manifest.json")
        .sort(),
    );
    for (const f of manifest.files)
      expect([f.size, f.sha256]).toEqual([files[f.path]!.length, sha(files[f.path]!)]);
    const metadata = JSON.parse(text(files["metadata.json"])) as Record<string, unknown>;
    expect(Object.keys(metadata)).toEqual([
      "id",
      "startTime",
      "endTime",
      "origin",
      "origins",
      "sdk",
      "distinctId",
    ]);
    expect(metadata).toMatchObject({
      id: rec.sessionId,
      origin: expect.stringMatching(/^http:\/\/app\.harness\.test:\d+$/),
      sdk: { name: "web", version: "1.449.2" },
      distinctId: rec.distinctId,
    });
    expect(metadata.origins).toEqual([metadata.origin]);
    expect(files["posthog-events.jsonl.gz"]).toBeDefined();
    // Every fidelity flag is one of the documented ones; this recording's are known.
    for (const flag of manifest.fidelity ?? []) expect(Object.keys(FIDELITY_FLAGS)).toContain(flag);
    expect(manifest.fidelity).toEqual([
      "scrubbed",
      "inputs-masked",
      "console",
      "network",
      "network-headers",
      "network-bodies",
      "assets-complete",
      "dom-snapshots",
    ]);
    // Reads back with the same events and PostHog events.
    const back = await readRecordingFile(zip);
    expect(back.formatVersion).toBe("2");
    expect(back.recordings[0]!.windows).toEqual(rec.windows);
    expect(back.recordings[0]!.posthogEvents).toEqual(rec.posthogEvents);
  });

  it("writes static DOM pages at each FullSnapshot and every 10 s, pinned assets as ../assets/<sha256>.<ext>", async () => {
    const zip = await writeBundle(ticking(), { producer: "test", createdAt: new Date(0), assets: [logo] });
    const files = unzipSync(zip);
    const manifest = JSON.parse(text(files["manifest.json"])) as BundleManifest;
    const start = 1_790_000_000_000;
    expect(manifest.dom?.map((d) => [d.path, d.timestamp - start, d.reason])).toEqual([
      ["dom/snap-0001.html", 5, "full-snapshot"],
      ["dom/snap-0002.html", 10_005, "interval"],
      ["dom/snap-0003.html", 20_005, "interval"],
      ["dom/snap-0004.html", 29_000, "end"],
    ]);
    const pages = manifest.dom!.map((d) => text(files[d.path]));
    expect(pages.map((p) => /count \d/.exec(p)?.[0])).toEqual(["count 0", "count 2", "count 5", "count 7"]);
    const assetPath = `assets/${sha(logo.bytes)}.png`;
    expect(files[assetPath]).toEqual(logo.bytes);
    expect(manifest.assets).toEqual([
      { url: logo.url, path: assetPath, sha256: sha(logo.bytes), contentType: logo.contentType, size: 7 },
    ]);
    const first = pages[0]!;
    expect(first).toContain(`src="../${assetPath}"`);
    expect(first).toContain(`srcset="../${assetPath} 1x, http://cdn.test/big.png 2x"`);
    expect(first.startsWith('<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>')).toBe(true);
    // Static: no script, no handler. The typed (masked) value shows in the last page.
    for (const page of pages) expect(page).not.toMatch(/<script|onload|alert/);
    expect(pages[3]).toContain('value="*****"');
    // The events keep the original URL; only the static pages point at the copy.
    expect(
      text(
        files["events/w1.jsonl.gz"] && (await import("node:zlib")).gunzipSync(files["events/w1.jsonl.gz"]),
      ),
    ).toContain("http://app.test/logo.png");
    // One of two referenced assets pinned.
    expect(manifest.fidelity).toContain("assets-partial");
    expect(manifest.fidelity).toContain("inputs-masked");
  });

  it("domSnapshots writes rrweb's inlined stylesheets as <style>", () => {
    const events = [
      {
        type: 2,
        timestamp: 1,
        data: {
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
                    tagName: "head",
                    attributes: {},
                    childNodes: [
                      {
                        type: 2,
                        id: 4,
                        tagName: "link",
                        attributes: {
                          rel: "stylesheet",
                          href: "http://a.test/s.css",
                          _cssText: "body { color: red }</style><b>",
                        },
                        childNodes: [],
                      },
                    ],
                  },
                  {
                    type: 2,
                    id: 5,
                    tagName: "body",
                    attributes: {},
                    childNodes: [{ type: 3, id: 6, textContent: "a < b & c" }],
                  },
                ],
              },
            ],
          },
        },
      },
    ] as unknown as RrwebEvent[];
    const [snap] = domSnapshots("w", events);
    expect(snap?.html).toBe(
      '<html><head><meta charset="utf-8"><style>body { color: red }<\\/style><b></style></head><body>a &lt; b &amp; c</body></html>',
    );
  });
});

describe("checksums: validate's check", () => {
  it("a v1 bundle still reads and checks clean", async () => {
    const check = await checkBundle(V1_BUNDLE, DEFAULT_LIMITS);
    expect(check).toMatchObject({ formatVersion: 1, problems: [] });
    expect(check.checked).toBe(3);
    const read = await readRecordingFile(V1_BUNDLE);
    expect(read).toMatchObject({ format: "bundle", formatVersion: "1", producer: "replay-devkit 0.1.0" });
    expect(read.recordings[0]!.windows[0]!.events).toHaveLength(157);
    expect(read.recordings[0]!.posthogEvents).toHaveLength(21);
    expect(read.recordings[0]!.metadata?.eventCount).toBe(157);
  });

  it("one changed byte in a stored file is named, even though the rest still parses", async () => {
    const zip = await writeBundle(ticking(), { producer: "test", assets: [logo] });
    const files = unzipSync(zip);
    const path = `assets/${sha(logo.bytes)}.png`;
    const tampered = flipByteOf(zip, path, files[path]!);
    const check = await checkBundle(tampered, DEFAULT_LIMITS);
    expect(check.problems).toEqual([
      { path, problem: "sha256", message: "does not match its sha256 in the manifest" },
    ]);
    const error = await readRecordingFile(tampered).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: "CHECKSUM_MISMATCH" });
    expect(error?.message).toContain(path);
  });

  it("lists every file that differs: changed, missing, unlisted and undecompressible", async () => {
    const files = unzipSync(await writeBundle(ticking(), { producer: "test" }));
    const { "dom/snap-0003.html": _gone, ...kept } = files;
    const pruned = zipSync({
      ...kept,
      "dom/snap-0002.html": strToU8(text(files["dom/snap-0002.html"]).replace("count 2", "count 9")),
      "extra.txt": strToU8("hello"),
    });
    const check = await checkBundle(pruned, DEFAULT_LIMITS);
    expect(check.problems.map((p) => [p.path, p.problem])).toEqual([
      ["dom/snap-0002.html", "sha256"],
      ["dom/snap-0003.html", "missing"],
      ["extra.txt", "unlisted"],
    ]);
    // A deflated entry whose compressed bytes were changed cannot even be inflated: still named.
    const deflated = zipSync(
      Object.fromEntries(Object.entries(files).map(([p, b]) => [p, [b, { level: 6 }]])) as never,
    );
    const broken = deflated.slice();
    const name = Buffer.from("dom/snap-0001.html");
    const header = Buffer.from(broken).indexOf(name);
    for (let i = 0; i < 8; i++) broken[header + name.length + 4 + i] = 0xff;
    const damaged = await checkBundle(broken, DEFAULT_LIMITS);
    expect(damaged.problems.map((p) => p.path)).toContain("dom/snap-0001.html");
  });
});
