import { describe, expect, it } from "vitest";
import { cssAssetRefs, findAssetRefs, recordedAsset, rewriteAssetUrls, rewriteCss } from "./assets.js";
import type { RrwebEvent } from "./types.js";

const snapshot = {
  type: 2,
  timestamp: 1000,
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
              tagName: "style",
              attributes: {},
              childNodes: [
                {
                  type: 3,
                  id: 4,
                  isStyle: true,
                  textContent:
                    '@font-face { font-family: X; src: url("http://app.localhost:5173/x.woff2") format("woff2"); } @import "http://app.localhost:5173/more.css";',
                },
              ],
            },
            {
              type: 2,
              id: 5,
              tagName: "img",
              attributes: {
                src: "http://app.localhost:5173/a.png#frag",
                srcset: "http://app.localhost:5173/a.png 1x, http://app.localhost:5173/a@2x.png 2x",
              },
              childNodes: [],
            },
            {
              type: 2,
              id: 6,
              tagName: "div",
              attributes: { style: "background-image: url(http://app.localhost:5173/bg.jpg)" },
              childNodes: [],
            },
            {
              type: 2,
              id: 7,
              tagName: "link",
              attributes: { rel: "stylesheet", href: "https://cdn.example/x.css" },
              childNodes: [],
            },
            {
              type: 2,
              id: 8,
              tagName: "link",
              attributes: {
                rel: "stylesheet",
                href: "http://app.localhost:5173/in.css",
                _cssText: ".b{background:url(http://app.localhost:5173/b.svg)}",
              },
              childNodes: [],
            },
            {
              type: 2,
              id: 9,
              tagName: "img",
              attributes: { src: "data:image/png;base64,AAAA" },
              childNodes: [],
            },
          ],
        },
      ],
    },
  },
} as unknown as RrwebEvent;

describe("asset discovery", () => {
  it("finds img src/srcset, style url(), @font-face, @import, inlined and bare stylesheets; skips data:", () => {
    const refs = findAssetRefs(snapshot).map((r) => `${r.kind} ${r.url}`);
    expect(refs.sort()).toEqual(
      [
        "css-url http://app.localhost:5173/x.woff2",
        "stylesheet http://app.localhost:5173/more.css",
        "image http://app.localhost:5173/a.png",
        "image http://app.localhost:5173/a@2x.png",
        "css-url http://app.localhost:5173/bg.jpg",
        "stylesheet https://cdn.example/x.css",
        "css-url http://app.localhost:5173/b.svg",
      ].sort(),
    );
  });

  it("finds assets in mutation adds and attribute changes", () => {
    const mutation = {
      type: 3,
      timestamp: 2000,
      data: {
        source: 0,
        texts: [],
        removes: [],
        adds: [
          {
            parentId: 2,
            nextId: null,
            node: {
              type: 2,
              id: 20,
              tagName: "img",
              attributes: { src: "http://h.localhost/n.png" },
              childNodes: [],
            },
          },
        ],
        attributes: [{ id: 6, attributes: { style: { background: "x" }, src: "http://h.localhost/m.gif" } }],
      },
    } as unknown as RrwebEvent;
    expect(findAssetRefs(mutation).map((r) => r.url)).toEqual([
      "http://h.localhost/n.png",
      "http://h.localhost/m.gif",
    ]);
  });

  it("resolves stylesheet references against the stylesheet's URL", () => {
    expect(
      cssAssetRefs("@import url('../b.css'); .x{background:url(img/x.png)}", "http://h.localhost/css/a.css"),
    ).toEqual([
      { url: "http://h.localhost/b.css", kind: "stylesheet" },
      { url: "http://h.localhost/css/img/x.png", kind: "css-url" },
    ]);
  });
});

describe("asset rewriting", () => {
  const pinned = new Map([
    ["http://app.localhost:5173/a.png", "/api/assets/aaa"],
    ["http://app.localhost:5173/bg.jpg", "/api/assets/bbb"],
    ["http://app.localhost:5173/x.woff2", "/api/assets/fff"],
  ]);
  it("points known URLs at their copies and leaves the rest and the input untouched", () => {
    const before = JSON.stringify(snapshot);
    const out = rewriteAssetUrls(snapshot, (u) => pinned.get(u));
    expect(JSON.stringify(snapshot)).toBe(before);
    const text = JSON.stringify(out);
    expect(text).toContain('"src":"/api/assets/aaa"');
    expect(text).toContain("/api/assets/aaa 1x, http://app.localhost:5173/a@2x.png 2x");
    expect(text).toContain('url(\\"/api/assets/bbb\\")');
    expect(text).toContain('url(\\"/api/assets/fff\\")');
    expect(text).not.toContain("http://app.localhost:5173/bg.jpg");
  });
  it("returns the same object when nothing is pinned", () => {
    expect(rewriteAssetUrls(snapshot, () => undefined)).toBe(snapshot);
  });
  it("rewrites relative references in a stylesheet against its base", () => {
    expect(
      rewriteCss(
        "a{background:url(x.png)} @import 'y.css';",
        (u) => (u.endsWith("x.png") ? "111" : u.endsWith("y.css") ? "222" : undefined),
        "http://h.localhost/s/",
      ),
    ).toBe('a{background:url("111")} @import "222";');
  });
});

describe("rrweb Asset events (type 7)", () => {
  it("reads a Blob payload's bytes", () => {
    const event = {
      type: 7,
      timestamp: 1,
      data: {
        url: "http://h.localhost/p.png",
        payload: {
          rr_type: "Blob",
          type: "image/png",
          data: [{ rr_type: "ArrayBuffer", base64: "iVBORw==" }],
        },
      },
    } as unknown as RrwebEvent;
    const asset = recordedAsset(event);
    expect(asset?.contentType).toBe("image/png");
    expect([...(asset?.bytes ?? [])]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
  it("ignores failed captures", () => {
    const event = {
      type: 7,
      timestamp: 1,
      data: { url: "http://h.localhost/p.png", failed: { message: "x" } },
    } as unknown as RrwebEvent;
    expect(recordedAsset(event)).toBeNull();
  });
});
