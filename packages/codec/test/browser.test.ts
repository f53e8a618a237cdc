import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { capturedBody, capturedRequests, chromiumAvailable, launchChromium } from "@replay-devkit/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCaptureBody, readRecordingFile, splitCaptureEvents } from "../src/index.js";
import { publicFixture } from "./helpers.js";
import { chunkPieces, jsonlBlocks, lengthPrefixedSnappy } from "./legacy-helpers.js";

// The codec promises to run in browsers (the inspector imports it). This loads the built dist in
// Debian's Chromium through an import map, with no bundler, and runs real work there.
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const modules = join(root, "node_modules");
const ready = chromiumAvailable() && existsSync(join(dist, "index.js"));

const page = `<!doctype html><meta charset="utf-8"><script type="importmap">${JSON.stringify({
  imports: { fflate: "/fflate.js", "lz-string": "/lz-string.js", "@rrweb/types": "/rrweb-types.js" },
})}</script><script type="module">import * as codec from "/dist/index.js"; window.codec = codec; window.loaded = true;</script>`;

function lzStringShim(): string {
  // lz-string ships only a CommonJS/UMD file; give it a `module` to fill and re-export it.
  const source = readFileSync(join(modules, "lz-string/libs/lz-string.js"), "utf8");
  return `const module = { exports: {} };\n${source}\nexport default module.exports;\n`;
}

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { "content-type": type });
      res.end(body);
    };
    if (url.pathname === "/") return send("text/html", page);
    if (url.pathname === "/fflate.js")
      return send("text/javascript", readFileSync(join(modules, "fflate/esm/browser.js")));
    if (url.pathname === "/rrweb-types.js")
      return send("text/javascript", readFileSync(join(modules, "@rrweb/types/dist/types.js")));
    if (url.pathname === "/lz-string.js") return send("text/javascript", lzStringShim());
    const file = normalize(join(root, url.pathname));
    if (url.pathname.startsWith("/dist/") && file.startsWith(dist) && existsSync(file))
      return send("text/javascript", readFileSync(file));
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("the built codec in Chromium", () => {
  let server: Server;
  let close: () => Promise<void>;
  let run: <T>(fn: string, arg: unknown) => Promise<T>;

  beforeAll(async () => {
    // CI installs Chromium and builds before testing; a missing prerequisite is a failure, not a skip.
    if (!ready) {
      throw new Error(
        "needs Debian chromium and the built codec: run `node tooling/ci/ensure-chromium.mjs` and `pnpm build`",
      );
    }
    server = await serve();
    const browser = await launchChromium();
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on("pageerror", (error) => errors.push(error.message));
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await tab.waitForFunction("window.loaded === true", undefined, { timeout: 20_000 }).catch(() => {
      throw new Error(`codec did not load in the browser: ${errors.join("; ")}`);
    });
    run = (fn, arg) => tab.evaluate(`(${fn})(window.codec, ${JSON.stringify(arg)})`) as never;
    close = async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    };
  }, 60_000);

  afterAll(async () => close?.());

  it("decodes real capture bodies to the same events as in Node, and round-trips a bundle", async () => {
    const request = capturedRequests().find((r) => r.run === "A" && r.kind === "recording" && r.body_file)!;
    const body = capturedBody(request)!;
    const inNode = splitCaptureEvents(decodeCaptureBody(body).events).snapshots;
    const result = await run<{ snapshots: unknown; sessionId: string; roundTrip: boolean; sniffed: string }>(
      `async (codec, b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const { snapshots, others } = codec.splitCaptureEvents(codec.decodeCaptureBody(bytes).events);
        const [rec] = codec.groupRecordings(snapshots, others);
        const bundle = await codec.writeBundle(rec, { producer: "browser" });
        const back = await codec.readRecordingFile(bundle);
        return {
          snapshots,
          sessionId: back.recordings[0].sessionId,
          sniffed: codec.sniffFormat(bundle),
          roundTrip: JSON.stringify(back.recordings[0].windows) === JSON.stringify(rec.windows),
        };
      }`,
      body.toString("base64"),
    );
    expect(result.snapshots).toEqual(inNode);
    expect(result).toMatchObject({ sessionId: inNode[0]!.sessionId, sniffed: "bundle", roundTrip: true });
  });

  it("stops a gzip bomb and reports a typed error", async () => {
    const code = await run<string>(
      `async (codec) => {
        const { gzipSync } = await import("/fflate.js");
        const bomb = gzipSync(new Uint8Array(64 * 1024 * 1024));
        try { codec.decodeCaptureBody(bomb, { limits: { maxDecompressedBytes: 1024 * 1024 } }); return "ok"; }
        catch (error) { return error instanceof codec.CodecError ? error.code : String(error); }
      }`,
      null,
    );
    expect(code).toBe("TOO_LARGE");
  });

  it("reads Snappy-framed blob_v2 and 2021 chunked snapshots like Node does", async () => {
    const jsonl = new TextDecoder().decode(publicFixture("posthog__blob-v2-snapshot-block.jsonl"));
    const snappy = Buffer.from(lengthPrefixedSnappy(jsonlBlocks(jsonl, 2)));
    const events = (
      JSON.parse(new TextDecoder().decode(publicFixture("rrweb-player-example__local-docs.json"))) as {
        result: unknown[];
      }
    ).result;
    const chunked = Buffer.from(JSON.stringify({ result: chunkPieces(events, { pieces: 3 }).reverse() }));
    const inNode = await Promise.all(
      [snappy, chunked].map(
        async (bytes) => (await readRecordingFile(bytes, { sessionId: "s" })).recordings[0],
      ),
    );
    const inBrowser = await run<unknown[]>(
      `async (codec, files) => Promise.all(files.map(async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        return (await codec.readRecordingFile(bytes, { sessionId: "s" })).recordings[0];
      }))`,
      [snappy.toString("base64"), chunked.toString("base64")],
    );
    expect(inBrowser).toEqual(inNode);
    expect(inNode[1]!.windows[0]!.events).toHaveLength(108);
  });
});
